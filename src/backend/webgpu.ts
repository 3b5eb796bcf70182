/**
 * The WebGPU backend: the dense primitives as WGSL compute shaders (webgpu/matmul.ts,
 * reduce.ts), in float32, behind the {@link AsyncBackend} interface (results come back with
 * mapAsync, so every primitive returns a Promise). Each call checks its shapes, uploads its
 * float64 operands as float32, dispatches and reads the outputs back into the caller's arrays.
 *
 * Kernel versions (webgpu/matmul.ts): 1 = one invocation per output; 2 = 16x16 tiles staged in
 * workgroup memory (the default). Both are checked against `refBackend` by
 * tests/backend/webgpu.test.ts.
 *
 * `createTwinStep` owns a whole training step with everything resident on the GPU
 * (webgpu/twin_step.ts). Runs where `navigator.gpu` exists (Deno; browsers); elsewhere
 * `createWebGpuBackend` rejects with a `BackendUnavailableError`.
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { AsyncBackend } from "./backend.ts";
import { GpuContext, type GpuOptions } from "./webgpu/device.ts";
import { type Epilogue, matmulGrid, type MatmulLayout, matmulWgsl } from "./webgpu/matmul.ts";
import { packParams } from "./webgpu/params.ts";
import { COLUMN_GROUP, COLUMN_SUM_WGSL, reduceWgsl } from "./webgpu/reduce.ts";
import { createGpuTwinStep } from "./webgpu/twin_step.ts";

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions extends GpuOptions {
  /** Matrix-product kernel version (default 2). */
  version?: 1 | 2;
}

function checkDims(name: string, dims: number[]): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${name}: sizes must be integers >= 0, got ${dims.join(", ")}`);
    }
  }
}

/**
 * Checks the operands of a primitive: each [name, array, entries needed], then the device's
 * limits: each operand within maxStorageBufferBindingSize, the M x N grid within
 * maxComputeWorkgroupsPerDimension.
 */
function checkOperands(
  ctx: GpuContext,
  op: string,
  operands: [string, ArrayLike<number>, number][],
  M: number,
  N: number,
): void {
  const maxBytes = ctx.limits.maxStorageBufferBindingSize;
  for (const [name, a, n] of operands) {
    if (a.length < n) {
      throw new ShapeError(`${op}: ${name} has ${a.length} entries; expected >= ${n}`);
    }
    if (n * 4 > maxBytes) {
      throw new ShapeError(
        `${op}: ${name} needs ${n * 4} bytes; the device binds at most ${maxBytes}`,
      );
    }
  }
  const [gx, gy] = matmulGrid(M, N), max = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (gx > max || gy > max) {
    throw new ShapeError(
      `${op}: a ${M}x${N} output needs ${gx}x${gy} workgroups; the device allows ${max} per dimension`,
    );
  }
}

const f32 = (a: ArrayLike<number>, n: number): Float32Array => {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = a[k];
  return out;
};

/**
 * A WebGPU backend (its own device). Rejects with `BackendUnavailableError` where there is no
 * WebGPU.
 *
 * @example
 * ```ts
 * import { createWebGpuBackend } from "./webgpu.ts";
 * const be = await createWebGpuBackend();
 * const z = new Float64Array(1);
 * await be.denseForward(new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * be.close();
 * ```
 */
export async function createWebGpuBackend(
  options: WebGpuBackendOptions = {},
): Promise<AsyncBackend> {
  const version = options.version ?? 2, ctx = await GpuContext.create(options);
  const product = (layout: MatmulLayout, epilogue: Epilogue) =>
    ctx.pipeline(
      matmulWgsl(version, layout, epilogue),
      "main",
      `dense_${layout}_${epilogue}_v${version}`,
    );

  /** One matrix product: C (M x N) from A, B, the initial C (for "add") and the extras. */
  async function run(
    layout: MatmulLayout,
    epilogue: Epilogue,
    [M, N, K]: [number, number, number],
    A: Float32Array,
    B: Float32Array,
    C: Float32Array | number,
    extras: (Float32Array | number)[] = [],
    tmax = 0,
  ): Promise<GPUBuffer[]> {
    const pipeline = await product(layout, epilogue);
    const params = ctx.temp(ctx.uniform(packParams({ M, N, K, tmax }, ["tmax"])));
    const bufs = [A, B, C, ...extras].map((d) => ctx.storage(typeof d === "number" ? d * 4 : d));
    ctx.dispatch(pipeline, [params, ...bufs], matmulGrid(M, N));
    return bufs;
  }

  const done = (bufs: GPUBuffer[]) => bufs.forEach((b) => b.destroy());

  return {
    name: version === 2 ? "webgpu" : `webgpu-v${version}`,

    async denseForward(x, W, bias, z, batch, nIn, nOut): Promise<void> {
      checkDims("denseForward", [batch, nIn, nOut]);
      checkOperands(
        ctx,
        "denseForward",
        [["x", x, batch * nIn], ["W", W, nOut * nIn], [
          "bias",
          bias,
          nOut,
        ], ["z", z, batch * nOut]],
        batch,
        nOut,
      );
      if (batch * nOut === 0) return;
      const bufs = await run(
        "forward",
        "bias",
        [batch, nOut, nIn],
        f32(x, batch * nIn),
        f32(W, nOut * nIn),
        batch * nOut,
        [f32(bias, nOut)],
      );
      try {
        z.set(await ctx.read(bufs[2], batch * nOut));
      } finally {
        done(bufs);
      }
    },

    async denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut): Promise<void> {
      checkDims("denseBackwardWeights", [batch, nIn, nOut]);
      checkOperands(
        ctx,
        "denseBackwardWeights",
        [["dz", dz, batch * nOut], ["x", x, batch * nIn], [
          "dW",
          dW,
          nOut * nIn,
        ], ["dbias", dbias, nOut]],
        nOut,
        nIn,
      );
      if (nOut === 0) return;
      const g = f32(dz, batch * nOut);
      const bufs = await run(
        "weights",
        "add",
        [nOut, nIn, batch],
        g,
        f32(x, batch * nIn),
        f32(dW, nOut * nIn),
      );
      const sum = await ctx.pipeline(COLUMN_SUM_WGSL, "main", "column_sum");
      const db = ctx.storage(f32(dbias, nOut)),
        params = ctx.temp(ctx.uniform(packParams({ M: batch, N: nOut })));
      ctx.dispatch(sum, [params, bufs[0], db], [Math.ceil(nOut / COLUMN_GROUP)]);
      try {
        if (nIn > 0) dW.set(await ctx.read(bufs[2], nOut * nIn));
        dbias.set(await ctx.read(db, nOut));
      } finally {
        done([...bufs, db]);
      }
    },

    async denseBackwardInput(dz, W, dx, batch, nIn, nOut): Promise<void> {
      checkDims("denseBackwardInput", [batch, nIn, nOut]);
      checkOperands(
        ctx,
        "denseBackwardInput",
        [["dz", dz, batch * nOut], ["W", W, nOut * nIn], [
          "dx",
          dx,
          batch * nIn,
        ]],
        batch,
        nIn,
      );
      if (batch * nIn === 0) return;
      const bufs = await run(
        "input",
        "store",
        [batch, nIn, nOut],
        f32(dz, batch * nOut),
        f32(W, nOut * nIn),
        batch * nIn,
      );
      try {
        dx.set(await ctx.read(bufs[2], batch * nIn));
      } finally {
        done(bufs);
      }
    },

    async ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax): Promise<number> {
      checkDims("ttfsDenseForward", [batch, nIn, nOut]);
      const n = batch * nOut;
      checkOperands(
        ctx,
        "ttfsDenseForward",
        [
          ["x", x, batch * nIn],
          ["W", W, nOut * nIn],
          [
            "D",
            D,
            nOut,
          ],
          ["t", t, n],
          ["a", a, n],
        ],
        batch,
        nOut,
      );
      if (n === 0) return 0;
      const bufs = await run(
        "forward",
        "ttfs",
        [batch, nOut, nIn],
        f32(x, batch * nIn),
        f32(W, nOut * nIn),
        n,
        [f32(D, nOut), n],
        tmax,
      );
      const max = await ctx.pipeline(reduceWgsl("max"), "main", "reduce_max");
      const out = ctx.storage(4),
        params = ctx.temp(ctx.uniform(packParams({ n, offset: 0, slot: 0 })));
      ctx.dispatch(max, [params, bufs[2], out], [1]);
      try {
        a.set(await ctx.read(bufs[2], n));
        t.set(await ctx.read(bufs[4], n));
        return (await ctx.read(out, 1))[0];
      } finally {
        done([...bufs, out]);
      }
    },

    createTwinStep: (spec) => createGpuTwinStep(ctx, spec, version),

    close(): void {
      ctx.destroy();
    },
  };
}
