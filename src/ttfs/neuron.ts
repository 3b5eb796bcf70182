/**
 * The general TTFS neuron with linear postsynaptic potentials, no leak (SPEC A3):
 *
 *   V_i(t) = alpha_i (t - tmin(n-1)) + sum_j J_ij (t - t_j)_+ ,   t >= tmin(n-1)
 *
 * It spikes once, when V_i first reaches theta_i, and never after tmax(n) (then it is silent
 * and t_i = tmax(n)). Over the causal set C of inputs that arrived before the spike:
 *
 *   t_i = (sum_{j in C} J_ij t_j + theta_i + alpha_i tmin(n-1)) / B_i,
 *   B_i = alpha_i + sum_{j in C} J_ij   (the slope of V at threshold).
 *
 * Two independent evaluations live here: `spikeTime` (the closed form over sorted prefixes)
 * and `simulateSpikeTime` (walks V(t) from event to event). `membranePotential` is V by
 * definition, for tests. A neuron already at threshold when its window opens (V(tmin(n-1))
 * >= theta) fires at tmin(n-1); its time then depends on no parameter, so B = Infinity.
 *
 * @module
 */

/** The spike of one neuron. */
export interface Spike {
  /** Spike time, or tmax(n) when silent. */
  t: number;
  /** Whether it fired before tmax(n). */
  fired: boolean;
  /** |C|: the causal inputs are the first `causal` entries of the sorted order. */
  causal: number;
  /** B_i, the slope at threshold (Infinity when pinned at tmin(n-1)). */
  slope: number;
}

/**
 * Indices of t[off .. off+n) sorted by time (stable), relative to `off`.
 *
 * @example
 * ```ts
 * import { argsortTimes } from "./neuron.ts";
 * console.log(argsortTimes(new Float64Array([3, 1, 2]))); // Int32Array [1, 2, 0]
 * ```
 */
export function argsortTimes(t: ArrayLike<number>, off = 0, n?: number): Int32Array {
  n ??= t.length - off;
  const idx = Array.from({ length: n }, (_, k) => k);
  idx.sort((a, b) => t[off + a] - t[off + b] || a - b);
  return Int32Array.from(idx);
}

/**
 * Closed-form spike time (SPEC A3): accept the first sorted prefix whose candidate time is
 * no later than the next input and whose slope is positive; clip at tmax.
 * J is read at J[jOff + j]; `order` (from {@link argsortTimes}) may be shared by a layer.
 *
 * @example
 * ```ts
 * import { spikeTime } from "./neuron.ts";
 * // one input at t = 0 with J = 1, alpha = 1, theta = 2: V = 2t, so t = 1
 * console.log(spikeTime([0], [1], 1, 2, 0, 10).t); // 1
 * ```
 */
// spec A3
export function spikeTime(
  tIn: ArrayLike<number>,
  J: ArrayLike<number>,
  alpha: number,
  theta: number,
  tminPrev: number,
  tmax: number,
  order: ArrayLike<number> = argsortTimes(tIn),
  jOff = 0,
): Spike {
  const n = order.length;
  let k = 0, sJ = 0, sJt = 0;
  for (; k < n && tIn[order[k]] <= tminPrev; k++) {
    sJ += J[jOff + order[k]];
    sJt += J[jOff + order[k]] * tIn[order[k]];
  }
  if (sJ * tminPrev - sJt >= theta) {
    return tminPrev < tmax
      ? { t: tminPrev, fired: true, causal: k, slope: Infinity }
      : { t: tmax, fired: false, causal: 0, slope: alpha + sJ };
  }
  for (;; k++) {
    const next = k < n ? tIn[order[k]] : Infinity;
    const slope = alpha + sJ;
    if (slope > 0) {
      const t = (sJt + theta + alpha * tminPrev) / slope;
      if (t <= next) {
        return t < tmax
          ? { t, fired: true, causal: k, slope }
          : { t: tmax, fired: false, causal: k, slope };
      }
    }
    if (next >= tmax) return { t: tmax, fired: false, causal: k, slope };
    sJ += J[jOff + order[k]];
    sJt += J[jOff + order[k]] * tIn[order[k]];
  }
}

/** What {@link simulateSpike} found: the spike time and V's slope there. */
export interface SimulatedSpike {
  /** The first time V reaches theta at or after the window opens, or tmax (silent). */
  t: number;
  /** dV/dt on the segment where V reached theta: alpha plus the J of the inputs arrived. */
  slope: number;
}

/**
 * Event-driven simulation: carry V(t) and its slope from one input spike to the next and
 * interpolate inside the segment where V first reaches theta. Independent of `spikeTime`.
 * The potential ramps from tmin(n-1); the neuron may fire only from `open` on (default
 * tmin(n-1)); a neuron already at threshold when its window opens fires at `open`.
 *
 * @example
 * ```ts
 * import { simulateSpike } from "./neuron.ts";
 * // V = 2t from t = 0, but firing is blocked before t = 3: V(3) = 6 >= 2, so it fires at 3
 * console.log(simulateSpike([0], [1], 1, 2, 0, 10, 3)); // { t: 3, slope: 2 }
 * ```
 */
// spec A3
export function simulateSpike(
  tIn: ArrayLike<number>,
  J: ArrayLike<number>,
  alpha: number,
  theta: number,
  tminPrev: number,
  tmax: number,
  open: number = tminPrev,
): SimulatedSpike {
  const events = Array.from({ length: tIn.length }, (_, j) => ({ t: tIn[j], J: J[j] }))
    .sort((a, b) => a.t - b.t);
  let s = open, v = alpha * (open - tminPrev), slope = alpha, e = 0;
  for (; e < events.length && events[e].t <= open; e++) {
    v += events[e].J * (open - events[e].t);
    slope += events[e].J;
  }
  if (v >= theta) return { t: open < tmax ? open : tmax, slope };
  for (;;) {
    const end = e < events.length ? Math.min(events[e].t, tmax) : tmax;
    const vEnd = v + slope * (end - s);
    if (vEnd >= theta) return { t: Math.min(s + (theta - v) / slope, tmax), slope };
    if (end >= tmax) return { t: tmax, slope };
    s = end;
    v = vEnd;
    slope += events[e++].J;
  }
}

/**
 * The spike time of {@link simulateSpike} with the window open from tmin(n-1) (SPEC A3).
 *
 * @example
 * ```ts
 * import { simulateSpikeTime } from "./neuron.ts";
 * console.log(simulateSpikeTime([0], [1], 1, 2, 0, 10)); // 1
 * ```
 */
// spec A3
export function simulateSpikeTime(
  tIn: ArrayLike<number>,
  J: ArrayLike<number>,
  alpha: number,
  theta: number,
  tminPrev: number,
  tmax: number,
): number {
  return simulateSpike(tIn, J, alpha, theta, tminPrev, tmax).t;
}

/**
 * V_i(t) by definition: alpha (t - tmin(n-1)) + sum_j J_j (t - t_j)_+.
 *
 * @example
 * ```ts
 * import { membranePotential } from "./neuron.ts";
 * console.log(membranePotential(1, [0], [1], 1, 0)); // 2
 * ```
 */
// spec A3
export function membranePotential(
  t: number,
  tIn: ArrayLike<number>,
  J: ArrayLike<number>,
  alpha: number,
  tminPrev: number,
): number {
  let v = alpha * (t - tminPrev);
  for (let j = 0; j < tIn.length; j++) if (t > tIn[j]) v += J[j] * (t - tIn[j]);
  return v;
}
