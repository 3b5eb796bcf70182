/**
 * The B = 1 model (SPEC A5) as physical neurons: the general neuron of SPEC A3 (`neuron.ts`),
 * whose potential ramps from tmin(n-1),
 *
 *   V_i(t) = alpha_i (t - tmin(n-1)) + sum_j J_ij (t - t_j)_+ ,
 *
 * with J = W, alpha_i = 1 - sum_j W_ij, and firing blocked before tmin(n) (the window of
 * layer n opens at tmin(n) = tmax(n-1)). Derivation of the threshold: every input of layer n
 * arrives in [tmin(n-1), tmin(n)] (a silent input at tmin(n)), so from tmin(n) on all of them
 * are causal and
 *
 *   V_i(t) = (alpha_i + sum_j W_ij) t - alpha_i tmin(n-1) - sum_j W_ij t_j
 *          = t - alpha_i tmin(n-1) - sum_j W_ij t_j             (slope exactly 1).
 *
 * V_i = theta_i at the B = 1 time t_i = tmax(n) - D_i - sum_j W_ij (tmin(n) - t_j) when
 *
 *   theta_i = tmax(n) - tmin(n) - D_i + alpha_i (tmin(n) - tmin(n-1)).
 *
 * The form tmax(n) - tmin(n) - D_i, without the last term, is the threshold of a ramp that
 * starts at tmin(n); for this neuron, whose ramp starts at tmin(n-1), it is off by
 * alpha_i (tmin(n) - tmin(n-1)). We keep the A3 neuron (its ramp from tmin(n-1)) and correct
 * theta. The block matters either way: before tmin(n) only some inputs have arrived, the slope
 * is alpha_i + sum_{j in C} W_ij != 1, and V can touch theta early. With it the neuron fires at
 * max(t_i, tmin(n)) if that is before tmax(n), else never: the B = 1 closed form with its
 * activations clipped at B_n = tmax(n) - tmin(n) (`B1Hardware.clipAtTmin`), which the
 * intervals of SPEC A1 (wider than every activation) never reach. Claim
 * `ttfs.b1-general-neuron` checks it against the event-driven simulation.
 *
 * Layout: as `GeneralLayer` (J [nOut, nIn] row-major; alpha, theta [nOut]); dense layers.
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import { assertDense } from "../nn/layer.ts";
import type { B1Layer } from "./b1.ts";
import type { GeneralLayer } from "./general.ts";
import type { CodingIntervals } from "./intervals.ts";
import { type SimulatedSpike, simulateSpike } from "./neuron.ts";

/**
 * Hidden layer n (1-based) of a B = 1 network as general neurons: J = W, alpha_i = 1 -
 * sum_j W_ij, theta_i = tmax(n) - tmin(n) - D_i + alpha_i (tmin(n) - tmin(n-1)).
 *
 * @example
 * ```ts
 * import { b1AsGeneralLayer } from "./b1_neuron.ts";
 * const layer = { nIn: 1, nOut: 1, W: new Float64Array([0.5]), D: new Float64Array([0]) };
 * const g = b1AsGeneralLayer(layer, { tmin: [0, 1], tmax: [1, 3] }, 1);
 * console.log(g.alpha[0], g.theta[0]); // 0.5 2.5
 * ```
 */
// spec A5.1
export function b1AsGeneralLayer(
  layer: B1Layer,
  intervals: CodingIntervals,
  n: number,
): GeneralLayer {
  assertDense([layer], "b1AsGeneralLayer");
  const { tmin, tmax } = intervals;
  if (!(n >= 1 && n < tmin.length)) {
    throw new ShapeError(`layer ${n}: the intervals cover hidden layers 1..${tmin.length - 1}`);
  }
  const { nIn, nOut, W, D } = layer, alpha = new Float64Array(nOut), theta = new Float64Array(nOut);
  for (let i = 0; i < nOut; i++) {
    let sW = 0;
    for (let j = 0; j < nIn; j++) sW += W[i * nIn + j];
    alpha[i] = 1 - sW; // slope alpha_i + sum_j W_ij = 1 once every input has arrived
    theta[i] = tmax[n] - tmin[n] - D[i] + alpha[i] * (tmin[n] - tmin[n - 1]);
  }
  return { nIn, nOut, alpha, J: W.slice(), theta };
}

/**
 * Event-driven spike of neuron i of such a layer, for one sample's input times tIn [nIn]:
 * the potential ramps from tmin(n-1), firing is allowed from tmin(n) on.
 *
 * @example
 * ```ts
 * import { b1AsGeneralLayer, simulateB1Neuron } from "./b1_neuron.ts";
 * const layer = { nIn: 1, nOut: 1, W: new Float64Array([0.5]), D: new Float64Array([0]) };
 * const iv = { tmin: [0, 1], tmax: [1, 3] };
 * // x = 1 - t = 0.6, so t_1 = tmax(1) - 0.5 * 0.6 = 2.7, at slope 1
 * console.log(simulateB1Neuron(b1AsGeneralLayer(layer, iv, 1), iv, 1, 0, [0.4]));
 * ```
 */
// spec A5.1
export function simulateB1Neuron(
  layer: GeneralLayer,
  intervals: CodingIntervals,
  n: number,
  i: number,
  tIn: ArrayLike<number>,
): SimulatedSpike {
  const { tmin, tmax } = intervals, J = layer.J.subarray(i * layer.nIn, (i + 1) * layer.nIn);
  return simulateSpike(tIn, J, layer.alpha[i], layer.theta[i], tmin[n - 1], tmax[n], tmin[n]);
}
