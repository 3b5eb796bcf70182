/**
 * Spike Representation (Meng et al. 2022; SPEC B4): the weighted firing rate of every layer,
 *
 *   r_l = sum_t lambda^(T-t) y_l[t] / sum_t lambda^(T-t) = a_hat_l[T] / c[T],
 *
 * is treated as a function of the rates below through its closed form, and differentiated so:
 *
 *   r_l ~ pool(clamp(z_l / V_th, 0, 1)),   z_l = W_l r_{l-1} + b_l
 *   delta_l = unpool(dL/dr_l) [0 <= z_l / V_th <= 1] / V_th,   gW_l = delta_l (outer) r_{l-1}
 *
 * The loss is one mixedLoss on the rate readout o = W_L r_{L-1} + b_L. The forward is the
 * LIF simulation (its rates), or with `closedForm` the closed form itself, a network of
 * clamped linear units whose exact gradient this is (the tests check it so). z_l is
 * recomputed from the rates: one extra linear map per layer, counted as forward MACs.
 *
 * @module
 */
import { LIF_MSE_WEIGHT, mixedLoss } from "./loss.ts";
import { backwardStep, computeOf, type GradientResult, type MethodOptions } from "./method.ts";
import { current, type LifNetwork, pooled, zeroGrads } from "./network.ts";
import { lifForward } from "./simulate.ts";

/**
 * One batch's Spike Representation gradients.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { spikeRepGradients } from "./spikerep.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0)), x = new Float64Array([1, 0.5]);
 * console.log(spikeRepGradients(net, [x, x], new Int32Array([1]), 1).grads.length); // 4
 * ```
 */
// spec B4
export function spikeRepGradients(
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options: MethodOptions = {},
): GradientResult {
  const compute = computeOf(options);
  const run = lifForward(net, xs, batch, compute), L = net.layers.length - 1;
  const rates = options.closedForm ? [run.rates[0]] : run.rates;
  const hidden = net.layers.slice(0, L).map((layer, l) => {
    const z = current(layer, rates[l], batch, 1, compute); // z_l = W_l r_{l-1} + b_l
    if (options.closedForm) {
      rates.push(pooled(layer, z.map((v) => Math.min(1, Math.max(0, v / net.vth))), batch));
    }
    const deriv = z.map((v) => (v >= 0 && v <= net.vth ? 1 / net.vth : 0)); // d clamp(z/V_th)
    return { deriv, pre: rates[l], biasScale: 1 };
  });
  const scores = current(net.layers[L], rates[L], batch, 1, compute); // o = W_L r_{L-1} + b_L
  const step = mixedLoss(
    scores,
    labels,
    batch,
    net.layers[L].nOut,
    options.mseWeight ?? LIF_MSE_WEIGHT,
    1,
  );
  const grads = zeroGrads(net, options.cost);
  backwardStep(net, step.dO, { pre: rates[L], biasScale: 1 }, hidden, grads, batch, compute);
  const { spikes, neuronSteps } = run;
  return { loss: step.loss, grads, scores, spikes, neuronSteps };
}
