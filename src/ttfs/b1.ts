/**
 * The constant-slope TTFS network, B_i = 1 (SPEC A5), the 2024 paper's trainable model.
 * Each hidden neuron of layer n fires at
 *
 *   t_i = tmax(n) - D_i - sum_j W_ij (tmin(n) - t_j),   clipped at tmax(n) (silent),
 *
 * so x = tmax(n) - t = ReLU(W x_in + D) with x_in,j = tmin(n) - t_j: the ReLU network with
 * w = W and b = D, exactly. Physically alpha_i = 1 - sum_j W_ij, which makes the slope at
 * threshold 1 for any W; the threshold is theta_i = tmax(n) - tmin(n) - D_i.
 * The readout (SPEC A6) is the membrane potential at tmin(L): y_i = D_i + sum_j W_ij (tmin(L) - t_j).
 *
 * Gradients (SPEC A7, all zero for a silent neuron), used by `b1Backward`:
 *   dt_i/dW_ij = -(tmin(n) - t_j),   dt_i/dt_j = W_ij,   dt_i/dD_i = -1.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { ShapeError } from "../errors.ts";
import { initReluMlp } from "../nn/mlp.ts";
import type { Rng } from "../nn/rng.ts";
import { type CodingIntervals, scratchIntervals, validateIntervals } from "./intervals.ts";

/** One B = 1 layer: W [nOut, nIn] row-major, D [nOut]. */
export interface B1Layer {
  nIn: number;
  nOut: number;
  W: Float64Array;
  D: Float64Array;
}

/** A B = 1 TTFS network: hidden layers 1..L-1 spike, layer L is the readout. */
export interface B1Network {
  layers: B1Layer[];
  /** tmin/tmax for layers 0..L-1 (index 0 = input); the readout is at tmax[L-1]. */
  intervals: CodingIntervals;
}

/** What the forward pass keeps for the backward pass. */
export interface B1Forward {
  /** t(0) (input), t(1), ..., t(L-1): spike times, [batch, size of layer]. */
  spikeTimes: Float64Array[];
  /** [batch, classes]. */
  logits: Float64Array;
  /** max over the batch of tmax(n) - t_i for each hidden layer n (for widening). */
  maxActivation: number[];
  batch: number;
  /** Per layer (index 0 = input, empty), 1 where dt_i depends on the inputs: fired, and not
   * clipped or pushed out of the window by a hardware constraint. */
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
  clipAtTmin?: boolean;
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
export function initB1Network(sizes: number[], rng: Rng, zeta = 0.5): B1Network {
  const layers = initReluMlp(sizes, rng).layers.map(({ nIn, nOut, w, b }) => ({
    nIn,
    nOut,
    W: w,
    D: b,
  }));
  return { layers, intervals: scratchIntervals(sizes.length - 2, zeta) };
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
  const spikeTimes = [t0], maxActivation: number[] = [], active = [new Uint8Array(0)];
  const L = net.layers.length;
  for (let n = 1; n < L; n++) {
    const { nIn, nOut, W, D } = net.layers[n - 1];
    const z = new Float64Array(batch * nOut);
    backend.denseForward(
      activationsFromTimes(spikeTimes[n - 1], tmin[n]),
      W,
      D,
      z,
      batch,
      nIn,
      nOut,
    );
    let maxAct = 0;
    const Bn = tmax[n] - tmin[n], { clipAtTmin = false, jitter } = hardware;
    const on = new Uint8Array(z.length);
    for (let k = 0; k < z.length; k++) {
      let x = z[k] > 0 ? z[k] : 0; // clipped at tmax(n): silent
      on[k] = +(x > 0);
      if (clipAtTmin && x >= Bn) (x = Bn), (on[k] = 0); // cannot fire before its window opens
      let t = tmax[n] - x; // t_i = tmax(n) - D_i - sum_j W_ij (tmin(n) - t_j)
      const eps = jitter ? jitter.rng.normal() : 0; // one draw per neuron, fired or not
      if (jitter && x > 0) {
        t += jitter.sigma * Bn * eps;
        if (t >= tmax[n]) (t = tmax[n]), (on[k] = 0); // jittered past the window: silent
        if (clipAtTmin && t <= tmin[n]) (t = tmin[n]), (on[k] = 0);
      }
      if (tmax[n] - t > maxAct) maxAct = tmax[n] - t;
      z[k] = t;
    }
    spikeTimes.push(z);
    active.push(on);
    maxActivation.push(maxAct);
  }
  const { nIn, nOut, W, D } = net.layers[L - 1];
  const logits = new Float64Array(batch * nOut);
  // y_i = D_i + sum_j W_ij (tmin(L) - t_j), tmin(L) = tmax(L-1)
  backend.denseForward(
    activationsFromTimes(spikeTimes[L - 1], tmax[L - 1]),
    W,
    D,
    logits,
    batch,
    nIn,
    nOut,
  );
  return { spikeTimes, logits, maxActivation, active, batch, hardware };
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
    const { nIn, nOut, W } = net.layers[n - 1];
    const tInMin = n === L ? tmax[L - 1] : tmin[n];
    const tIn = fwd.spikeTimes[n - 1];
    const dW = new Float64Array(nOut * nIn), dD = new Float64Array(nOut);
    backend.denseBackwardWeights(dz, activationsFromTimes(tIn, tInMin), dW, dD, batch, nIn, nOut);
    grads.unshift(dW, dD);
    if (n === 1) break;
    const g = new Float64Array(batch * nIn); // dL/da_j, a_j = tmin - t_j, so dL/dt_j = -g_j
    backend.denseBackwardInput(dz, W, g, batch, nIn, nOut);
    // next dz = -dL/dt(n-1) on active neurons = g where t < tmax(n-1), else 0
    const on = fwd.active[n - 1];
    for (let k = 0; k < g.length; k++) if (!on[k]) g[k] = 0;
    dz = g;
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
