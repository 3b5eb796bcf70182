/**
 * Coding intervals (SPEC A1). Layer n codes its activations as spike times in
 * [tmin(n), tmax(n)]; the input layer uses [0, 1]; layers chain:
 *
 *   tmin(n) = tmax(n-1),   tmax(n) = tmin(n) + (1 + zeta) X(n)
 *
 * with X(n) the largest ReLU activation of layer n (1000 when training from scratch).
 * Index n = 0 is the input layer, 1..L-1 the spiking hidden layers; the readout layer L
 * reads its membrane potential at tmin(L) = tmax(L-1) (SPEC A6).
 *
 * Widening (after each optimizer step, as the reference code does):
 *   tmax(n) <- tmin(n) + max(tmax(n) - tmin(n), 10 (tmax(n) - min_batch t_i))
 * Since tmax(n) - t_i is the activation x_i, the batch term is 10 max_batch x_i; intervals
 * never shrink, and later layers shift so that the chain holds.
 *
 * @module
 */
import { IntervalError } from "../errors.ts";

/** Per-layer coding intervals; index 0 is the input layer. */
export interface CodingIntervals {
  /** Start of each layer's coding window; tmin[n] = tmax[n - 1] for n >= 1. */
  tmin: number[];
  /** End of each layer's coding window: a neuron that has not fired by tmax[n] is silent. */
  tmax: number[];
}

/**
 * Throws {@link IntervalError} unless every interval is finite, non-empty and chained.
 *
 * @example
 * ```ts
 * import { validateIntervals } from "./intervals.ts";
 * validateIntervals({ tmin: [0, 1], tmax: [1, 2.5] }); // ok
 * ```
 */
export function validateIntervals(iv: CodingIntervals): void {
  if (iv.tmin.length !== iv.tmax.length || iv.tmin.length < 1) {
    throw new IntervalError(`tmin has ${iv.tmin.length} entries, tmax ${iv.tmax.length}`);
  }
  for (let n = 0; n < iv.tmin.length; n++) {
    const a = iv.tmin[n], b = iv.tmax[n];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new IntervalError(`coding interval ${n} is [${a}, ${b}]; bounds must be finite`);
    }
    if (!(a < b)) {
      throw new IntervalError(`coding interval ${n} is [${a}, ${b}]: empty or inverted`);
    }
    if (n > 0 && a !== iv.tmax[n - 1]) {
      throw new IntervalError(`tmin(${n}) = ${a} but tmax(${n - 1}) = ${iv.tmax[n - 1]}`);
    }
  }
}

/**
 * The interval margin zeta of SPEC A1: tmax(n) = tmin(n) + (1 + zeta) X(n).
 *
 * @example
 * ```ts
 * import { INTERVAL_ZETA } from "./intervals.ts";
 * console.log(INTERVAL_ZETA); // 0.5
 * ```
 */
export const INTERVAL_ZETA = 0.5;

/**
 * X(n) of every hidden layer when training from scratch (SPEC A1): intervals 1500 long.
 *
 * @example
 * ```ts
 * import { SCRATCH_ACTIVATION } from "./intervals.ts";
 * console.log(SCRATCH_ACTIVATION); // 1000
 * ```
 */
export const SCRATCH_ACTIVATION = 1000;

/**
 * Chain intervals from the largest activation X(n) of each hidden layer: input [0, 1], then
 * tmax(n) = tmin(n) + (1 + zeta) X(n). X(n) is floored at 1e-6 max(1, |tmin(n)|), so that a
 * layer that never fires (X = 0), or barely fires, still gets an interval that float64 can
 * tell from a point; activations below that floor are lost to round-off in a spike time anyway.
 *
 * @example
 * ```ts
 * import { chainIntervals } from "./intervals.ts";
 * console.log(chainIntervals([1000])); // { tmin: [0, 1], tmax: [1, 1501] }
 * ```
 */
// spec A1
export function chainIntervals(X: number[], zeta: number = INTERVAL_ZETA): CodingIntervals {
  if (!(zeta >= 0) || !Number.isFinite(zeta)) throw new IntervalError(`zeta = ${zeta}; need >= 0`);
  const tmin = [0], tmax = [1];
  for (let n = 1; n <= X.length; n++) {
    const x = X[n - 1];
    if (!Number.isFinite(x)) throw new IntervalError(`X(${n}) = ${x} is not finite`);
    tmin.push(tmax[n - 1]);
    tmax.push(tmin[n] + (1 + zeta) * Math.max(x, 1e-6 * Math.max(1, Math.abs(tmin[n]))));
  }
  return { tmin, tmax };
}

/**
 * Chain hidden intervals of the given lengths after the input interval [0, 1].
 *
 * @example
 * ```ts
 * import { chainLengths } from "./intervals.ts";
 * console.log(chainLengths([2, 3])); // { tmin: [0, 1, 3], tmax: [1, 3, 6] }
 * ```
 */
// spec A1
export function chainLengths(lengths: number[]): CodingIntervals {
  const tmin = [0], tmax = [1];
  for (let n = 1; n <= lengths.length; n++) {
    tmin.push(tmax[n - 1]);
    tmax.push(tmin[n] + lengths[n - 1]);
  }
  return { tmin, tmax };
}

/**
 * The lengths tmax(n) - tmin(n) of the hidden intervals: the inverse of {@link chainLengths}.
 *
 * @example
 * ```ts
 * import { intervalLengths } from "./intervals.ts";
 * console.log(intervalLengths({ tmin: [0, 1, 3], tmax: [1, 3, 6] })); // [2, 3]
 * ```
 */
export function intervalLengths(iv: CodingIntervals): number[] {
  return iv.tmax.slice(1).map((t, k) => t - iv.tmin[k + 1]);
}

/**
 * Intervals for training from scratch: X(n) = 1000 for every hidden layer (SPEC A1).
 *
 * @example
 * ```ts
 * import { scratchIntervals } from "./intervals.ts";
 * console.log(scratchIntervals(2).tmax); // [1, 1501, 3001]
 * ```
 */
// spec A1
export function scratchIntervals(
  hiddenLayers: number,
  zeta: number = INTERVAL_ZETA,
  X0: number = SCRATCH_ACTIVATION,
): CodingIntervals {
  return chainIntervals(new Array(hiddenLayers).fill(X0), zeta);
}

/**
 * Widen after an optimizer step. `maxActivation[n-1]` is max over the batch of tmax(n) - t_i
 * for hidden layer n. Returns new intervals; the input interval stays [0, 1].
 *
 * @example
 * ```ts
 * import { widenIntervals } from "./intervals.ts";
 * const iv = widenIntervals({ tmin: [0, 1], tmax: [1, 3] }, [0.5]);
 * console.log(iv.tmax); // [1, 6]
 * ```
 */
// spec A1
export function widenIntervals(
  iv: CodingIntervals,
  maxActivation: number[],
  factor = 10,
): CodingIntervals {
  if (maxActivation.length !== iv.tmin.length - 1) {
    throw new IntervalError(
      `${maxActivation.length} activations for ${iv.tmin.length - 1} hidden layers`,
    );
  }
  const lengths = intervalLengths(iv);
  return chainLengths(lengths.map((len, k) => Math.max(len, factor * maxActivation[k])));
}
