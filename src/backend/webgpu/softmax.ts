/**
 * WGSL softmax cross-entropy of a batch, one workgroup of 64 invocations (dispatch [1]); each
 * takes rows b = lid, lid + 64, ... of logits y [batch, classes] with labels c_b:
 *   loss_b = log sum_k exp(y_bk - max_k y_bk) - (y_b,c_b - max_k y_bk)
 *   dl_bk  = (softmax(y_b)_k - [k = c_b]) / denom        (denom: the whole batch's size)
 *   right_b = [argmax_k y_bk = c_b]  (the first maximum, as the reference's argmax)
 * then a tree reduction writes out[slot] = sum_b loss_b and out[slot + 1] = sum_b right_b.
 * float32 throughout (WGSL has no float64; the wasm core sums these in float64).
 *
 * Bindings: 0 params {batch, classes, denom (f32), slot} (uniform SOFTMAX_PARAMS), 1 logits,
 * 2 labels (u32), 3 dl (read_write), 4 out (read_write).
 *
 * @module
 */
import { uniformWgsl } from "./params.ts";

/**
 * The softmax's uniform (params.ts): the batch, the classes, the divisor of dl, the first of
 * the two output slots.
 *
 * @example
 * ```ts
 * import { SOFTMAX_PARAMS } from "./softmax.ts";
 * console.log(SOFTMAX_PARAMS.denom); // f32
 * ```
 */
export const SOFTMAX_PARAMS = { batch: "u32", classes: "u32", denom: "f32", slot: "u32" } as const;

/** Invocations of the softmax's single workgroup. */
export const SOFTMAX_SIZE = 64;

/**
 * The softmax cross-entropy kernel (entry point "main", one row in `softmax_cross_entropy`).
 *
 * @example
 * ```ts
 * import { SOFTMAX_XENT_WGSL } from "./softmax.ts";
 * console.log(SOFTMAX_XENT_WGSL.includes("exp(")); // true
 * ```
 */
export const SOFTMAX_XENT_WGSL = `${uniformWgsl(SOFTMAX_PARAMS)}
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dl: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
var<workgroup> lossPart: array<f32, ${SOFTMAX_SIZE}>;
var<workgroup> rightPart: array<f32, ${SOFTMAX_SIZE}>;
// spec A6
fn softmax_cross_entropy(b: u32) -> vec2<f32> {
  let o = b * P.classes;
  let c = labels[b];
  var mx = Y[o];
  var arg = 0u;
  for (var k = 1u; k < P.classes; k++) {
    if (Y[o + k] > mx) { mx = Y[o + k]; arg = k; }
  }
  var sum = 0.0;
  for (var k = 0u; k < P.classes; k++) { sum += exp(Y[o + k] - mx); }
  for (var k = 0u; k < P.classes; k++) {
    dl[o + k] = (exp(Y[o + k] - mx) / sum - select(0.0, 1.0, k == c)) / P.denom;
  }
  return vec2<f32>(log(sum) - (Y[o + c] - mx), select(0.0, 1.0, arg == c));
}
@compute @workgroup_size(${SOFTMAX_SIZE})
fn main(@builtin(local_invocation_index) i: u32) {
  var loss = 0.0;
  var right = 0.0;
  for (var b = i; b < P.batch; b += ${SOFTMAX_SIZE}u) {
    let r = softmax_cross_entropy(b);
    loss += r.x;
    right += r.y;
  }
  lossPart[i] = loss;
  rightPart[i] = right;
  workgroupBarrier();
  for (var s = ${SOFTMAX_SIZE / 2}u; s > 0u; s = s >> 1u) {
    if (i < s) {
      lossPart[i] += lossPart[i + s];
      rightPart[i] += rightPart[i + s];
    }
    workgroupBarrier();
  }
  if (i == 0u) {
    out[P.slot] = lossPart[0];
    out[P.slot + 1u] = rightPart[0];
  }
}
`;
