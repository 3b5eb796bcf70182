/**
 * Input encoding (SPEC A2): a value x in [p, q] spikes at t(0) = 1 - (x - p) / (q - p), inside
 * the input coding interval [0, 1]. Larger values spike earlier; x = p spikes at tmax(0) = 1,
 * which codes activation 0. Fashion-MNIST: x = pixel / 255, p = 0, q = 1.
 *
 * @module
 */
import { IntervalError, ValueError } from "../errors.ts";

/**
 * Throws a ValueError naming the first value of `x` outside [p, q] (NaN included); returns
 * `x`. The check of {@link encodeInput}, for the paths that take raw inputs (a backend's own
 * training step).
 *
 * @example
 * ```ts
 * import { checkCodingRange } from "./encoding.ts";
 * checkCodingRange(new Float64Array([0, 0.5, 1])); // fine
 * ```
 */
export function checkCodingRange<T extends ArrayLike<number>>(x: T, p = 0, q = 1): T {
  for (let k = 0; k < x.length; k++) {
    const v = x[k];
    if (!(v >= p && v <= q)) {
      throw new ValueError(`input[${k}] = ${v} is outside the coding range [${p}, ${q}]`);
    }
  }
  return x;
}

/**
 * Encode values as input spike times.
 *
 * @example
 * ```ts
 * import { encodeInput } from "./encoding.ts";
 * console.log(encodeInput(new Float64Array([0, 0.25, 1]))); // Float64Array [1, 0.75, 0]
 * ```
 */
// spec A2
export function encodeInput(x: ArrayLike<number>, p = 0, q = 1): Float64Array {
  if (!Number.isFinite(p) || !Number.isFinite(q) || !(p < q)) {
    throw new IntervalError(`input range [${p}, ${q}] is empty or inverted`);
  }
  checkCodingRange(x, p, q);
  const t = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) t[k] = 1 - (x[k] - p) / (q - p);
  return t;
}
