/**
 * BPTT: exact backpropagation through time of the surrogate LIF network, the ground truth.
 *
 *   L = sum_t L[t],   L[t] = mixedLoss(o[t]) with scale 1/T            (loss.ts)
 *   delta_l[t] = dL/du_l[t] = dL/ds_l[t] H'(u_l[t] - V_th) + lambda delta_l[t+1]
 *   gW_l = sum_t delta_l[t] (outer) y_{l-1}[t],   gb_l = sum_t delta_l[t]
 *
 * The reset is detached (B1), so u[t+1] depends on u[t] only through lambda. dL/ds_l[t] comes
 * from the layer above at the same step. The whole history (T steps of inputs and
 * potentials) is kept, so memory grows with T. With `relaxed`, the spikes passed on are
 * sig(a (u - V_th)) and the result is the exact gradient of that smooth network.
 *
 * @module
 */
import { LIF_MSE_WEIGHT, mixedLoss } from "./loss.ts";
import { backwardStep, computeOf, type GradientResult, type MethodOptions } from "./method.ts";
import { type LifNetwork, zeroGrads } from "./network.ts";
import { lifForward } from "./simulate.ts";
import { surrogateGrad } from "./surrogate.ts";

/**
 * One batch's BPTT gradients for inputs xs[t] [batch, nIn] and labels [batch].
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { bpttGradients } from "./bptt.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0));
 * const r = bpttGradients(net, [new Float64Array([1, 0.5])], new Int32Array([1]), 1);
 * console.log(r.grads.length); // 4
 * ```
 */
// spec B2.3
export function bpttGradients(
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options: MethodOptions = {},
): GradientResult {
  const compute = computeOf(options);
  const run = lifForward(net, xs, batch, { ...compute, record: true, relaxed: options.relaxed });
  const T = xs.length, L = net.layers.length - 1, classes = net.layers[L].nOut;
  const grads = zeroGrads(net, options.cost);
  const carry = run.potentials.map((u) => new Float64Array(u[0].length));
  let loss = 0;
  for (let t = T - 1; t >= 0; t--) {
    const step = mixedLoss(
      run.outputs[t],
      labels,
      batch,
      classes,
      options.mseWeight ?? LIF_MSE_WEIGHT,
      1 / T,
    );
    loss += step.loss;
    const hidden = run.potentials.map((u, l) => ({
      deriv: u[t].map((v) => surrogateGrad(v - net.vth, net.surrogateSlope)),
      pre: run.inputs[l][t],
      biasScale: 1,
    }));
    const readout = { pre: run.inputs[L][t], biasScale: 1 };
    backwardStep(net, step.dO, readout, hidden, grads, batch, compute, carry);
  }
  const { sumScores: scores, spikes, neuronSteps } = run;
  return { loss, grads, scores, spikes, neuronSteps };
}
