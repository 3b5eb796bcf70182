/**
 * WGSL kernels of the LIF step around the layers: the per-step loss of `lif/loss.ts` (mixedLoss,
 * SPEC B2) on the readout's logits and the batch's figures, float32 (Adam is webgpu/adam.ts's):
 *
 *   L[t]  = scale ((1 - m) CE(o[t], y) + m MSE(o[t], onehot(y)))           (lifLossWgsl)
 *   dL/do = scale ((1 - m) (softmax(o) - onehot) / B + m 2 (o - onehot) / (B K))
 *   scores (+)= o[t],   lossRows[b] (+)= L[t]'s share of sample b
 *   loss = sum_b lossRows[b],  correct = #{b : argmax_k scores[b, k] = y_b} (first on ties)
 *                                                                           (lifFinishWgsl)
 *
 * Layout: o, dO, scores [batch, classes] row-major f32; labels u32 [batch]; lossRows f32
 * [batch]; result f32 [2] = (loss, correct). The uniform P is lif_uniform.ts's.
 *
 * @module
 */
import { LIF_UNIFORM_WGSL } from "./lif_uniform.ts";

/**
 * The loss of one step, one invocation per sample (p.batch samples, p.classes classes, scale
 * p.scale, MSE weight p.mse; keep = 0 at the first step). Bindings: 1 o, 2 labels, 3 dO,
 * 4 scores, 5 lossRows. Dispatch ceil(batch / 64).
 *
 * @example
 * ```ts
 * import { lifLossWgsl } from "./lif_loss_wgsl.ts";
 * console.log(lifLossWgsl.includes("@compute")); // true
 * ```
 */
export const lifLossWgsl: string = `${LIF_UNIFORM_WGSL}
@group(0) @binding(1) var<storage, read> o: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dO: array<f32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> lossRows: array<f32>;
// spec B1.2
fn mixed_loss(b: u32) {
  let K = p.classes;
  let base = b * K;
  let y = labels[b];
  let nb = f32(p.batch);
  var mx = o[base];
  for (var k = 1u; k < K; k++) { mx = max(mx, o[base + k]); }
  var sum = 0.0;
  for (var k = 0u; k < K; k++) { sum = sum + exp(o[base + k] - mx); }
  var mse = 0.0;
  for (var k = 0u; k < K; k++) {
    let v = o[base + k];
    var hot = 0.0;
    if (k == y) { hot = 1.0; }
    let e = v - hot;
    mse = mse + e * e;
    let soft = exp(v - mx) / sum;
    dO[base + k] = p.scale * ((1.0 - p.mse) * (soft - hot) / nb + p.mse * 2.0 * e / (nb * f32(K)));
    var s = v;
    if (p.keep != 0u) { s = s + scores[base + k]; }
    scores[base + k] = s;
  }
  let ce = log(sum) - (o[base + y] - mx);
  var l = p.scale * ((1.0 - p.mse) * ce / nb + p.mse * mse / (nb * f32(K)));
  if (p.keep != 0u) { l = l + lossRows[b]; }
  lossRows[b] = l;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= p.batch) { return; }
  mixed_loss(gid.x);
}
`;

/**
 * The batch's loss and correct count into result[0..1], one invocation. Bindings: 1 scores,
 * 2 labels, 3 lossRows, 4 result.
 *
 * @example
 * ```ts
 * import { lifFinishWgsl } from "./lif_loss_wgsl.ts";
 * console.log(lifFinishWgsl.includes("@compute")); // true
 * ```
 */
export const lifFinishWgsl: string = `${LIF_UNIFORM_WGSL}
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> lossRows: array<f32>;
@group(0) @binding(4) var<storage, read_write> result: array<f32>;
@compute @workgroup_size(1)
fn main() {
  var loss = 0.0;
  var correct = 0u;
  for (var b = 0u; b < p.batch; b++) {
    loss = loss + lossRows[b];
    let base = b * p.classes;
    var best = 0u;
    for (var k = 1u; k < p.classes; k++) {
      if (scores[base + k] > scores[base + best]) { best = k; }
    }
    if (best == labels[b]) { correct = correct + 1u; }
  }
  result[0] = loss;
  result[1] = f32(correct);
}
`;
