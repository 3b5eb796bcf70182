/**
 * The constant-slope TTFS network, B_i = 1 (SPEC A5), the 2024 paper's trainable model.
 * Each hidden neuron of layer n fires at
 *
 *   t_i = tmax(n) - D_i - sum_j W_ij (tmin(n) - t_j),   clipped at tmax(n) (silent),
 *
 * so x = tmax(n) - t = ReLU(W x_in + D) with x_in,j = tmin(n) - t_j: the ReLU network with
 * w = W and b = D, exactly. Physically (the A3 neuron, ramp from tmin(n-1)) alpha_i = 1 -
 * sum_j W_ij, which makes the slope at threshold 1 for any W, the threshold is
 * theta_i = tmax(n) - tmin(n) - D_i + alpha_i (tmin(n) - tmin(n-1)), and firing is blocked
 * before tmin(n); derivation in `b1_neuron.ts`, checked by claim `ttfs.b1-general-neuron`.
 * The readout (SPEC A6) is the membrane potential at tmin(L): y_i = D_i + sum_j W_ij (tmin(L) - t_j).
 *
 * Conv layers (SPEC A8) are the same rule on patches (`nn/conv.ts`): a patch position outside
 * the image reads x = 0, a spike at tmin(n). Max-pool is the min over spike times: the first
 * spike of each window passes on, unchanged, and carries the window's gradient. Equal float64
 * times are ordered by the exact value tmax(n) - t computed before rounding, which is the order
 * in which an event-driven neuron would see them.
 *
 * Gradients (SPEC A7, all zero for a silent neuron), used by `b1Backward`:
 *   dt_i/dW_ij = -(tmin(n) - t_j),   dt_i/dt_j = W_ij,   dt_i/dD_i = -1.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { ShapeError } from "../errors.ts";
import { toLayers } from "../nn/architecture.ts";
import {
  layerBackwardInput,
  layerBackwardWeights,
  layerForward,
  type LayerGeometry,
  poolOf,
} from "../nn/layer.ts";
import { initReluMlp } from "../nn/mlp.ts";
import { gatherAt, poolArgmax, scatterAt } from "../nn/pool.ts";
import type { Rng } from "../nn/rng.ts";
import { type CodingIntervals, scratchIntervals, validateIntervals } from "./intervals.ts";

/** One B = 1 layer: W [nOut, nIn] row-major (conv: [outC, k, k, inC]), D its bias. */
export interface B1Layer extends LayerGeometry {
  /** Weights W_ij: [nOut, nIn] row-major, or [outC, k, k, inC] for a conv layer. */
  W: Float64Array;
  /** Bias D_i (the ReLU twin's b): [nOut], or [outC] for a conv layer. */
  D: Float64Array;
}

/** A B = 1 TTFS network: hidden layers 1..L-1 spike, layer L is the readout. */
export interface B1Network {
  /** Layers 1..L in order: the spiking hidden layers, then the readout. */
  layers: B1Layer[];
  /** tmin/tmax for layers 0..L-1 (index 0 = input); the readout is at tmax[L-1]. */
  intervals: CodingIntervals;
}

/** What the forward pass keeps for the backward pass. */
export interface B1Forward {
  /** t(0) (input), t(1), ..., t(L-1): spike times seen by the next layer (after max-pool),
   * [batch, nOut of the layer]. */
  spikeTimes: Float64Array[];
  /** The same before pooling: one time per neuron (t(0) is the input). Equal to `spikeTimes`
   * where a layer has no pool. Spike counts and rasters read these. */
  neuronTimes: Float64Array[];
  /** Per layer (index 0 = input), the max-pool winners into `neuronTimes`, or undefined. */
  poolIndex: (Int32Array | undefined)[];
  /** [batch, classes]. */
  logits: Float64Array;
  /** max over the batch of tmax(n) - t_i for each hidden layer n (for widening). */
  maxActivation: number[];
  /** Samples in the batch. */
  batch: number;
  /** Per layer (index 0 = input, empty), 1 where dt_i depends on the inputs: fired, and not
   * clipped or pushed out of the window by a hardware constraint; per neuron, before pooling. */
  active: Uint8Array[];
  /** The hardware options the pass ran with. */
  hardware: B1Hardware;
}

/**
 * Hardware constraints on a forward pass (SPEC A10's experiments).
 * - `clipAtTmin`: a neuron cannot fire before tmin(n): activations above B_n = tmax(n) - tmin(n)
 *   are clipped to B_n (and pass no gradient). Shorter intervals (lower latency) clip more.
 * - `jitter`: every spike time moves by sigma B_n eps, eps ~ N(0, 1), after it is computed; a
 *   spike pushed past tmax(n) is lost. The noise is a constant for the backward pass.
 */
export interface B1Hardware {
  /** Forbid firing before tmin(n): activations above B_n are clipped to B_n (default false). */
  clipAtTmin?: boolean;
  /** Gaussian spike-time noise: standard deviation sigma B_n, drawn from `rng` (default none). */
  jitter?: { sigma: number; rng: { normal(): number } };
}

/**
 * A B = 1 network with Glorot-uniform W, D = 0 (the same draw as `initReluMlp` with this rng)
 * and from-scratch intervals (SPEC A10).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initB1Network } from "./b1.ts";
 * const net = initB1Network([784, 340, 10], new Rng(1));
 * console.log(net.intervals.tmax); // [1, 1501]
 * ```
 */
// spec A10
export function initB1Network(
  sizes: number[] | LayerGeometry[],
  rng: Rng,
  zeta?: number,
): B1Network {
  const layers = initReluMlp(sizes, rng).layers.map(({ w, b, ...geometry }) => ({
    ...geometry,
    W: w,
    D: b,
  }));
  return { layers, intervals: scratchIntervals(toLayers(sizes).length - 1, zeta) };
}

/** x_j = tmin - t_j for a whole [batch, n] block. */
function activationsFromTimes(t: Float64Array, tmin: number): Float64Array {
  const a = new Float64Array(t.length);
  for (let k = 0; k < t.length; k++) a[k] = tmin - t[k];
  return a;
}

/**
 * Forward pass from input spike times t0 [batch, nIn] (see `encodeInput`).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { b1Forward, initB1Network } from "./b1.ts";
 * const net = initB1Network([2, 3, 2], new Rng(1));
 * console.log(b1Forward(net, new Float64Array([0.5, 1]), 1).logits.length); // 2
 * ```
 */
// spec A5, A6, A10.2 (the readout: A6; the B1Hardware options: A10.2)
export function b1Forward(
  net: B1Network,
  t0: Float64Array,
  batch: number,
  backend: Backend = refBackend,
  hardware: B1Hardware = {},
): B1Forward {
  const { tmin, tmax } = net.intervals;
  if (tmin.length !== net.layers.length) {
    throw new ShapeError(
      `${tmin.length} coding intervals for ${net.layers.length - 1} hidden layers + input`,
    );
  }
  validateIntervals(net.intervals);
  if (t0.length !== batch * net.layers[0].nIn) {
    throw new ShapeError(
      `input has ${t0.length} spike times; expected ${batch}x${net.layers[0].nIn}`,
    );
  }
  const spikeTimes = [t0], neuronTimes = [t0], poolIndex: (Int32Array | undefined)[] = [undefined];
  const maxActivation: number[] = [], active = [new Uint8Array(0)];
  const L = net.layers.length;
  for (let n = 1; n < L; n++) {
    const layer = net.layers[n - 1];
    const x = activationsFromTimes(spikeTimes[n - 1], tmin[n]);
    const z = layerForward(layer, x, layer.W, layer.D, batch, backend);
    let maxAct = 0;
    const Bn = tmax[n] - tmin[n], { clipAtTmin = false, jitter } = hardware;
    const on = new Uint8Array(z.length), t = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) {
      let x = z[k] > 0 ? z[k] : 0; // clipped at tmax(n): silent
      on[k] = +(x > 0);
      if (clipAtTmin && x >= Bn) (x = Bn), (on[k] = 0); // cannot fire before its window opens
      let tk = tmax[n] - x; // t_i = tmax(n) - D_i - sum_j W_ij (tmin(n) - t_j)
      const eps = jitter ? jitter.rng.normal() : 0; // one draw per neuron, fired or not
      if (jitter && x > 0) {
        tk += jitter.sigma * Bn * eps;
        if (tk >= tmax[n]) (tk = tmax[n]), (on[k] = 0); // jittered past the window: silent
        if (clipAtTmin && tk <= tmin[n]) (tk = tmin[n]), (on[k] = 0);
        x = tmax[n] - tk;
      }
      if (tmax[n] - tk > maxAct) maxAct = tmax[n] - tk;
      t[k] = tk;
      z[k] = x; // the exact time order, kept for the pool
    }
    const pool = poolOf(layer), idx = pool && poolArgmax(z, batch, pool); // earliest spike wins
    neuronTimes.push(t);
    spikeTimes.push(idx ? gatherAt(t, idx) : t);
    poolIndex.push(idx);
    active.push(on);
    maxActivation.push(maxAct);
  }
  const readout = net.layers[L - 1];
  // y_i = D_i + sum_j W_ij (tmin(L) - t_j), tmin(L) = tmax(L-1)
  const x = activationsFromTimes(spikeTimes[L - 1], tmax[L - 1]);
  const logits = layerForward(readout, x, readout.W, readout.D, batch, backend);
  return { spikeTimes, neuronTimes, poolIndex, logits, maxActivation, active, batch, hardware };
}

/**
 * Backward pass in the SNN parametrization, given dL/dlogits. Returns [dW1, dD1, dW2, ...].
 * With g_i = dL/dt_i (zero where silent):
 *   dL/dW_ij = -sum_b g_i (tmin(n) - t_j),  dL/dD_i = -sum_b g_i,  dL/dt_j = sum_i g_i W_ij;
 * and for the readout dy_i/dt_j = -W_ij, dy_i/dW_ij = tmin(L) - t_j, dy_i/dD_i = 1.
 * The backend's dense kernels run on dz = -g, which gives exactly those sums.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { b1Backward, b1Forward, initB1Network } from "./b1.ts";
 * const net = initB1Network([2, 2], new Rng(1));
 * const fwd = b1Forward(net, new Float64Array([0, 1]), 1);
 * console.log(b1Backward(net, fwd, new Float64Array([1, -1])).length); // 2
 * ```
 */
// spec A7
export function b1Backward(
  net: B1Network,
  fwd: B1Forward,
  dLogits: Float64Array,
  backend: Backend = refBackend,
): Float64Array[] {
  const { tmin, tmax } = net.intervals;
  const { batch } = fwd;
  const L = net.layers.length;
  const grads: Float64Array[] = [];
  let dz = dLogits; // readout: dz = dL/dy
  for (let n = L; n >= 1; n--) {
    const layer = net.layers[n - 1];
    const tInMin = n === L ? tmax[L - 1] : tmin[n];
    const xIn = activationsFromTimes(fwd.spikeTimes[n - 1], tInMin);
    const dW = new Float64Array(layer.W.length), dD = new Float64Array(layer.D.length);
    layerBackwardWeights(layer, dz, xIn, dW, dD, batch, backend);
    grads.unshift(dW, dD);
    if (n === 1) break;
    // dL/da_j, a_j = tmin - t_j, so dL/dt_j = -g_j; a max-pool sends it to the window's winner
    const g = layerBackwardInput(layer, dz, layer.W, batch, backend), idx = fwd.poolIndex[n - 1];
    const on = fwd.active[n - 1];
    dz = idx ? scatterAt(g, idx, on.length) : g;
    // next dz = -dL/dt(n-1) on active neurons, else 0
    for (let k = 0; k < dz.length; k++) if (!on[k]) dz[k] = 0;
  }
  return grads;
}

/**
 * The parameter arrays in gradient order: [W1, D1, W2, D2, ...].
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { b1Params, initB1Network } from "./b1.ts";
 * console.log(b1Params(initB1Network([3, 2], new Rng(0))).length); // 2
 * ```
 */
export function b1Params(net: B1Network): Float64Array[] {
  return net.layers.flatMap((l) => [l.W, l.D]);
}
