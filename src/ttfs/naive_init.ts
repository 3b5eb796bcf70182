/**
 * The naive initialization of the alpha = 1 parametrization (the paper's Figure 2a): the
 * Glorot-uniform weights of a fresh ReLU network taken as J directly, alpha_i = 1, instead of
 * the mapping J = w / (1 - sum_k w_k) of SPEC A4. Hidden layer n, B_n = tmax(n) - tmin(n):
 *
 *   alpha_i = 1,   J_ij = w_ij,   B_i = alpha_i + sum_j J_ij = 1 + sum_j w_ij,
 *   theta_i = alpha_i (tmax(n) - tmin(n-1)) + B_n sum_j J_ij - B_i b_i     (A4 with D_i spelled out)
 *
 * The threshold is A4's, so the network computes x_i = ReLU(sum_j (J_ij / B_i) x_j + b_i) for
 * every neuron with B_i > 0 that fires after its inputs: the ReLU network with weights J / B
 * (`reverseMapTtfs`). Glorot gives sum_j w_ij ~ N(0, ~1), so B_i spreads around 1, and the rows
 * with B_i near 0 are scaled up by 1 / B_i in the layer Jacobian M B^-1 J_C (SPEC A7). A neuron
 * with B_i <= 0 can only fire before all its inputs have arrived, on a prefix of them; with
 * this threshold, negative once B_n |B_i| > B_{n-1}, it fires at tmin(n-1).
 *
 * With alpha_i = 1 - sum_j J_ij instead (`NaiveAlpha` "unit-slope") the same construction is the
 * B = 1 network of the same weights (SPEC A5, `b1AsGeneralLayer`): B_i = 1, theta_i = tmax(n) -
 * tmin(n) + alpha_i (tmin(n) - tmin(n-1)) - D_i. So "naive" and "B = 1" differ in alpha alone.
 *
 * Intervals (`naiveInit`): "calibrated" applies the mapping's rule, so that M B^-1 J_C has the full
 * B_i in every row that fires; "scratch" keeps SPEC A1's from-scratch ones, as B = 1 starts.
 *
 * Layout: as `GeneralLayer` (J [nOut, nIn] row-major); dense layers only.
 *
 * @module
 */
import { ShapeError, ValueError } from "../errors.ts";
import { assertDense } from "../nn/layer.ts";
import type { ReluLayer, ReluMlp } from "../nn/mlp.ts";
import { encodeInput } from "./encoding.ts";
import { generalForward, type GeneralLayer, type GeneralNetwork } from "./general.ts";
import {
  chainLengths,
  type CodingIntervals,
  INTERVAL_ZETA,
  scratchIntervals,
  validateIntervals,
} from "./intervals.ts";

/** alpha_i = 1 (the naive init) or 1 - sum_j J_ij (the B = 1 network of the same weights). */
export type NaiveAlpha = "one" | "unit-slope";

/** Layer n of the construction, from the lengths B_{n-1} and B_n of intervals n-1 and n. */
function naiveLayer(
  { w, b, ...geometry }: ReluLayer,
  Bprev: number,
  Bn: number,
  alphaRule: NaiveAlpha,
): GeneralLayer {
  const C = b.length, K = w.length / C;
  const alpha = new Float64Array(C), J = w.slice(), theta = new Float64Array(C);
  for (let i = 0; i < C; i++) {
    let sJ = 0;
    for (let j = 0; j < K; j++) sJ += J[i * K + j];
    alpha[i] = alphaRule === "unit-slope" ? 1 - sJ : 1;
    // theta_i = alpha_i (tmax(n) - tmin(n-1)) + D_i,  D_i = B_n sum_j J_ij - B_i b_i  (SPEC A4)
    theta[i] = alpha[i] * (Bn + Bprev) + Bn * sJ - (alpha[i] + sJ) * b[i];
  }
  return { ...geometry, alpha, J, theta };
}

/**
 * The general TTFS network with J = w of `relu` (copied), alpha = 1 and A4's thresholds, on
 * the given intervals.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initReluMlp } from "../nn/mlp.ts";
 * import { scratchIntervals } from "./intervals.ts";
 * import { naiveTtfsNetwork } from "./naive_init.ts";
 * const relu = initReluMlp([4, 3, 2], new Rng(0));
 * const snn = naiveTtfsNetwork(relu, scratchIntervals(1));
 * console.log(snn.hidden[0].alpha); // Float64Array [1, 1, 1]
 * ```
 */
// spec A7.1
export function naiveTtfsNetwork(
  relu: ReluMlp,
  intervals: CodingIntervals,
  alpha: NaiveAlpha = "one",
): GeneralNetwork {
  assertDense(relu.layers, "the naive initialization");
  validateIntervals(intervals);
  const { tmin, tmax } = intervals;
  if (tmin.length !== relu.layers.length) {
    throw new ShapeError(
      `${tmin.length} coding intervals for ${relu.layers.length - 1} hidden layers + input`,
    );
  }
  const hidden = relu.layers.slice(0, -1).map((l, k) =>
    naiveLayer(l, tmax[k] - tmin[k], tmax[k + 1] - tmin[k + 1], alpha)
  );
  const { w, b, ...last } = relu.layers[relu.layers.length - 1];
  return {
    hidden,
    readout: { ...last, W: w.slice(), D: b.slice() },
    intervals: { tmin: [...tmin], tmax: [...tmax] },
  };
}

/** The result of {@link naiveInit}. */
export interface NaiveInit {
  /** The naive network. */
  snn: GeneralNetwork;
  /** How many times each hidden interval was doubled beyond (1 + zeta) X(n) (0 for scratch). */
  doublings: number[];
}

/** Options of {@link naiveInit}. */
export interface NaiveInitOptions {
  /**
   * "calibrated" (default): the mapping's rule (`mapReluExactly`) on x, so that every neuron
   * with B_i > 0 fires after all its inputs; "scratch": X(n) = 1000 for every layer (SPEC A1).
   */
  intervals?: "calibrated" | "scratch";
  /** Interval margin zeta (default INTERVAL_ZETA, 0.5: SPEC A1). */
  zeta?: number;
}

const MAX_DOUBLINGS = 1000; // 1500 * 2^1000 is still a finite float64

/**
 * The naive network of `relu`, its intervals set on x [count, nIn] (values in [0, 1]).
 * "calibrated", layer by layer: with interval n long enough (doubled from 1500) that no neuron
 * with B_i > 0 fires before tmin(n), X(n) = the largest tmax(n) - t_i of those neurons (it does
 * not depend on the length then); the length is (1 + zeta) X(n), doubled until that holds again.
 * A neuron with B_i <= 0 can only fire before its last input, so it is left out of X and of the
 * check; with A4's threshold it usually fires at tmin(n-1), the largest activation of the layer.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initReluMlp } from "../nn/mlp.ts";
 * import { naiveInit } from "./naive_init.ts";
 * const relu = initReluMlp([4, 3, 2], new Rng(0));
 * console.log(naiveInit(relu, new Float64Array(4).fill(0.5), 1).doublings.length); // 1
 * ```
 */
// spec A7.1
export function naiveInit(
  relu: ReluMlp,
  x: Float64Array,
  count: number,
  options: NaiveInitOptions = {},
): NaiveInit {
  assertDense(relu.layers, "the naive initialization");
  const hiddenLayers = relu.layers.slice(0, -1), zeta = options.zeta ?? INTERVAL_ZETA;
  if (options.intervals === "scratch") {
    const intervals = scratchIntervals(hiddenLayers.length, zeta);
    return { snn: naiveTtfsNetwork(relu, intervals), doublings: hiddenLayers.map(() => 0) };
  }
  let tPrev = encodeInput(x), tminPrev = 0, tmaxPrev = 1;
  const lengths: number[] = [], doublings: number[] = [];
  for (const [k, layer] of hiddenLayers.entries()) {
    const slopes = fullSlopes([naiveLayer(layer, 1, 1, "one")])[0];
    // spike times of layer k+1 alone, on an interval of length Bn
    const times = (Bn: number) => {
      const net: GeneralNetwork = {
        hidden: [naiveLayer(layer, tmaxPrev - tminPrev, Bn, "one")],
        readout: { nIn: layer.nOut, nOut: 0, W: new Float64Array(0), D: new Float64Array(0) },
        intervals: { tmin: [tminPrev, tmaxPrev], tmax: [tmaxPrev, tmaxPrev + Bn] },
      };
      return generalForward(net, tPrev, count).spikeTimes[1];
    };
    const early = (t: Float64Array) =>
      t.some((ti, r) => slopes[r % layer.nOut] > 0 && ti < tmaxPrev);
    const widen = (Bn: number, counter: { n: number }) => {
      let t = times(Bn);
      while (early(t)) {
        if (++counter.n > MAX_DOUBLINGS) {
          throw new ValueError(`layer ${k + 1}: neurons still fire before tmin(n) after doubling`);
        }
        t = times(Bn *= 2);
      }
      return { Bn, t };
    };
    // from the scratch length, or 1e-6 of tmin(n) where that is longer (as `chainIntervals`)
    const floor = 1e-6 * Math.max(1, tmaxPrev);
    const probe = widen((1 + zeta) * Math.max(1000, floor), { n: 0 });
    let X = 0;
    probe.t.forEach((ti, r) => {
      if (slopes[r % layer.nOut] > 0) X = Math.max(X, tmaxPrev + probe.Bn - ti);
    });
    const counter = { n: 0 };
    const final = widen((1 + zeta) * Math.max(X, floor), counter);
    lengths.push(final.Bn);
    doublings.push(counter.n);
    [tPrev, tminPrev, tmaxPrev] = [final.t, tmaxPrev, tmaxPrev + final.Bn];
  }
  return { snn: naiveTtfsNetwork(relu, chainLengths(lengths)), doublings };
}

/**
 * The slopes B_i = alpha_i + sum_j J_ij of every hidden neuron (all inputs counted), per layer.
 *
 * @example
 * ```ts
 * import { fullSlopes } from "./naive_init.ts";
 * const layer = { nIn: 2, nOut: 1, alpha: new Float64Array([1]), J: new Float64Array([0.5, -1]), theta: new Float64Array([1]) };
 * console.log(fullSlopes([layer])[0]); // Float64Array [0.5]
 * ```
 */
// spec A7.1
export function fullSlopes(hidden: GeneralNetwork["hidden"]): Float64Array[] {
  assertDense(hidden, "the slopes");
  return hidden.map(({ alpha, J }) => {
    const C = alpha.length, K = J.length / C, B = new Float64Array(C);
    for (let i = 0; i < C; i++) {
      let s = alpha[i];
      for (let j = 0; j < K; j++) s += J[i * K + j];
      B[i] = s;
    }
    return B;
  });
}
