/**
 * WGSL matrix products, as one generator of compute shaders:
 *   C[m, n] = epilogue(m, n, sum_k A(m, k) B(k, n)),  m < M, n < N, k < K,
 * row-major buffers of float32, with the layouts of the three dense primitives
 * (x [batch, nIn], W [nOut, nIn], z [batch, nOut]):
 *   "forward"  z = b + x W^T:   A = x  (A[offA + m*K + k]),  B = W  read transposed (B[offB + n*K + k])
 *   "weights"  dW += dz^T x:    A = dz read transposed (A[offA + k*M + m]),  B = x (B[offB + k*N + n])
 *   "input"    dx = dz W:       A = dz (A[offA + m*K + k]),  B = W  (B[offB + k*N + n])
 * Operands may sit at offsets of a larger buffer (the LIF step keeps every layer's [W | b] in
 * one buffer), and "weights" may append a constant column to B (B(k, N-1) = c, B's rows then
 * N-1 wide: the bias gradient as an extra column of the weight gradient).
 *
 * {@link matmulKernel} joins a prelude (uniform and bindings), the two loads, an epilogue
 * body and a numbered main loop (matmul_kernels.ts: 1 plain, 2 16x16 shared tiles, 3 64x64
 * register tiles). {@link matmulWgsl} is its dense instance: the epilogues of {@link Epilogue}
 * over the bindings 0 params {M, N, K, tmax} (uniform MATMUL_PARAMS), 1 A, 2 B, 3 C (read_write), then
 * 4 bias (bias, relu, ttfs) or mask (mask), 5 t (ttfs). The LIF kernels (lif_wgsl.ts,
 * lif_ottt_wgsl.ts) are its other instances, with the SAF / LIF neuron fused as the epilogue.
 *
 * @module
 */
import type { GpuContext } from "./device.ts";
import { matmulBlock, type MatmulDims, matmulLoop, type MatmulVersion } from "./matmul_kernels.ts";
import { uniformWgsl } from "./params.ts";

export { matmulBlock, type MatmulDims, type MatmulVersion } from "./matmul_kernels.ts";

/** Operand layouts of the three dense primitives (see the module doc). */
export type MatmulLayout = "forward" | "weights" | "input";

/**
 * What is stored at C[m, n] given v = sum_k A(m, k) B(k, n), by the WGSL function named:
 *   bias  C = bias[n] + v                             dense_forward (denseForward)
 *   relu  C = max(bias[n] + v, 0)                     relu_dense_forward (a ReLU hidden layer)
 *   ttfs  a = max(D[n] + v, 0); C = a; t = tmax - a   ttfs_dense_forward (ttfsDenseForward)
 *   add   C += v                                      dense_backward_weights
 *   store C = v                                       dense_backward_input
 *   mask  C = v if mask[m, n] > 0 else 0              mask_inactive (backward through ReLU / a
 *                                                     silent neuron; core-as maskInactive)
 */
export type Epilogue = "bias" | "relu" | "ttfs" | "add" | "store" | "mask";

/** One kernel of the generator: WGSL text pieces (see {@link matmulKernel}). */
export interface MatmulSpec {
  /** Declarations: the uniform and the bindings. */
  prelude: string;
  /** M, N, K as WGSL u32 expressions (fields of the uniform). */
  dims: MatmulDims;
  /** Body of `fn loadA(m: u32, k: u32) -> f32` (called only in range). */
  loadA: string;
  /** Body of `fn loadB(k: u32, n: u32) -> f32` (called only in range). */
  loadB: string;
  /** Body of `fn epilogue(m: u32, n: u32, v: f32)`, v = sum_k A(m, k) B(k, n). */
  epilogue: string;
}

/** The buffers of the two operands and where they start (see {@link layoutLoads}). */
export interface MatmulOperands {
  /** WGSL name of A's buffer. */
  a: string;
  /** WGSL name of B's buffer. */
  b: string;
  /** Float offset of A in its buffer (a WGSL u32 expression; default 0). */
  offA?: string;
  /** Float offset of B in its buffer (default 0). */
  offB?: string;
  /** "weights" only: a constant column appended to B (a WGSL f32 expression). */
  column?: string;
}

/**
 * The loadA and loadB bodies of a layout (module doc) over sizes `dims`.
 *
 * @example
 * ```ts
 * import { layoutLoads } from "./matmul.ts";
 * console.log(layoutLoads("forward", ["M", "N", "K"], { a: "x", b: "w" })[1]);
 * // return w[0u + n * K + k];
 * ```
 */
export function layoutLoads(
  layout: MatmulLayout,
  [M, N, K]: MatmulDims,
  { a, b, offA = "0u", offB = "0u", column }: MatmulOperands,
): [string, string] {
  if (layout === "forward") {
    return [`return ${a}[${offA} + m * ${K} + k];`, `return ${b}[${offB} + n * ${K} + k];`];
  }
  if (layout === "input") {
    return [`return ${a}[${offA} + m * ${K} + k];`, `return ${b}[${offB} + k * ${N} + n];`];
  }
  const loadA = `return ${a}[${offA} + k * ${M} + m];`;
  if (column === undefined) return [loadA, `return ${b}[${offB} + k * ${N} + n];`];
  return [
    loadA,
    `if (n + 1u < ${N}) { return ${b}[${offB} + k * (${N} - 1u) + n]; } return ${column};`,
  ];
}

/**
 * The WGSL source of one kernel of the generator (entry point "main").
 *
 * @example
 * ```ts
 * import { matmulKernel } from "./matmul.ts";
 * const code = matmulKernel(3, {
 *   prelude: "@group(0) @binding(0) var<storage, read_write> c: array<f32>;",
 *   dims: ["4u", "4u", "4u"],
 *   loadA: "return 1.0;",
 *   loadB: "return 1.0;",
 *   epilogue: "c[m * 4u + n] = v;",
 * });
 * console.log(code.includes("fn epilogue")); // true
 * ```
 */
export function matmulKernel(version: MatmulVersion, spec: MatmulSpec): string {
  return `${spec.prelude}
fn loadA(m: u32, k: u32) -> f32 { ${spec.loadA} }
fn loadB(k: u32, n: u32) -> f32 { ${spec.loadB} }
fn epilogue(m: u32, n: u32, v: f32) {
  ${spec.epilogue}
}
${matmulLoop(version, spec.dims)}`;
}

/** Each epilogue as a named WGSL function of (i = m * N + n, n, v), tagged with its section. */
const EPILOGUE: Record<Epilogue, { bindings: string[]; fn: string }> = {
  bias: {
    bindings: ["bias"],
    fn: `// spec A5, B1
fn dense_forward(i: u32, n: u32, v: f32) { C[i] = bias[n] + v; }`,
  },
  relu: {
    bindings: ["bias"],
    fn: `// spec A5
fn relu_dense_forward(i: u32, n: u32, v: f32) { C[i] = max(bias[n] + v, 0.0); }`,
  },
  ttfs: {
    bindings: ["bias", "T"],
    fn: `// spec A5
fn ttfs_dense_forward(i: u32, n: u32, v: f32) {
  let a = max(bias[n] + v, 0.0);
  C[i] = a;
  T[i] = P.tmax - a;
}`,
  },
  add: {
    bindings: [],
    fn: `// spec A7, B2
fn dense_backward_weights(i: u32, n: u32, v: f32) { C[i] = C[i] + v; }`,
  },
  store: {
    bindings: [],
    fn: `// spec A7, B2
fn dense_backward_input(i: u32, n: u32, v: f32) { C[i] = v; }`,
  },
  mask: {
    bindings: ["mask"],
    fn: `// spec A7
fn mask_inactive(i: u32, n: u32, v: f32) { C[i] = select(0.0, v, mask[i] > 0.0); }`,
  },
};

const DENSE_DIMS: MatmulDims = ["P.M", "P.N", "P.K"];

/**
 * The uniform of the dense kernels (params.ts): C is M x N, the sum K long; tmax is the TTFS
 * epilogue's t = tmax - a.
 *
 * @example
 * ```ts
 * import { MATMUL_PARAMS } from "./matmul.ts";
 * import { packUniform } from "./params.ts";
 * console.log(packUniform(MATMUL_PARAMS, { M: 2, N: 3, K: 4 })[2]); // 4
 * ```
 */
export const MATMUL_PARAMS = { M: "u32", N: "u32", K: "u32", tmax: "f32" } as const;

/**
 * The WGSL source of one dense matrix-product kernel (entry point "main"; module doc).
 *
 * @example
 * ```ts
 * import { matmulWgsl } from "./matmul.ts";
 * const code = matmulWgsl(2, "forward", "ttfs");
 * console.log(code.includes("workgroupBarrier")); // true
 * ```
 */
export function matmulWgsl(
  version: MatmulVersion,
  layout: MatmulLayout,
  epilogue: Epilogue,
): string {
  const { bindings, fn } = EPILOGUE[epilogue];
  const extra = bindings.map((name, k) =>
    `@group(0) @binding(${4 + k}) var<storage, ${
      name === "T" ? "read_write" : "read"
    }> ${name}: array<f32>;`
  );
  const [loadA, loadB] = layoutLoads(layout, DENSE_DIMS, { a: "A", b: "B" });
  const prelude = `${uniformWgsl(MATMUL_PARAMS)}
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
${extra.join("\n")}
${fn}`;
  return matmulKernel(version, {
    prelude,
    dims: DENSE_DIMS,
    loadA,
    loadB,
    epilogue: `${/fn (\w+)/.exec(fn)?.[1]}(m * P.N + n, n, v);`,
  });
}

/**
 * The workgroup grid of an M x N product: [ceil(N / block), ceil(M / block)], block 16
 * (versions 1, 2) or 64 (version 3).
 *
 * @example
 * ```ts
 * import { matmulGrid } from "./matmul.ts";
 * console.log(matmulGrid(33, 16, 2), matmulGrid(130, 16, 3)); // [1, 3] [1, 3]
 * ```
 */
export function matmulGrid(M: number, N: number, version: MatmulVersion): [number, number] {
  const edge = matmulBlock(version);
  return [Math.ceil(N / edge), Math.ceil(M / edge)];
}

/**
 * The compiled dense kernel of {@link matmulWgsl} on `ctx` (cached by the context).
 *
 * @example
 * ```ts
 * import { GpuContext } from "./device.ts";
 * import { densePipeline } from "./matmul.ts";
 * const ctx = await GpuContext.create();
 * console.log((await densePipeline(ctx, 3, "input", "store")) !== undefined); // true
 * ctx.destroy();
 * ```
 */
export function densePipeline(
  ctx: GpuContext,
  version: MatmulVersion,
  layout: MatmulLayout,
  epilogue: Epilogue,
): Promise<GPUComputePipeline> {
  const label = `dense_${layout}_${epilogue}_v${version}`;
  return ctx.pipeline(matmulWgsl(version, layout, epilogue), "main", label);
}
