/**
 * OTTT (Xiao et al. 2022; SPEC B2): online training through time. Each step runs the LIF
 * forward, the loss of that step, and a backward pass through the layers at that step only:
 *
 *   a_hat_l[t] = lambda a_hat_l[t-1] + y_l[t]          (presynaptic trace, no gradient)
 *   delta_l[t] = dL[t]/du_l[t] = unpool(W_{l+1}^T delta_{l+1}[t]) H'(u_l[t] - V_th)
 *   gW_l += delta_l[t] (outer) a_hat_{l-1}[t],   gb_l += c[t] delta_l[t]
 *
 * No gradient flows through time (reset and previous potential detached). Variants (see
 * `MethodOptions`): "trace" as above; "official" as the authors' OTTT code, which leaves layer
 * 1 unwrapped, so its weight gradient uses the raw input x[t], and gives biases delta[t]. OTTT_A sums the steps'
 * gradients and updates once; OTTT_O updates after every step (`onStep`). State per neuron:
 * the post-reset potential and the trace of its output.
 *
 * Forward ("replace", the default, as the OTTT code's Replace trick runs it): per wrapped layer
 * and step, two matmuls, W s_in (drives the potential and the spikes) and W a_hat_in (the
 * gradient path); an unwrapped layer (layer 1 in the "official" variant, the readout with the
 * "spike" readout) runs one. See `otttLinear`; `exactForwardMacs` (cost.ts) counts them. "lean"
 * runs only W s_in: the same spikes, losses and gradients.
 *
 * @module
 */
import { LIF_MSE_WEIGHT, mixedLoss } from "./loss.ts";
import {
  backwardStep,
  computeOf,
  type GradientResult,
  type MethodOptions,
  type Presynaptic,
} from "./method.ts";
import {
  checkInputs,
  type Compute,
  current,
  type LifLayer,
  type LifNetwork,
  pooled,
  zeroGrads,
} from "./network.ts";
import { accumulate, constantTraces, lifStep } from "./neuron.ts";
import { surrogateGrad } from "./surrogate.ts";
import { neuronsOf } from "../nn/layer.ts";

/** A layer's output at a step, micrograd-style: the value and the gradient path's node. */
export interface OtttLinear {
  /** out = W s_in + b: the value (no gradient); it drives the potential. */
  value: Float64Array;
  /** out_for_grad = W a_hat_in + k b, where the Replace forward computes it apart. */
  gradPath?: Float64Array;
}

/**
 * One layer's linear map at one step. SPEC B3: "Forward cost: one matmul per layer per step
 * (W a_hat) instead of OTTT's two (W s and W a_hat)." The OTTT code (Xiao et al. 2022) runs
 *
 *   with no_grad: out = W s_in + b                    (the value: potential, spikes)
 *   out_for_grad = W a_hat_in + b                      (tracked: the gradient path)
 *   return Replace.apply(out_for_grad, out)            (out's value, out_for_grad's gradient)
 *
 * so gW = delta (outer) a_hat_in and gb = k delta: the presynaptic factors `grad` hold. The
 * "lean" forward skips out_for_grad (its value is never read by the backward, only its
 * inputs), as does the Replace one where the gradient path is the forward's own map (an
 * unwrapped layer).
 *
 * @example
 * ```ts
 * import { refBackend } from "../backend/ref.ts";
 * import { otttLinear } from "./ottt.ts";
 * const l = { nIn: 2, nOut: 1, w: new Float64Array([1, 2]), b: new Float64Array([0.5]) };
 * const s = new Float64Array([1, 0]), a = new Float64Array([1.5, 1]);
 * const z = otttLinear(l, s, { pre: a, biasScale: 1.5 }, 1, { backend: refBackend }, "replace");
 * console.log(z.value[0], z.gradPath?.[0]); // 1.5 4.25
 * ```
 */
// spec B2.2
export function otttLinear(
  layer: LifLayer,
  sIn: Float64Array,
  grad: Presynaptic,
  batch: number,
  compute: Compute,
  forward: "replace" | "lean",
): OtttLinear {
  const value = current(layer, sIn, batch, 1, compute); // out = W s_in + b
  if (forward === "lean" || (grad.pre === sIn && grad.biasScale === 1)) return { value };
  return { value, gradPath: current(layer, grad.pre, batch, grad.biasScale, compute) };
}

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
// spec B2, B2.1
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
  const forward = options.otttForward ?? "replace";
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
    const hidden = [], gradPaths = [];
    for (let l = 0; l < L; l++) {
      accumulate(traces[l], y, net.lambda);
      const grad = {
        pre: official && l === 0 ? y : traces[l], // a_hat_{l-1}[t] (x[t] in the official code)
        biasScale: official ? 1 : c[t], // the trace of the constant input 1
      };
      const z = otttLinear(net.layers[l], y, grad, batch, compute, forward);
      const u = z.value, s = new Float64Array(u.length);
      lifStep(u, v[l], u, s, net);
      for (let i = 0; i < s.length; i++) spikes += s[i];
      const deriv = u.map((ui) => surrogateGrad(ui - net.vth, net.surrogateSlope)); // H'(u - V_th)
      hidden.push({ deriv, ...grad }), gradPaths.push(z.gradPath);
      y = pooled(net.layers[l], s, batch);
    }
    accumulate(traces[L], y, net.lambda);
    const readout = spikeReadout
      ? { pre: y, biasScale: 1 } // dO (outer) s_in[t]
      : { pre: traces[L], biasScale: official ? 1 : c[t] }; // dO (outer) a_hat_in[t]
    const z = otttLinear(net.layers[L], y, readout, batch, compute, forward);
    const o = z.value; // o[t] = W_L y[t] + b_L
    for (let i = 0; i < o.length; i++) scores[i] += o[i];
    options.onGradPath?.([...gradPaths, z.gradPath], t);
    const step = mixedLoss(o, labels, batch, classes, options.mseWeight ?? LIF_MSE_WEIGHT, 1 / T);
    loss += step.loss;
    backwardStep(net, step.dO, readout, hidden, grads, batch, compute);
    if (options.onStep) {
      options.onStep(grads, t);
      for (const g of grads) g.fill(0);
    }
  }
  const neuronSteps = T * v.reduce((n, a) => n + a.length, 0);
  return { loss, grads, scores, spikes, neuronSteps };
}
