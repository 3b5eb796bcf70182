/**
 * OTTT (Xiao et al. 2022; SPEC B2): online training through time. Each step runs the LIF
 * forward, the loss of that step, and a backward pass through the layers at that step only:
 *
 *   a_hat_l[t] = lambda a_hat_l[t-1] + y_l[t]          (presynaptic trace, no gradient)
 *   delta_l[t] = dL[t]/du_l[t] = unpool(W_{l+1}^T delta_{l+1}[t]) H'(u_l[t] - V_th)
 *   gW_l += delta_l[t] (outer) a_hat_{l-1}[t],   gb_l += c[t] delta_l[t]
 *
 * No gradient flows through time (reset and previous potential detached). Variants (see
 * `MethodOptions`): "trace" as above; "official" as the OTTT code, where the first layer's
 * weight gradient uses the raw input x[t] and biases get delta[t]. OTTT_A sums the steps'
 * gradients and updates once; OTTT_O updates after every step (`onStep`). State per neuron:
 * the post-reset potential and the trace of its output.
 *
 * @module
 */
import { mixedLoss } from "./loss.ts";
import { backwardStep, computeOf, type GradientResult, type MethodOptions } from "./method.ts";
import { checkInputs, current, type LifNetwork, pooled, zeroGrads } from "./network.ts";
import { accumulate, constantTraces, lifStep } from "./neuron.ts";
import { surrogateGrad } from "./surrogate.ts";
import { neuronsOf } from "../nn/layer.ts";

/**
 * One batch of OTTT: gradients summed over the steps (OTTT_A), or handed to `onStep` after
 * every step (OTTT_O).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { otttGradients } from "./ottt.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0));
 * const x = new Float64Array([1, 0.5]);
 * console.log(otttGradients(net, [x, x], new Int32Array([0]), 1).loss > 0); // true
 * ```
 */
export function otttGradients(
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options: MethodOptions = {},
): GradientResult {
  checkInputs(net, xs, batch);
  const compute = computeOf(options);
  const official = options.variant === "official", spikeReadout = options.readout === "spike";
  const T = xs.length, L = net.layers.length - 1, classes = net.layers[L].nOut;
  const c = constantTraces(net.lambda, T), grads = zeroGrads(net, options.cost);
  const v = net.layers.slice(0, L).map((l) => new Float64Array(batch * neuronsOf(l)));
  const traces = net.layers.map((l) => new Float64Array(batch * l.nIn));
  for (const a of [...v, ...traces.slice(1)]) options.cost?.hold("neuron", a.length);
  options.cost?.hold("input", traces[0].length);
  const scores = new Float64Array(batch * classes);
  let loss = 0, spikes = 0;
  for (let t = 0; t < T; t++) {
    let y = xs[t];
    const hidden = [];
    for (let l = 0; l < L; l++) {
      accumulate(traces[l], y, net.lambda);
      const u = current(net.layers[l], y, batch, 1, compute), s = new Float64Array(u.length);
      lifStep(u, v[l], u, s, net);
      for (let i = 0; i < s.length; i++) spikes += s[i];
      hidden.push({
        deriv: u.map((ui) => surrogateGrad(ui - net.vth, net.surrogateSlope)), // H'(u[t] - V_th)
        pre: official && l === 0 ? y : traces[l], // a_hat_{l-1}[t] (x[t] in the official code)
        biasScale: official ? 1 : c[t], // the trace of the constant input 1
      });
      y = pooled(net.layers[l], s, batch);
    }
    accumulate(traces[L], y, net.lambda);
    const o = current(net.layers[L], y, batch, 1, compute); // o[t] = W_L y[t] + b_L
    for (let i = 0; i < o.length; i++) scores[i] += o[i];
    const step = mixedLoss(o, labels, batch, classes, options.mseWeight ?? 0.05, 1 / T);
    loss += step.loss;
    const readout = spikeReadout
      ? { pre: y, biasScale: 1 } // dO (outer) s_in[t]
      : { pre: traces[L], biasScale: official ? 1 : c[t] }; // dO (outer) a_hat_in[t]
    backwardStep(net, step.dO, readout, hidden, grads, batch, compute);
    if (options.onStep) {
      options.onStep(grads, t);
      for (const g of grads) g.fill(0);
    }
  }
  const neuronSteps = T * v.reduce((n, a) => n + a.length, 0);
  return { loss, grads, scores, spikes, neuronSteps };
}
