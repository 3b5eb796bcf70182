/**
 * The plain LIF simulator (SPEC B1): the inference path, and the forward pass of BPTT and of
 * Spike Representation. For t = 1..T and every hidden layer l:
 *
 *   I_l[t] = W_l * y_{l-1}[t] + b_l,   u, s, soft reset (neuron.ts),   y_l[t] = pool(s_l[t])
 *   o[t] = W_L y_{L-1}[t] + b_L,       a_hat_l[t] = lambda a_hat_l[t-1] + y_l[t]
 *
 * Scores: "sum" is sum_t o[t] (OTTT's prediction, B2); "rate" is the readout of the weighted
 * rates, W_L a_hat_{L-1}[T] / c[T] + b_L (B4). With `record`, every step's layer inputs and
 * potentials are kept (BPTT's history, T floats per neuron each).
 *
 * @module
 */
import { refBackend } from "../backend/ref.ts";
import { accumulate, constantTraces, lifStep } from "./neuron.ts";
import { checkInputs, type Compute, current, type LifNetwork, pooled } from "./network.ts";
import { relaxedSpike } from "./surrogate.ts";
import { computeOf } from "./method.ts";
import { neuronsOf } from "../nn/layer.ts";
import type { CostCounter } from "./cost.ts";

/** What a simulation returns. */
export interface LifRun {
  /** o[t], [batch, classes], t = 1..T. */
  outputs: Float64Array[];
  /** sum_t o[t]. */
  sumScores: Float64Array;
  /** The rates r_l = a_hat_l[T] / c[T] of every layer's output, l = 0 (input) .. L-1. */
  rates: Float64Array[];
  /** With `record`: inputs[l][t] = y_{l-1}[t], the input of layer l at step t. */
  inputs: Float64Array[][];
  /** With `record`: potentials[l][t] = u_l[t] of hidden layer l. */
  potentials: Float64Array[][];
  /** With `record`: spikeTrains[l][t] = s_l[t] of hidden layer l (before pooling). */
  spikeTrains: Float64Array[][];
  /** Spikes fired by the hidden neurons over the batch and all steps. */
  spikes: number;
  /** Hidden neurons x batch x T: the spikes the hidden layers could have fired. */
  neuronSteps: number;
}

/** Options of {@link lifForward}. */
export interface SimulateOptions {
  /** Keep every step's layer inputs, potentials and spike trains (default false). */
  record?: boolean;
  /** Pass relaxed spikes sig(a (u - V_th)) on; the reset stays hard (see surrogate.ts). */
  relaxed?: boolean;
  /** Kernels for the linear maps (default: the float64 reference backend). */
  backend?: Compute["backend"];
  /** Counts MACs and held state (the recorded histories included), if given. */
  cost?: CostCounter;
}

/**
 * Run the network on the coded input xs[t] [batch, nIn], t = 1..T.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { lifForward } from "./simulate.ts";
 * const net = initLifNetwork([2, 3, 2], new Rng(0));
 * const run = lifForward(net, [new Float64Array([1, 1]), new Float64Array([1, 1])], 1);
 * console.log(run.outputs.length); // 2
 * ```
 */
// spec B1
export function lifForward(
  net: LifNetwork,
  xs: Float64Array[],
  batch: number,
  options: SimulateOptions = {},
): LifRun {
  checkInputs(net, xs, batch);
  const compute = computeOf(options);
  const hidden = net.layers.slice(0, -1), top = net.layers[net.layers.length - 1];
  const size = (n: number) => batch * n;
  const v = hidden.map((l) => new Float64Array(size(neuronsOf(l))));
  const traces = net.layers.map((l) => new Float64Array(size(l.nIn)));
  for (const a of [...v, ...traces.slice(1)]) options.cost?.hold("neuron", a.length);
  options.cost?.hold("input", traces[0].length);
  const inputs: Float64Array[][] = net.layers.map(() => []);
  const potentials: Float64Array[][] = hidden.map(() => []);
  const spikeTrains: Float64Array[][] = hidden.map(() => []);
  const outputs: Float64Array[] = [], sumScores = new Float64Array(size(top.nOut));
  let spikes = 0, neuronSteps = 0;
  for (const x of xs) {
    let y = x;
    for (let l = 0; l < net.layers.length; l++) {
      accumulate(traces[l], y, net.lambda); // a_hat of the layer's input
      if (options.record) inputs[l].push(y), options.cost?.hold(l ? "neuron" : "input", y.length);
      if (l === hidden.length) break;
      const I = current(net.layers[l], y, batch, 1, compute), u = new Float64Array(I.length);
      const s = new Float64Array(I.length);
      lifStep(I, v[l], u, s, net);
      for (let i = 0; i < s.length; i++) spikes += s[i];
      neuronSteps += s.length;
      if (options.record) spikeTrains[l].push(s.slice());
      if (options.relaxed) {
        for (let i = 0; i < s.length; i++) s[i] = relaxedSpike(u[i] - net.vth, net.surrogateSlope);
      }
      if (options.record) potentials[l].push(u), options.cost?.hold("neuron", u.length);
      y = pooled(net.layers[l], s, batch);
    }
    const o = current(top, y, batch, 1, compute);
    outputs.push(o);
    for (let i = 0; i < o.length; i++) sumScores[i] += o[i];
  }
  const c = constantTraces(net.lambda, xs.length)[xs.length - 1];
  const rates = traces.map((a) => a.map((v) => v / c));
  return { outputs, sumScores, rates, inputs, potentials, spikeTrains, spikes, neuronSteps };
}

/**
 * The rate readout W_L r_{L-1} + b_L of a run (B4's prediction scores).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { lifForward, rateScores } from "./simulate.ts";
 * const net = initLifNetwork([2, 2], new Rng(0));
 * console.log(rateScores(net, lifForward(net, [new Float64Array(2)], 1), 1).length); // 2
 * ```
 */
// spec B1.2, B4
export function rateScores(
  net: LifNetwork,
  run: LifRun,
  batch: number,
  compute: Compute = { backend: refBackend },
): Float64Array {
  const L = net.layers.length - 1;
  return current(net.layers[L], run.rates[L], batch, 1, compute);
}
