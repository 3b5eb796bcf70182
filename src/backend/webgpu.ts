/**
 * The WebGPU backend: the dense primitives as WGSL compute shaders (webgpu/matmul.ts,
 * reduce.ts), in float32, behind the {@link AsyncBackend} interface (results come back with
 * mapAsync, so every primitive returns a Promise). Each call checks its shapes, uploads its
 * float64 operands as float32, dispatches and reads the outputs back into the caller's arrays.
 *
 * Kernel versions (webgpu/matmul_kernels.ts): 1 = one invocation per output; 2 = 16x16 tiles
 * staged in workgroup memory; 3 = 64x64 blocks, 4x4 register tiles per invocation (the
 * default: fastest on llvmpipe). All are checked against `refBackend` by
 * tests/backend/webgpu.test.ts.
 *
 * `gpu` hands the device and kernel version to the training steps that run there
 * (`src/steps/ttfs/webgpu.ts`). Runs where `navigator.gpu` exists (Deno; browsers); elsewhere
 * `createWebGpuBackend` rejects with a `BackendUnavailableError`.
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { AsyncBackend } from "./backend.ts";
import { GpuContext, type GpuOptions } from "./webgpu/device.ts";
import {
  densePipeline,
  type Epilogue,
  matmulGrid,
  type MatmulLayout,
  type MatmulVersion,
} from "./webgpu/matmul.ts";
import { packParams } from "./webgpu/params.ts";
import { COLUMN_GROUP, COLUMN_SUM_WGSL, reduceWgsl } from "./webgpu/reduce.ts";

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions extends GpuOptions {
  /** Matrix-product kernel version (default 3). */
  version?: 1 | 2 | 3;
}

/**
 * An operand of one product: its name, the caller's array, the entries used, whether it is
 * uploaded ("in"), read back ("out") or both ("inout"), and its binding (0: not bound to the
 * product, only to what runs after it).
 */
type Operand = [string, Float64Array, number, "in" | "out" | "inout", number];

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
  operands: Operand[],
  [M, N]: number[],
  version: MatmulVersion,
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
  const [gx, gy] = matmulGrid(M, N, version), max = ctx.limits.maxComputeWorkgroupsPerDimension;
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
  const version = options.version ?? 3, ctx = await GpuContext.create(options);

  /**
   * One checked product C (M x N) = epilogue(A B) over the operands (checked in the order
   * given; the "in" and "inout" ones uploaded), then `after` (more dispatches over the
   * buffers; it returns its own buffers and a reader of its result); the "out" and "inout"
   * operands are read back into the caller's arrays. Nothing runs when `skip` (empty).
   */
  async function product<T>(
    op: string,
    [batch, nIn, nOut]: number[],
    [layout, epilogue]: [MatmulLayout, Epilogue],
    [M, N, K]: number[],
    operands: Operand[],
    skip: boolean,
    after?: (bufs: GPUBuffer[]) => Promise<[GPUBuffer[], (() => Promise<T>)?]>,
    tmax = 0,
  ): Promise<T | undefined> {
    checkDims(op, [batch, nIn, nOut]);
    checkOperands(ctx, op, operands, [M, N], version);
    if (skip) return undefined;
    const pipeline = await densePipeline(ctx, version, layout, epilogue);
    const params = ctx.temp(ctx.uniform(packParams({ M, N, K, tmax }, ["tmax"])));
    const bufs = operands.map(([, a, n, role]) => ctx.storage(role === "out" ? n * 4 : f32(a, n)));
    const bound = operands.map(([, , , , slot], k) => [slot, bufs[k]] as const)
      .filter(([slot]) => slot > 0).sort(([a], [b]) => a - b).map(([, b]) => b);
    ctx.dispatch(pipeline, [params, ...bound], matmulGrid(M, N, version));
    const [more, result] = after ? await after(bufs) : [[]];
    try {
      for (const [k, [, a, n, role]] of operands.entries()) {
        if (role !== "in" && n > 0) a.set(await ctx.read(bufs[k], n));
      }
      return result ? await result() : undefined;
    } finally {
      [...bufs, ...more].forEach((b) => b.destroy());
    }
  }

  return {
    name: version === 3 ? "webgpu" : `webgpu-v${version}`,

    async denseForward(x, W, bias, z, batch, nIn, nOut): Promise<void> {
      await product("denseForward", [batch, nIn, nOut], ["forward", "bias"], [batch, nOut, nIn], [
        ["x", x, batch * nIn, "in", 1],
        ["W", W, nOut * nIn, "in", 2],
        ["bias", bias, nOut, "in", 4],
        ["z", z, batch * nOut, "out", 3],
      ], batch * nOut === 0);
    },

    async denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut): Promise<void> {
      const sizes = [batch, nIn, nOut];
      await product(
        "denseBackwardWeights",
        sizes,
        ["weights", "add"],
        [nOut, nIn, batch],
        [
          ["dz", dz, batch * nOut, "in", 1],
          ["x", x, batch * nIn, "in", 2],
          ["dW", dW, nOut * nIn, "inout", 3],
          ["dbias", dbias, nOut, "inout", 0],
        ],
        nOut === 0,
        async (bufs) => { // dbias += sum_b dz
          const sum = await ctx.pipeline(COLUMN_SUM_WGSL, "main", "column_sum");
          const params = ctx.temp(ctx.uniform(packParams({ M: batch, N: nOut })));
          ctx.dispatch(sum, [params, bufs[0], bufs[3]], [Math.ceil(nOut / COLUMN_GROUP)]);
          return [[]];
        },
      );
    },

    async denseBackwardInput(dz, W, dx, batch, nIn, nOut): Promise<void> {
      const sizes = [batch, nIn, nOut];
      await product("denseBackwardInput", sizes, ["input", "store"], [batch, nIn, nOut], [
        ["dz", dz, batch * nOut, "in", 1],
        ["W", W, nOut * nIn, "in", 2],
        ["dx", dx, batch * nIn, "out", 3],
      ], batch * nIn === 0);
    },

    async ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax): Promise<number> {
      const n = batch * nOut;
      const max = await product(
        "ttfsDenseForward",
        [batch, nIn, nOut],
        ["forward", "ttfs"],
        [batch, nOut, nIn],
        [
          ["x", x, batch * nIn, "in", 1],
          ["W", W, nOut * nIn, "in", 2],
          ["D", D, nOut, "in", 4],
          ["t", t, n, "out", 5],
          ["a", a, n, "out", 3],
        ],
        n === 0,
        async (bufs) => { // max a, over the product's C
          const reduce = await ctx.pipeline(reduceWgsl("max"), "main", "reduce_max");
          const out = ctx.storage(4),
            params = ctx.temp(ctx.uniform(packParams({ n, offset: 0, slot: 0 })));
          ctx.dispatch(reduce, [params, bufs[4], out], [1]);
          return [[out], async () => (await ctx.read(out, 1))[0]];
        },
        tmax,
      );
      return max ?? 0;
    },

    gpu: { context: ctx, version },

    close(): void {
      ctx.destroy();
    },
  };
}
