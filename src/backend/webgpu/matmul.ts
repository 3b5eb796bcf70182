/**
 * WGSL matrix products for the dense layers, as one generator of compute shaders:
 *   C[m, n] (op)= sum_k A(m, k) B(k, n),  m < M, n < N, k < K,
 * row-major buffers of float32, with the layouts of the three dense primitives
 * (x [batch, nIn], W [nOut, nIn], z [batch, nOut]):
 *   "forward"  z = b + x W^T:   A = x  (A[m*K + k]),  B = W  read transposed (B[n*K + k])
 *   "weights"  dW += dz^T x:    A = dz read transposed (A[k*M + m]),  B = x (B[k*N + n])
 *   "input"    dx = dz W:       A = dz (A[m*K + k]),  B = W  (B[k*N + n])
 * and an epilogue applied to each output (see {@link Epilogue}).
 *
 * Versions (llm.c style, each kept for comparison):
 *   1  one invocation per output, a plain loop over k (16x16 invocations per workgroup);
 *   2  16x16 output tiles: each workgroup stages 16x16 tiles of A and B in workgroup memory
 *      and every invocation reads its k-run from there (16x fewer global loads).
 * Grid: workgroups [ceil(N / 16), ceil(M / 16)]; invocation (x, y) owns C[m = y, n = x].
 *
 * Bindings (group 0): 0 params {M, N, K, tmax} (uniform), 1 A, 2 B, 3 C (read_write), then
 * 4 bias (bias, relu, ttfs) or mask (mask), 5 t (ttfs).
 *
 * @module
 */

/** Operand layouts of the three dense primitives (see the module doc). */
export type MatmulLayout = "forward" | "weights" | "input";

/**
 * What is stored at C[m, n] given acc = sum_k A(m, k) B(k, n):
 *   bias  C = bias[n] + acc                        (denseForward)
 *   relu  C = max(bias[n] + acc, 0)                (a ReLU hidden layer)
 *   ttfs  a = max(D[n] + acc, 0); C = a; t = tmax - a   (ttfsDenseForward)
 *   add   C += acc                                 (denseBackwardWeights)
 *   store C = acc                                  (denseBackwardInput)
 *   mask  C = acc if mask[m, n] > 0 else 0         (backward through ReLU / a silent neuron)
 */
export type Epilogue = "bias" | "relu" | "ttfs" | "add" | "store" | "mask";

/** Tile edge of version 2 and workgroup edge of both versions. */
export const TILE = 16;

const INDEX: Record<MatmulLayout, [string, string]> = {
  forward: ["m * P.K + k", "n * P.K + k"],
  weights: ["k * P.M + m", "k * P.N + n"],
  input: ["m * P.K + k", "k * P.N + n"],
};

const EPILOGUE: Record<Epilogue, { bindings: string[]; body: string }> = {
  bias: { bindings: ["bias"], body: "C[i] = bias[n] + acc;" },
  relu: { bindings: ["bias"], body: "C[i] = max(bias[n] + acc, 0.0);" },
  ttfs: {
    bindings: ["bias", "T"],
    body: "let a = max(bias[n] + acc, 0.0);\n  C[i] = a;\n  T[i] = P.tmax - a;",
  },
  add: { bindings: [], body: "C[i] = C[i] + acc;" },
  store: { bindings: [], body: "C[i] = acc;" },
  mask: { bindings: ["mask"], body: "C[i] = select(0.0, acc, mask[i] > 0.0);" },
};

function header(layout: MatmulLayout, epilogue: Epilogue): string {
  const [ia, ib] = INDEX[layout], { bindings, body } = EPILOGUE[epilogue];
  const extra = bindings.map((name, k) =>
    `@group(0) @binding(${4 + k}) var<storage, ${
      name === "T" ? "read_write" : "read"
    }> ${name}: array<f32>;`
  );
  return `struct Params { M: u32, N: u32, K: u32, tmax: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
${extra.join("\n")}
fn loadA(m: u32, k: u32) -> f32 { return A[${ia}]; }
fn loadB(k: u32, n: u32) -> f32 { return B[${ib}]; }
fn epilogue(m: u32, n: u32, acc: f32) {
  let i = m * P.N + n;
  ${body}
}
`;
}

// v1: C[m, n] = sum_k A(m, k) B(k, n), one invocation per output
const V1 = `@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = g.x;
  let m = g.y;
  if (m >= P.M || n >= P.N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < P.K; k++) { acc += loadA(m, k) * loadB(k, n); }
  epilogue(m, n, acc);
}
`;

// v2: the same sum, 16x16 tiles of A and B staged in workgroup memory
const V2 = `var<workgroup> As: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let n = w.x * ${TILE}u + l.x;
  let m = w.y * ${TILE}u + l.y;
  var acc = 0.0;
  for (var k0 = 0u; k0 < P.K; k0 += ${TILE}u) {
    let ka = k0 + l.x;
    let kb = k0 + l.y;
    var a = 0.0;
    var b = 0.0;
    if (m < P.M && ka < P.K) { a = loadA(m, ka); }
    if (kb < P.K && n < P.N) { b = loadB(kb, n); }
    As[l.y][l.x] = a;
    Bs[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) { acc += As[l.y][k] * Bs[k][l.x]; }
    workgroupBarrier();
  }
  if (m < P.M && n < P.N) { epilogue(m, n, acc); }
}
`;

/**
 * The WGSL source of one matrix-product kernel (entry point "main").
 *
 * @example
 * ```ts
 * import { matmulWgsl } from "./matmul.ts";
 * const code = matmulWgsl(2, "forward", "ttfs");
 * console.log(code.includes("workgroupBarrier")); // true
 * ```
 */
export function matmulWgsl(version: 1 | 2, layout: MatmulLayout, epilogue: Epilogue): string {
  return header(layout, epilogue) + (version === 1 ? V1 : V2);
}

/**
 * The workgroup grid of an M x N product: [ceil(N / 16), ceil(M / 16)].
 *
 * @example
 * ```ts
 * import { matmulGrid } from "./matmul.ts";
 * console.log(matmulGrid(33, 16)); // [1, 3]
 * ```
 */
export function matmulGrid(M: number, N: number): [number, number] {
  return [Math.ceil(N / TILE), Math.ceil(M / TILE)];
}
