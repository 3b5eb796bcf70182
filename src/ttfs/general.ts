/**
 * A network of general TTFS neurons (SPEC A3) in the (alpha, J, theta) parametrization: what
 * the 2023 exact mapping produces, and what "training J with alpha held fixed" trains.
 * Every hidden neuron is evaluated by `spikeTime` over its own causal set; the readout is
 * the B = 1 readout y_i = D_i + sum_j W_ij (tmin(L) - t_j) (SPEC A6).
 *
 * Gradients (SPEC A7; zero for a silent neuron; only inputs in the causal set C count):
 *   dt_i/dt_j = J_ij / B_i,   dt_i/dJ_ij = (t_j - t_i) / B_i,
 *   dt_i/dtheta_i = 1 / B_i,  dt_i/dalpha_i = (tmin(n-1) - t_i) / B_i.
 *
 * Layout: J [nOut, nIn] row-major like W; alpha and theta [nOut].
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import type { B1Layer } from "./b1.ts";
import { type CodingIntervals, validateIntervals } from "./intervals.ts";
import { argsortTimes, spikeTime } from "./neuron.ts";

/** One layer of general neurons. */
export interface GeneralLayer {
  nIn: number;
  nOut: number;
  alpha: Float64Array;
  J: Float64Array;
  theta: Float64Array;
}

/** Hidden layers of general neurons and a B = 1 readout. */
export interface GeneralNetwork {
  hidden: GeneralLayer[];
  readout: B1Layer;
  intervals: CodingIntervals;
}

/** What the forward pass keeps for the backward pass. */
export interface GeneralForward {
  /** t(0) .. t(L-1), [batch, size]. */
  spikeTimes: Float64Array[];
  /** Per hidden layer and sample: the input order (argsort of t(n-1)), [batch, nIn]. */
  orders: Int32Array[];
  /** Per hidden layer: |C| for each neuron and sample, [batch, nOut]. */
  causal: Int32Array[];
  /** Per hidden layer: B_i for each neuron and sample (0 where silent), [batch, nOut]. */
  slopes: Float64Array[];
  logits: Float64Array;
  batch: number;
}

/**
 * Forward pass from input spike times t0 [batch, nIn].
 *
 * @example
 * ```ts
 * import { generalForward } from "./general.ts";
 * const net = {
 *   hidden: [{ nIn: 1, nOut: 1, alpha: new Float64Array([1]), J: new Float64Array([1]), theta: new Float64Array([2]) }],
 *   readout: { nIn: 1, nOut: 1, W: new Float64Array([1]), D: new Float64Array([0]) },
 *   intervals: { tmin: [0, 1], tmax: [1, 10] },
 * };
 * console.log(generalForward(net, new Float64Array([0]), 1).spikeTimes[1][0]); // 1
 * ```
 */
export function generalForward(
  net: GeneralNetwork,
  t0: Float64Array,
  batch: number,
): GeneralForward {
  validateIntervals(net.intervals);
  const { tmin, tmax } = net.intervals;
  if (tmin.length !== net.hidden.length + 1) {
    throw new ShapeError(
      `${tmin.length} coding intervals for ${net.hidden.length} hidden layers + input`,
    );
  }
  const nIn0 = net.hidden.length ? net.hidden[0].nIn : net.readout.nIn;
  if (t0.length !== batch * nIn0) {
    throw new ShapeError(`input has ${t0.length} spike times; expected ${batch}x${nIn0}`);
  }
  const fwd: GeneralForward = {
    spikeTimes: [t0],
    orders: [],
    causal: [],
    slopes: [],
    logits: new Float64Array(0),
    batch,
  };
  for (let n = 1; n <= net.hidden.length; n++) {
    const { nIn, nOut, alpha, J, theta } = net.hidden[n - 1];
    const tIn = fwd.spikeTimes[n - 1];
    const tOut = new Float64Array(batch * nOut), causal = new Int32Array(batch * nOut);
    const slopes = new Float64Array(batch * nOut), orders = new Int32Array(batch * nIn);
    for (let b = 0; b < batch; b++) {
      const row = tIn.subarray(b * nIn, (b + 1) * nIn), order = argsortTimes(row);
      orders.set(order, b * nIn);
      for (let i = 0; i < nOut; i++) {
        const s = spikeTime(row, J, alpha[i], theta[i], tmin[n - 1], tmax[n], order, i * nIn);
        tOut[b * nOut + i] = s.t;
        causal[b * nOut + i] = s.causal;
        slopes[b * nOut + i] = s.fired ? s.slope : 0;
      }
    }
    fwd.spikeTimes.push(tOut);
    fwd.orders.push(orders);
    fwd.causal.push(causal);
    fwd.slopes.push(slopes);
  }
  const { nIn, nOut, W, D } = net.readout;
  const tL = tmax[net.hidden.length], tLast = fwd.spikeTimes[net.hidden.length];
  fwd.logits = new Float64Array(batch * nOut);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nOut; i++) {
      let y = D[i];
      for (let j = 0; j < nIn; j++) y += W[i * nIn + j] * (tL - tLast[b * nIn + j]);
      fwd.logits[b * nOut + i] = y;
    }
  }
  return fwd;
}

/**
 * Backward pass, given dL/dlogits. Returns [dalpha1, dJ1, dtheta1, ..., dW_out, dD_out].
 *
 * @example
 * ```ts
 * import { generalBackward, generalForward } from "./general.ts";
 * const net = {
 *   hidden: [{ nIn: 1, nOut: 1, alpha: new Float64Array([1]), J: new Float64Array([1]), theta: new Float64Array([2]) }],
 *   readout: { nIn: 1, nOut: 1, W: new Float64Array([1]), D: new Float64Array([0]) },
 *   intervals: { tmin: [0, 1], tmax: [1, 10] },
 * };
 * const fwd = generalForward(net, new Float64Array([0]), 1);
 * console.log(generalBackward(net, fwd, new Float64Array([1])).length); // 5
 * ```
 */
export function generalBackward(
  net: GeneralNetwork,
  fwd: GeneralForward,
  dLogits: Float64Array,
): Float64Array[] {
  const { tmin, tmax } = net.intervals;
  const { batch } = fwd;
  const H = net.hidden.length;
  const { nIn, nOut, W } = net.readout;
  const dW = new Float64Array(nOut * nIn), dD = new Float64Array(nOut);
  let g = new Float64Array(batch * nIn); // dL/dt of the last hidden layer
  const tLast = fwd.spikeTimes[H];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nOut; i++) {
      const dy = dLogits[b * nOut + i];
      dD[i] += dy;
      for (let j = 0; j < nIn; j++) {
        dW[i * nIn + j] += dy * (tmax[H] - tLast[b * nIn + j]); // dy_i/dW_ij = tmin(L) - t_j
        g[b * nIn + j] -= dy * W[i * nIn + j]; // dy_i/dt_j = -W_ij
      }
    }
  }
  const grads: Float64Array[] = [dW, dD];
  for (let n = H; n >= 1; n--) {
    const { nIn, nOut, J } = net.hidden[n - 1];
    const dAlpha = new Float64Array(nOut), dJ = new Float64Array(nOut * nIn);
    const dTheta = new Float64Array(nOut), gIn = new Float64Array(batch * nIn);
    const tIn = fwd.spikeTimes[n - 1], tOut = fwd.spikeTimes[n];
    const order = fwd.orders[n - 1], causal = fwd.causal[n - 1], slopes = fwd.slopes[n - 1];
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < nOut; i++) {
        const B = slopes[b * nOut + i];
        if (B === 0 || B === Infinity) continue; // silent, or pinned at tmin(n-1)
        const gi = g[b * nOut + i] / B, ti = tOut[b * nOut + i];
        dTheta[i] += gi; // dt_i/dtheta_i = 1/B_i
        dAlpha[i] += gi * (tmin[n - 1] - ti); // dt_i/dalpha_i = (tmin(n-1) - t_i)/B_i
        for (let c = 0; c < causal[b * nOut + i]; c++) {
          const j = order[b * nIn + c];
          dJ[i * nIn + j] += gi * (tIn[b * nIn + j] - ti); // dt_i/dJ_ij = (t_j - t_i)/B_i
          gIn[b * nIn + j] += gi * J[i * nIn + j]; // dt_i/dt_j = J_ij/B_i
        }
      }
    }
    grads.unshift(dAlpha, dJ, dTheta);
    g = gIn;
  }
  return grads;
}

/**
 * The parameter arrays in gradient order: [alpha1, J1, theta1, ..., W_out, D_out].
 *
 * @example
 * ```ts
 * import { generalParams } from "./general.ts";
 * const net = {
 *   hidden: [],
 *   readout: { nIn: 1, nOut: 1, W: new Float64Array([1]), D: new Float64Array([0]) },
 *   intervals: { tmin: [0], tmax: [1] },
 * };
 * console.log(generalParams(net).length); // 2
 * ```
 */
export function generalParams(net: GeneralNetwork): Float64Array[] {
  return [...net.hidden.flatMap((l) => [l.alpha, l.J, l.theta]), net.readout.W, net.readout.D];
}
