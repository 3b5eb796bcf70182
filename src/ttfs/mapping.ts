/**
 * The exact mapping from a ReLU network (w, b) to a TTFS network (SPEC A4, the 2023
 * "alpha = 1" mapping), its reverse, and the identity mapping onto the B = 1 model (A5).
 *
 * 1. Rescale (`rescaleReluMlp`): ReLU is positively homogeneous, so scaling row i of a
 *    hidden layer (w_i., b_i) by c > 0 and column i of the next layer by 1/c leaves the
 *    function unchanged. Each hidden row gets the c that brings its sum into
 *    [-10, 0.99] (c = 1 when it already is); the readout layer is never scaled.
 * 2. Intervals (`calibrateIntervals`): X(n) = the largest activation of hidden layer n on the
 *    calibration data; tmax(n) = tmin(n) + (1 + zeta) X(n) (SPEC A1).
 * 3. Map (`mapReluToTtfs`), hidden layer n, with B_n = tmax(n) - tmin(n):
 *      alpha_i = 1,  J_ij = alpha_i w_ij / (1 - sum_k w_ik),
 *      D_i = B_n sum_j J_ij - (alpha_i + sum_j J_ij) b_i,
 *      theta_i = alpha_i (tmax(n) - tmin(n-1)) + D_i.
 *    Then t_i = tmax(n) - ReLU(sum_j w_ij x_j + b_i) with x_j = tmin(n) - t_j, and the slope
 *    at threshold is B_i = alpha_i / (1 - sum_j w_ij). The readout keeps W = w, D = b.
 *    Exactness needs every hidden neuron to stay below threshold until all its inputs have
 *    arrived, i.e. t_i >= tmin(n). The closed form assumes it; the event-driven neuron (A3)
 *    can cross earlier when inputs with positive J arrive first and negative ones late. At
 *    t = tmin(n) the margin is theta_i - V_i = B_i (B_n - x_i) > 0, and before tmin(n) V_i does
 *    not depend on B_n while theta_i grows with it, so a wide enough interval always works.
 *    `mapReluExactly` rescales, calibrates, maps, and doubles B_n until no neuron of the
 *    calibration data fires before tmin(n).
 * 4. Reverse (`reverseMapTtfs`): w_ij = J_ij / B_i with B_i = alpha_i + sum_j J_ij, and
 *    b_i = (B_n sum_j J_ij - D_i) / B_i with D_i = theta_i - alpha_i (tmax(n) - tmin(n-1)).
 *
 * @module
 */
import { ValueError } from "../errors.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import { reluMlpForward } from "../nn/mlp.ts";
import type { B1Network } from "./b1.ts";
import { generalForward, type GeneralNetwork } from "./general.ts";
import { encodeInput } from "./encoding.ts";
import {
  chainIntervals,
  chainLengths,
  type CodingIntervals,
  intervalLengths,
  validateIntervals,
} from "./intervals.ts";

/** Row-sum bounds for the rescaling step. */
export interface RescaleBounds {
  /** Lower bound on sum_j w_ij (default -10). */
  lo?: number;
  /** Upper bound on sum_j w_ij, < 1 (default 0.99). */
  hi?: number;
}

/** A deep copy of a ReLU MLP. */
function cloneRelu(net: ReluMlp): ReluMlp {
  return { layers: net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })) };
}

/**
 * Rescale hidden rows so that lo <= sum_j w_ij <= hi, compensating in the next layer.
 * Returns a new network computing the same function.
 *
 * @example
 * ```ts
 * import { rescaleReluMlp } from "./mapping.ts";
 * const net = { layers: [
 *   { nIn: 2, nOut: 1, w: new Float64Array([1, 1]), b: new Float64Array([0]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * console.log(rescaleReluMlp(net).layers[0].w); // Float64Array [0.495, 0.495]
 * ```
 */
// spec A4
export function rescaleReluMlp(net: ReluMlp, bounds: RescaleBounds = {}): ReluMlp {
  const lo = bounds.lo ?? -10, hi = bounds.hi ?? 0.99;
  if (!(lo < 0 && hi > 0 && hi < 1)) {
    throw new ValueError(`rescale bounds [${lo}, ${hi}] must satisfy lo < 0 < hi < 1`);
  }
  const out = cloneRelu(net);
  for (let n = 0; n < out.layers.length - 1; n++) {
    const { w, b } = out.layers[n], next = out.layers[n + 1];
    const C = b.length, K = w.length / C, K2 = next.w.length / next.b.length;
    for (let i = 0; i < C; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += w[i * K + j];
      const c = s > hi ? hi / s : s < lo ? lo / s : 1;
      if (c === 1) continue;
      for (let j = 0; j < K; j++) w[i * K + j] *= c;
      b[i] *= c;
      // the next layer's weights that read channel i (NHWC: every input index = i mod C)
      for (let r = 0; r < next.b.length; r++) {
        for (let j = i; j < K2; j += C) next.w[r * K2 + j] /= c;
      }
    }
  }
  return out;
}

/**
 * Coding intervals from the largest hidden activations of `net` on `x` [batch, nIn].
 *
 * @example
 * ```ts
 * import { calibrateIntervals } from "./mapping.ts";
 * const net = { layers: [
 *   { nIn: 1, nOut: 1, w: new Float64Array([0.5]), b: new Float64Array([0]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * console.log(calibrateIntervals(net, new Float64Array([1]), 1).tmax); // [1, 1.75]
 * ```
 */
// spec A1, A4
export function calibrateIntervals(
  net: ReluMlp,
  x: Float64Array,
  batch: number,
  zeta?: number,
): CodingIntervals {
  return chainIntervals(reluMlpForward(net, x, batch).maxActivation, zeta);
}

/**
 * Map a (rescaled) ReLU MLP onto general TTFS neurons with alpha = 1.
 *
 * @example
 * ```ts
 * import { calibrateIntervals, mapReluToTtfs } from "./mapping.ts";
 * const net = { layers: [
 *   { nIn: 1, nOut: 1, w: new Float64Array([0.5]), b: new Float64Array([0]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * const snn = mapReluToTtfs(net, calibrateIntervals(net, new Float64Array([1]), 1));
 * console.log(snn.hidden[0].J); // Float64Array [1]
 * ```
 */
// spec A4
export function mapReluToTtfs(net: ReluMlp, intervals: CodingIntervals): GeneralNetwork {
  validateIntervals(intervals);
  const { tmin, tmax } = intervals;
  if (tmin.length !== net.layers.length) {
    throw new ValueError(
      `${tmin.length} intervals for ${net.layers.length - 1} hidden layers + input`,
    );
  }
  const hidden = net.layers.slice(0, -1).map(({ w, b, ...geometry }, k) => {
    const n = k + 1, Bn = tmax[n] - tmin[n], C = b.length, K = w.length / C;
    const alpha = new Float64Array(C).fill(1), J = new Float64Array(w.length);
    const theta = new Float64Array(C);
    for (let i = 0; i < C; i++) {
      let sw = 0;
      for (let j = 0; j < K; j++) sw += w[i * K + j];
      if (!(sw < 1)) {
        throw new ValueError(`layer ${n} row ${i}: sum_j w_ij = ${sw} >= 1; rescale first`);
      }
      let sJ = 0;
      for (let j = 0; j < K; j++) sJ += J[i * K + j] = alpha[i] * w[i * K + j] / (1 - sw);
      const D = Bn * sJ - (alpha[i] + sJ) * b[i];
      theta[i] = alpha[i] * (tmax[n] - tmin[n - 1]) + D;
    }
    return { ...geometry, alpha, J, theta };
  });
  const { w, b, ...last } = net.layers[net.layers.length - 1];
  const readout = { ...last, W: w.slice(), D: b.slice() };
  return { hidden, readout, intervals: { tmin: [...tmin], tmax: [...tmax] } };
}

/** The result of {@link mapReluExactly}. */
export interface ExactMapping {
  /** The TTFS network. */
  snn: GeneralNetwork;
  /** The rescaled ReLU network it computes (same function as the input network). */
  rescaled: ReluMlp;
  /** How many times each hidden interval was doubled beyond (1 + zeta) X(n). */
  doublings: number[];
}

/**
 * Rescale, calibrate intervals on x [batch, nIn] (values in [0, 1]), map, and widen each
 * hidden interval until no neuron fires before tmin(n) on x, so that the event-driven SNN
 * reproduces the ReLU logits exactly on that data.
 *
 * @example
 * ```ts
 * import { mapReluExactly } from "./mapping.ts";
 * const net = { layers: [
 *   { nIn: 1, nOut: 1, w: new Float64Array([0.5]), b: new Float64Array([0]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * console.log(mapReluExactly(net, new Float64Array([1]), 1).doublings); // [0]
 * ```
 */
// spec A4
export function mapReluExactly(
  net: ReluMlp,
  x: Float64Array,
  batch: number,
  options: { zeta?: number; bounds?: RescaleBounds } = {},
): ExactMapping {
  const rescaled = rescaleReluMlp(net, options.bounds);
  const lengths = intervalLengths(calibrateIntervals(rescaled, x, batch, options.zeta));
  const doublings = lengths.map(() => 0), t0 = encodeInput(x);
  for (let n = 1; n <= lengths.length; n++) {
    for (;;) {
      const iv = chainLengths(lengths);
      const t = generalForward(mapReluToTtfs(rescaled, iv), t0, batch).neuronTimes[n];
      if (t.every((ti) => ti >= iv.tmin[n])) break;
      if (++doublings[n - 1] > 64) {
        throw new ValueError(`layer ${n}: neurons still fire before tmin(n) after 64 doublings`);
      }
      lengths[n - 1] *= 2;
    }
  }
  const intervals = chainLengths(lengths);
  return { snn: mapReluToTtfs(rescaled, intervals), rescaled, doublings };
}

/**
 * Recover the ReLU network (w, b) from a general TTFS network.
 *
 * @example
 * ```ts
 * import { mapReluToTtfs, reverseMapTtfs } from "./mapping.ts";
 * const net = { layers: [
 *   { nIn: 1, nOut: 1, w: new Float64Array([0.5]), b: new Float64Array([0.1]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * const back = reverseMapTtfs(mapReluToTtfs(net, { tmin: [0, 1], tmax: [1, 3] }));
 * console.log(back.layers[0].w[0].toFixed(12)); // 0.500000000000
 * ```
 */
// spec A4
export function reverseMapTtfs(snn: GeneralNetwork): ReluMlp {
  const { tmin, tmax } = snn.intervals;
  const layers = snn.hidden.map(({ alpha, J, theta, ...geometry }, k) => {
    const n = k + 1, Bn = tmax[n] - tmin[n], C = alpha.length, K = J.length / C;
    const w = new Float64Array(J.length), b = new Float64Array(C);
    for (let i = 0; i < C; i++) {
      let sJ = 0;
      for (let j = 0; j < K; j++) sJ += J[i * K + j];
      const Bi = alpha[i] + sJ, D = theta[i] - alpha[i] * (tmax[n] - tmin[n - 1]);
      for (let j = 0; j < K; j++) w[i * K + j] = J[i * K + j] / Bi;
      b[i] = (Bn * sJ - D) / Bi;
    }
    return { ...geometry, w, b };
  });
  const { W, D, ...readout } = snn.readout;
  layers.push({ ...readout, w: W.slice(), b: D.slice() });
  return { layers };
}

/**
 * The B = 1 model of a ReLU MLP: W = w, D = b (SPEC A5, the identity mapping).
 *
 * @example
 * ```ts
 * import { b1FromRelu } from "./mapping.ts";
 * const net = { layers: [{ nIn: 1, nOut: 1, w: new Float64Array([2]), b: new Float64Array([0]) }] };
 * console.log(b1FromRelu(net, { tmin: [0], tmax: [1] }).layers[0].W); // Float64Array [2]
 * ```
 */
// spec A5
export function b1FromRelu(net: ReluMlp, intervals: CodingIntervals): B1Network {
  return {
    layers: net.layers.map(({ w, b, ...geometry }) => ({
      ...geometry,
      W: w.slice(),
      D: b.slice(),
    })),
    intervals: { tmin: [...intervals.tmin], tmax: [...intervals.tmax] },
  };
}

/**
 * The ReLU twin of a B = 1 network: w = W, b = D.
 *
 * @example
 * ```ts
 * import { reluFromB1 } from "./mapping.ts";
 * const snn = { layers: [{ nIn: 1, nOut: 1, W: new Float64Array([2]), D: new Float64Array([0]) }],
 *   intervals: { tmin: [0], tmax: [1] } };
 * console.log(reluFromB1(snn).layers[0].w); // Float64Array [2]
 * ```
 */
// spec A5
export function reluFromB1(net: B1Network): ReluMlp {
  return {
    layers: net.layers.map(({ W, D, ...geometry }) => ({
      ...geometry,
      w: W.slice(),
      b: D.slice(),
    })),
  };
}
