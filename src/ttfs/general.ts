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
 * Layout: J [nOut, nIn] row-major like W; alpha and theta [nOut]. A conv layer (SPEC A8) has
 * J [outC, k, k, inC] and alpha, theta [outC], shared by every position: each output neuron
 * sees its patch of input times (`im2col`), where a position outside the image is a spike at
 * tmax(n-1) = tmin(n), the zero activation. Max-pool passes the earliest spike of each window.
 * Both cases run one loop over "rows" (a sample's inputs, or one patch) and "channels".
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import { col2im, im2col } from "../nn/conv.ts";
import { biasLength, type LayerGeometry, neuronsOf, poolOf } from "../nn/layer.ts";
import { gatherAt, poolArgmax, scatterAt } from "../nn/pool.ts";
import type { B1Layer } from "./b1.ts";
import { type CodingIntervals, validateIntervals } from "./intervals.ts";
import { argsortTimes, spikeTime } from "./neuron.ts";

/** One layer of general neurons (dense, or conv with per-channel alpha and theta). */
export interface GeneralLayer extends LayerGeometry {
  /** Slope alpha_i of the potential from tmin(n-1) on: [nOut], or [outC] for a conv layer. */
  alpha: Float64Array;
  /** Synaptic weights J_ij: [nOut, nIn] row-major, or [outC, k, k, inC] for a conv layer. */
  J: Float64Array;
  /** Firing threshold theta_i: [nOut], or [outC] for a conv layer. */
  theta: Float64Array;
}

/** Hidden layers of general neurons and a B = 1 readout. */
export interface GeneralNetwork {
  /** The spiking layers 1..L-1, input side first. */
  hidden: GeneralLayer[];
  /** The readout layer L: membrane potentials at tmin(L), as in the B = 1 model. */
  readout: B1Layer;
  /** tmin/tmax for layers 0..L-1 (index 0 = input); the readout is at tmax[L-1]. */
  intervals: CodingIntervals;
}

/** What the forward pass keeps for the backward pass. */
export interface GeneralForward {
  /** t(0) .. t(L-1) as the next layer sees them (after max-pool), [batch, size]. */
  spikeTimes: Float64Array[];
  /** The same before pooling, one time per neuron, [batch, neurons] (t(0) = the input). */
  neuronTimes: Float64Array[];
  /** Per layer (index 0 = input), the max-pool winners into `neuronTimes`, or undefined. */
  poolIndex: (Int32Array | undefined)[];
  /** Per hidden layer: the input times of every row (a sample, or a patch), [rows, fan-in]. */
  patches: Float64Array[];
  /** Per hidden layer and row: the input order (argsort of the row), [rows, fan-in]. */
  orders: Int32Array[];
  /** Per hidden layer: |C| for each neuron, [batch, neurons]. */
  causal: Int32Array[];
  /** Per hidden layer: B_i for each neuron (0 where silent), [batch, neurons]. */
  slopes: Float64Array[];
  /** Readout potentials, [batch, classes]. */
  logits: Float64Array;
  /** Samples in the batch. */
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
// spec A3, A6
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
    neuronTimes: [t0],
    poolIndex: [undefined],
    patches: [],
    orders: [],
    causal: [],
    slopes: [],
    logits: new Float64Array(0),
    batch,
  };
  for (let n = 1; n <= net.hidden.length; n++) {
    const layer = net.hidden[n - 1], { alpha, J, theta } = layer, tIn = fwd.spikeTimes[n - 1];
    // rows of inputs: one per sample (dense) or per output position (conv, padded at tmin(n))
    const rows = layer.conv ? im2col(tIn, batch, layer.conv, tmin[n]) : tIn;
    const C = biasLength(layer), K = J.length / C, R = rows.length / K;
    const tOut = new Float64Array(R * C), causal = new Int32Array(R * C);
    const slopes = new Float64Array(R * C), orders = new Int32Array(R * K);
    for (let r = 0; r < R; r++) {
      const row = rows.subarray(r * K, (r + 1) * K), order = argsortTimes(row);
      orders.set(order, r * K);
      for (let i = 0; i < C; i++) {
        const s = spikeTime(row, J, alpha[i], theta[i], tmin[n - 1], tmax[n], order, i * K);
        tOut[r * C + i] = s.t;
        causal[r * C + i] = s.causal;
        slopes[r * C + i] = s.fired ? s.slope : 0;
      }
    }
    const pool = poolOf(layer), idx = pool && poolArgmax(tOut.map((t) => -t), batch, pool);
    fwd.neuronTimes.push(tOut);
    fwd.spikeTimes.push(idx ? gatherAt(tOut, idx) : tOut);
    fwd.poolIndex.push(idx);
    fwd.patches.push(rows);
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
// spec A7
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
    const layer = net.hidden[n - 1], { J } = layer, C = biasLength(layer), K = J.length / C;
    const dAlpha = new Float64Array(C), dJ = new Float64Array(J.length);
    const dTheta = new Float64Array(C),
      rows = fwd.patches[n - 1],
      gRows = new Float64Array(rows.length);
    const tOut = fwd.neuronTimes[n], idx = fwd.poolIndex[n];
    const order = fwd.orders[n - 1], causal = fwd.causal[n - 1], slopes = fwd.slopes[n - 1];
    const gOut = idx ? scatterAt(g, idx, batch * neuronsOf(layer)) : g; // pool: to the winner
    for (let r = 0; r < rows.length / K; r++) {
      for (let i = 0; i < C; i++) {
        const B = slopes[r * C + i];
        if (B === 0 || B === Infinity) continue; // silent, or pinned at tmin(n-1)
        const gi = gOut[r * C + i] / B, ti = tOut[r * C + i];
        dTheta[i] += gi; // dt_i/dtheta_i = 1/B_i
        dAlpha[i] += gi * (tmin[n - 1] - ti); // dt_i/dalpha_i = (tmin(n-1) - t_i)/B_i
        for (let c = 0; c < causal[r * C + i]; c++) {
          const j = order[r * K + c];
          dJ[i * K + j] += gi * (rows[r * K + j] - ti); // dt_i/dJ_ij = (t_j - t_i)/B_i
          gRows[r * K + j] += gi * J[i * K + j]; // dt_i/dt_j = J_ij/B_i
        }
      }
    }
    grads.unshift(dAlpha, dJ, dTheta);
    if (layer.conv) col2im(gRows, batch, layer.conv, g = new Float64Array(batch * layer.nIn));
    else g = gRows;
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
