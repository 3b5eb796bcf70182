/**
 * The WebGPU backend: the dense primitives as WGSL compute shaders (webgpu/matmul.ts,
 * reduce.ts), in float32, behind the {@link AsyncBackend} interface (results come back with
 * mapAsync, so every primitive returns a Promise). Each call checks its shapes, then records
 * one GpuPlan (webgpu/plan.ts): its float64 operands uploaded as float32 into buffers the plan
 * owns, the product (and what follows it: the bias gradient's column sum, the TTFS layer's
 * max a); it replays the plan, reads the outputs back into the caller's arrays and closes it.
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
  MATMUL_PARAMS,
  matmulGrid,
  type MatmulLayout,
  type MatmulVersion,
} from "./webgpu/matmul.ts";
import { GpuPlan } from "./webgpu/plan.ts";
import {
  COLUMN_GROUP,
  COLUMN_SUM_PARAMS,
  COLUMN_SUM_WGSL,
  REDUCE_PARAMS,
  reduceWgsl,
} from "./webgpu/reduce.ts";

/** Options of {@link createWebGpuBackend}. */
export interface WebGpuBackendOptions extends GpuOptions {
  /** Matrix-product kernel version (default 3). */
  version?: 1 | 2 | 3;
}

/** The device and kernel version the primitives run with. */
interface Gpu {
  ctx: GpuContext;
  version: MatmulVersion;
}

/**
 * An operand of one product: its name, the caller's array, the entries used, whether it is
 * uploaded ("in"), read back ("out") or both ("inout"), and its binding (0: not bound to the
 * product, only to what runs after it).
 */
type Operand = [string, Float64Array, number, "in" | "out" | "inout", number];

/**
 * One checked product C (M x N) = epilogue(A B) of primitive `op` (sizes batch, nIn, nOut),
 * then `after` (more ops on the plan over the operands' buffers; it may return a reader of its
 * result). Nothing runs when `skip` (an empty output).
 */
interface Product<T> {
  op: string;
  sizes: [number, number, number];
  kernel: [MatmulLayout, Epilogue];
  mnk: [number, number, number];
  operands: Operand[];
  skip: boolean;
  tmax?: number;
  after?: (plan: GpuPlan, bufs: GPUBuffer[]) => Promise<(() => Promise<T>) | void>;
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
function checkOperands({ ctx, version }: Gpu, op: string, operands: Operand[], [M, N]: number[]) {
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

/** Runs one product (see {@link Product}) on a plan of its own; the result of `after`'s reader. */
async function product<T>(gpu: Gpu, p: Product<T>): Promise<T | undefined> {
  checkDims(p.op, p.sizes);
  checkOperands(gpu, p.op, p.operands, p.mnk);
  if (p.skip) return undefined;
  const { ctx, version } = gpu, [M, N, K] = p.mnk;
  const pipeline = await densePipeline(ctx, version, ...p.kernel);
  const plan = new GpuPlan(ctx, p.op);
  try {
    const bufs = p.operands.map(([name, a, n, role]) =>
      plan.storage(role === "out" ? n * 4 : f32(a, n), name)
    );
    const bound = p.operands.map(([, , , , slot], k) => [slot, bufs[k]] as const)
      .filter(([slot]) => slot > 0).sort(([a], [b]) => a - b).map(([, b]) => b);
    const params = { M, N, K, tmax: p.tmax ?? 0 };
    plan.kernel(pipeline, MATMUL_PARAMS, params, bound, matmulGrid(M, N, version));
    const result = await p.after?.(plan, bufs);
    plan.run();
    for (const [k, [, a, n, role]] of p.operands.entries()) {
      if (role !== "in" && n > 0) a.set(await ctx.read(bufs[k], n));
    }
    return result ? await result() : undefined;
  } finally {
    plan.close();
  }
}

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
  const gpu: Gpu = { ctx, version };
  return {
    name: version === 3 ? "webgpu" : `webgpu-v${version}`,
    denseForward: (...args) => denseForward(gpu, ...args),
    denseBackwardWeights: (...args) => denseBackwardWeights(gpu, ...args),
    denseBackwardInput: (...args) => denseBackwardInput(gpu, ...args),
    ttfsDenseForward: (...args) => ttfsDenseForward(gpu, ...args),
    gpu: { context: ctx, version },
    close(): void {
      ctx.destroy();
    },
  };
}

/** z = x W^T + bias. */
async function denseForward(
  gpu: Gpu,
  ...[x, W, bias, z, batch, nIn, nOut]: Parameters<AsyncBackend["denseForward"]>
): Promise<void> {
  await product(gpu, {
    op: "denseForward",
    sizes: [batch, nIn, nOut],
    kernel: ["forward", "bias"],
    mnk: [batch, nOut, nIn],
    operands: [
      ["x", x, batch * nIn, "in", 1],
      ["W", W, nOut * nIn, "in", 2],
      ["bias", bias, nOut, "in", 4],
      ["z", z, batch * nOut, "out", 3],
    ],
    skip: batch * nOut === 0,
  });
}

/** dW += dz^T x, dbias += sum_b dz. */
async function denseBackwardWeights(
  gpu: Gpu,
  ...[dz, x, dW, dbias, batch, nIn, nOut]: Parameters<AsyncBackend["denseBackwardWeights"]>
): Promise<void> {
  await product(gpu, {
    op: "denseBackwardWeights",
    sizes: [batch, nIn, nOut],
    kernel: ["weights", "add"],
    mnk: [nOut, nIn, batch],
    operands: [
      ["dz", dz, batch * nOut, "in", 1],
      ["x", x, batch * nIn, "in", 2],
      ["dW", dW, nOut * nIn, "inout", 3],
      ["dbias", dbias, nOut, "inout", 0],
    ],
    skip: nOut === 0,
    after: async (plan, bufs) => { // dbias += sum_b dz
      const sum = await gpu.ctx.pipeline(COLUMN_SUM_WGSL, "main", "column_sum");
      const grid = [Math.ceil(nOut / COLUMN_GROUP)] as [number];
      plan.kernel(sum, COLUMN_SUM_PARAMS, { M: batch, N: nOut }, [bufs[0], bufs[3]], grid);
    },
  });
}

/** dx = dz W. */
async function denseBackwardInput(
  gpu: Gpu,
  ...[dz, W, dx, batch, nIn, nOut]: Parameters<AsyncBackend["denseBackwardInput"]>
): Promise<void> {
  await product(gpu, {
    op: "denseBackwardInput",
    sizes: [batch, nIn, nOut],
    kernel: ["input", "store"],
    mnk: [batch, nIn, nOut],
    operands: [
      ["dz", dz, batch * nOut, "in", 1],
      ["W", W, nOut * nIn, "in", 2],
      ["dx", dx, batch * nIn, "out", 3],
    ],
    skip: batch * nIn === 0,
  });
}

/** The TTFS layer a = max(D + x W^T, 0), t = tmax - a; resolves to max a. */
async function ttfsDenseForward(
  gpu: Gpu,
  ...[x, W, D, t, a, batch, nIn, nOut, tmax]: Parameters<AsyncBackend["ttfsDenseForward"]>
): Promise<number> {
  const n = batch * nOut;
  const max = await product(gpu, {
    op: "ttfsDenseForward",
    sizes: [batch, nIn, nOut],
    kernel: ["forward", "ttfs"],
    mnk: [batch, nOut, nIn],
    operands: [
      ["x", x, batch * nIn, "in", 1],
      ["W", W, nOut * nIn, "in", 2],
      ["D", D, nOut, "in", 4],
      ["t", t, n, "out", 5],
      ["a", a, n, "out", 3],
    ],
    skip: n === 0,
    tmax,
    after: async (plan, bufs) => { // max a, over the product's C
      const reduce = await gpu.ctx.pipeline(reduceWgsl("max"), "main", "reduce_max");
      const out = plan.storage(4, "max a");
      plan.kernel(reduce, REDUCE_PARAMS, { n, offset: 0, slot: 0 }, [bufs[4], out], [1]);
      return async () => (await gpu.ctx.read(out, 1))[0];
    },
  });
  return max ?? 0;
}
