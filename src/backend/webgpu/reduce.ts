/**
 * WGSL reductions, each by one workgroup of 256 invocations: every invocation folds a strided
 * share of X[offset .. offset + n) (k = lid, lid + 256, ...), then a tree reduction in
 * workgroup memory halves the 256 partial results eight times; invocation 0 writes
 * out[slot]. One workgroup keeps the result in a fixed slot of a metrics buffer that comes
 * back in one readback (a step's loss, counts, norms and maxima).
 *
 *   max   out[slot] = max(0, max_k X[k])   (the largest activation a = tmax - t; 0 if none)
 *   sum   out[slot] = sum_k X[k]
 *   sumsq out[slot] = sum_k X[k]^2          (squared gradient norms)
 *
 * Also the bias gradient, a column sum: dbias[n] += sum_m dz[m * N + n] (one invocation per
 * column, 64 per workgroup).
 *
 * Bindings: reduce: 0 params {n, offset, slot} (uniform REDUCE_PARAMS), 1 X, 2 out
 * (read_write); column sum: 0 params {M, N} (COLUMN_SUM_PARAMS), 1 dz, 2 dbias (read_write).
 *
 * @module
 */
import { uniformWgsl } from "./params.ts";

/** The reductions of {@link reduceWgsl}. */
export type ReduceOp = "max" | "sum" | "sumsq";

const OPS: Record<ReduceOp, { init: string; fold: string; combine: string }> = {
  max: { init: "0.0", fold: "max(acc, v)", combine: "max(x, y)" },
  sum: { init: "0.0", fold: "acc + v", combine: "x + y" },
  sumsq: { init: "0.0", fold: "acc + v * v", combine: "x + y" },
};

/**
 * The uniform of a reduction (params.ts): X[offset .. offset + n) into out[slot].
 *
 * @example
 * ```ts
 * import { REDUCE_PARAMS } from "./reduce.ts";
 * console.log(Object.keys(REDUCE_PARAMS)); // [ "n", "offset", "slot" ]
 * ```
 */
export const REDUCE_PARAMS = { n: "u32", offset: "u32", slot: "u32" } as const;

/**
 * The uniform of the column sum (params.ts): dz is M x N.
 *
 * @example
 * ```ts
 * import { COLUMN_SUM_PARAMS } from "./reduce.ts";
 * console.log(Object.keys(COLUMN_SUM_PARAMS)); // [ "M", "N" ]
 * ```
 */
export const COLUMN_SUM_PARAMS = { M: "u32", N: "u32" } as const;

/** Invocations of a reduction's single workgroup. */
export const REDUCE_SIZE = 256;

/**
 * The WGSL source of a one-workgroup tree reduction (dispatch [1]).
 *
 * @example
 * ```ts
 * import { reduceWgsl } from "./reduce.ts";
 * console.log(reduceWgsl("sumsq").includes("acc + v * v")); // true
 * ```
 */
export function reduceWgsl(op: ReduceOp): string {
  const { init, fold, combine } = OPS[op];
  return `${uniformWgsl(REDUCE_PARAMS)}
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> part: array<f32, ${REDUCE_SIZE}>;
fn combine(x: f32, y: f32) -> f32 { return ${combine}; }
@compute @workgroup_size(${REDUCE_SIZE})
fn main(@builtin(local_invocation_index) i: u32) {
  var acc = ${init};
  for (var k = i; k < P.n; k += ${REDUCE_SIZE}u) {
    let v = X[P.offset + k];
    acc = ${fold};
  }
  part[i] = acc;
  workgroupBarrier();
  for (var s = ${REDUCE_SIZE / 2}u; s > 0u; s = s >> 1u) {
    if (i < s) { part[i] = combine(part[i], part[i + s]); }
    workgroupBarrier();
  }
  if (i == 0u) { out[P.slot] = part[0]; }
}
`;
}

/** Columns per workgroup of {@link COLUMN_SUM_WGSL}. */
export const COLUMN_GROUP = 64;

/**
 * dbias[n] += sum_m dz[m * N + n]: the bias gradient (dispatch [ceil(N / 64)]).
 *
 * @example
 * ```ts
 * import { COLUMN_SUM_WGSL } from "./reduce.ts";
 * console.log(COLUMN_SUM_WGSL.includes("dbias")); // true
 * ```
 */
export const COLUMN_SUM_WGSL = `${uniformWgsl(COLUMN_SUM_PARAMS)}
@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read_write> dbias: array<f32>;
// spec A7, B2
fn dense_backward_bias(n: u32) {
  var s = 0.0;
  for (var m = 0u; m < P.M; m++) { s += dz[m * P.N + n]; }
  dbias[n] = dbias[n] + s;
}
@compute @workgroup_size(${COLUMN_GROUP})
fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= P.N) { return; }
  dense_backward_bias(g.x);
}
`;
