/**
 * SAF, spike accumulation forwarding (Saiin et al. 2024; SPEC B3). The forward keeps only
 * the spike accumulation a_hat of every neuron, no membrane potential:
 *
 *   U_l[t] = W_l * A_{l-1}[t] + b_l c[t]            (potential accumulation, no reset term)
 *   s_l[t] = H(U_l[t] - V_th (lambda a_hat_l[t-1] + 1)),   a_hat_l[t] = lambda a_hat_l[t-1] + s_l[t]
 *   A_l[t] = pool(a_hat_l[t]),  A_0[t] = lambda A_0[t-1] + x[t],   o[t] = W_L pool(s_{L-1}[t]) + b_L
 *
 * u_l[t] = U_l[t] - V_th lambda a_hat_l[t-1] is the LIF potential, so the spikes are LIF's
 * and SAF weights run unchanged in the LIF simulator (convert.ts). One matmul per layer per
 * step (W A), where OTTT's autograd code runs two (W s for the value, W a_hat for the graph).
 * Backward at a step, past accumulations constant:
 *
 *   delta_l = dL/da_hat_l[t] H'(u_l[t] - V_th),   gW_l += delta_l (outer) A_{l-1}[t],
 *   gb_l += c[t] delta_l,   dL/dA_{l-1} = W_l^T delta_l
 *
 * SAF-E: a loss at every step (scale 1/T), the step's gradients summed or handed to `onStep`.
 * SAF-F: one loss at the last step on the rate readout W_L A_{L-1}[T] / c[T] + b_L, with
 * d a_hat[T]/dU[T] the surrogate ("sigmoid") or the closed form's window ("window"); in rate
 * units (A / c[T]) this is the same backward with the rates as presynaptic factors.
 *
 * @module
 */
import { neuronsOf } from "../nn/layer.ts";
import { LIF_MSE_WEIGHT, mixedLoss } from "./loss.ts";
import {
  backwardStep,
  computeOf,
  type GradientResult,
  type HiddenFactors,
  type MethodOptions,
} from "./method.ts";
import {
  checkInputs,
  type Compute,
  current,
  type LifNetwork,
  pooled,
  zeroGrads,
} from "./network.ts";
import { accumulate, constantTraces } from "./neuron.ts";
import { surrogateGrad } from "./surrogate.ts";

/** One SAF forward step's results. */
export interface SafStep {
  /** o[t], [batch, classes]. */
  o: Float64Array;
  /** Per hidden layer: the potential accumulation U[t], [batch, neurons] (before pooling). */
  U: Float64Array[];
  /** Per hidden layer: the LIF potential u[t] = U[t] - V_th lambda a_hat[t-1]. */
  u: Float64Array[];
  /** Per hidden layer: its input accumulation A_{l-1}[t] (the presynaptic factor). */
  pre: Float64Array[];
  /** The readout's input accumulation A_{L-1}[t]. */
  readoutAcc: Float64Array;
  /** The readout's input spikes pool(s_{L-1}[t]). */
  readoutSpikes: Float64Array;
  /** The hidden layers' spikes s_l[t] (before pooling). */
  spikes: Float64Array[];
}

/**
 * The SAF forward state of one batch: the accumulations only.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { SafForward } from "./saf.ts";
 * const saf = new SafForward(initLifNetwork([2, 3, 2], new Rng(0)), 1, 2);
 * console.log(saf.step(new Float64Array([1, 1])).o.length); // 2
 * ```
 */
export class SafForward {
  /** The network being run (its weights are read at every step, not copied). */
  readonly net: LifNetwork;
  /** Samples per step. */
  readonly batch: number;
  /** c[t] for t = 1..T. */
  readonly c: Float64Array;
  #input: Float64Array;
  #acc: Float64Array[];
  #t = 0;
  #compute: Compute;

  /**
   * Zeroed accumulations for `batch` samples; charges them to `options.cost`.
   *
   * @param T The number of steps that will be run.
   */
  constructor(net: LifNetwork, batch: number, T: number, options: MethodOptions = {}) {
    this.net = net;
    this.batch = batch;
    this.c = constantTraces(net.lambda, T);
    this.#input = new Float64Array(batch * net.layers[0].nIn);
    this.#acc = net.layers.slice(0, -1).map((l) => new Float64Array(batch * neuronsOf(l)));
    for (const a of this.#acc) options.cost?.hold("neuron", a.length);
    options.cost?.hold("input", this.#input.length);
    this.#compute = computeOf(options);
  }

  /** Advance one step with input x[t]. @example see the class. */
  // spec B3
  step(x: Float64Array): SafStep {
    const { net, batch } = this, { lambda, vth } = net, ct = this.c[this.#t++];
    const compute = this.#compute;
    accumulate(this.#input, x, lambda);
    let A = this.#input, sIn = x;
    const U: Float64Array[] = [], u: Float64Array[] = [], pre: Float64Array[] = [];
    const spikes: Float64Array[] = [];
    this.#acc.forEach((acc, l) => {
      const layer = net.layers[l], Ul = current(layer, A, batch, ct, compute); // W A + b c[t]
      const ul = new Float64Array(Ul.length), s = new Float64Array(Ul.length);
      for (let i = 0; i < Ul.length; i++) {
        s[i] = Ul[i] >= vth * (lambda * acc[i] + 1) ? 1 : 0; // H(U - V_th (lambda a_hat + 1))
        ul[i] = Ul[i] - vth * lambda * acc[i]; // u[t] = U[t] - V_th lambda a_hat[t-1]
        acc[i] = lambda * acc[i] + s[i];
      }
      U.push(Ul), u.push(ul), pre.push(A), spikes.push(s);
      A = pooled(layer, acc, batch);
      sIn = pooled(layer, s, batch);
    });
    const o = current(net.layers[net.layers.length - 1], sIn, batch, 1, compute);
    return { o, U, u, pre, readoutAcc: A, readoutSpikes: sIn, spikes };
  }
}

const countSpikes = (s: Float64Array[]): number =>
  s.reduce((n, a) => n + a.reduce((m, v) => m + v, 0), 0);

/**
 * SAF-E: one batch's gradients, summed over steps or handed to `onStep` after each step.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { safEGradients } from "./saf.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0)), x = new Float64Array([1, 0.5]);
 * console.log(safEGradients(net, [x, x], new Int32Array([1]), 1).grads.length); // 4
 * ```
 */
// spec B3
export function safEGradients(
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options: MethodOptions = {},
): GradientResult {
  checkInputs(net, xs, batch);
  const compute = computeOf(options);
  const saf = new SafForward(net, batch, xs.length, options), grads = zeroGrads(net, options.cost);
  const T = xs.length, classes = net.layers[net.layers.length - 1].nOut;
  const scores = new Float64Array(batch * classes);
  let loss = 0, spikes = 0, neuronSteps = 0;
  for (let t = 0; t < T; t++) {
    const f = saf.step(xs[t]), ct = saf.c[t];
    for (let i = 0; i < f.o.length; i++) scores[i] += f.o[i];
    spikes += countSpikes(f.spikes);
    neuronSteps += f.spikes.reduce((n, s) => n + s.length, 0);
    const step = mixedLoss(f.o, labels, batch, classes, options.mseWeight ?? LIF_MSE_WEIGHT, 1 / T);
    loss += step.loss;
    const hidden: HiddenFactors[] = f.u.map((u, l) => ({
      deriv: u.map((v) => surrogateGrad(v - net.vth, net.surrogateSlope)), // H'(u[t] - V_th)
      pre: f.pre[l], // A_{l-1}[t]
      biasScale: ct, // U = W A + b c[t]
    }));
    const readout = options.readout === "spike"
      ? { pre: f.readoutSpikes, biasScale: 1 }
      : { pre: f.readoutAcc, biasScale: ct };
    backwardStep(net, step.dO, readout, hidden, grads, batch, compute);
    if (options.onStep) {
      options.onStep(grads, t);
      for (const g of grads) g.fill(0);
    }
  }
  return { loss, grads, scores, spikes, neuronSteps };
}

/**
 * SAF-F: the forward over all steps, then one loss on the rate readout at T.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { safFGradients } from "./saf.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0)), x = new Float64Array([1, 0.5]);
 * console.log(safFGradients(net, [x, x], new Int32Array([1]), 1).scores.length); // 2
 * ```
 */
// spec B3
export function safFGradients(
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options: MethodOptions = {},
): GradientResult {
  checkInputs(net, xs, batch);
  const compute = computeOf(options);
  const saf = new SafForward(net, batch, xs.length, options), grads = zeroGrads(net, options.cost);
  const T = xs.length, L = net.layers.length - 1, cT = saf.c[T - 1];
  let f = saf.step(xs[0]), spikes = countSpikes(f.spikes);
  for (let t = 1; t < T; t++) (f = saf.step(xs[t])), (spikes += countSpikes(f.spikes));
  const rate = (A: Float64Array) => A.map((v) => v / cT); // A[T] / c[T]
  const r = rate(f.readoutAcc), scores = current(net.layers[L], r, batch, 1, compute);
  const step = mixedLoss(
    scores,
    labels,
    batch,
    net.layers[L].nOut,
    options.mseWeight ?? LIF_MSE_WEIGHT,
    1,
  );
  const window = options.finalDerivative === "window";
  const hidden: HiddenFactors[] = f.U.map((U, l) => ({
    deriv: window
      ? U.map((v) => (v >= 0 && v <= net.vth * cT ? 1 : 0)) // 0 <= U / (c V_th) <= 1
      : f.u[l].map((v) => surrogateGrad(v - net.vth, net.surrogateSlope)),
    pre: rate(f.pre[l]),
    biasScale: 1,
  }));
  backwardStep(net, step.dO, { pre: r, biasScale: 1 }, hidden, grads, batch, compute);
  const neuronSteps = T * f.spikes.reduce((n, s) => n + s.length, 0);
  return { loss: step.loss, grads, scores, spikes, neuronSteps };
}
