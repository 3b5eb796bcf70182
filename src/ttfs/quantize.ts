/**
 * Weight fake-quantization (SPEC A10): k bits on [w_min, w_max], 2^k evenly spaced levels,
 * round to nearest. With `outlierFraction` > 0 the range is the [f, 1 - f] quantile range
 * instead, and weights outside it are clipped to it ("after removing outliers").
 *
 * @module
 */
import { OptionError } from "../errors.ts";

/**
 * The quantization range of a weight array: [min, max], or the [f, 1 - f] quantiles.
 *
 * @example
 * ```ts
 * import { weightRange } from "./quantize.ts";
 * console.log(weightRange(new Float64Array([-1, 0, 3]))); // [-1, 3]
 * ```
 */
// spec A10.2
export function weightRange(W: Float64Array, outlierFraction = 0): [number, number] {
  if (!(outlierFraction >= 0 && outlierFraction < 0.5)) {
    throw new OptionError(`outlier fraction ${outlierFraction} must be in [0, 0.5)`);
  }
  const sorted = Float64Array.from(W).sort();
  const k = Math.floor(outlierFraction * (sorted.length - 1));
  return [sorted[k], sorted[sorted.length - 1 - k]];
}

/**
 * Round every weight to the nearest of 2^bits levels spanning [lo, hi] (clipping outside).
 *
 * @example
 * ```ts
 * import { quantizeWeights } from "./quantize.ts";
 * console.log(quantizeWeights(new Float64Array([0.1, 0.4, 0.9]), 1, 0, 1)); // Float64Array [0, 0, 1]
 * ```
 */
// spec A10.2
export function quantizeWeights(
  W: Float64Array,
  bits: number,
  lo: number,
  hi: number,
): Float64Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 24) {
    throw new OptionError(`bits = ${bits}; need 1..24`);
  }
  if (!(hi >= lo)) throw new OptionError(`quantization range [${lo}, ${hi}] is inverted`);
  const step = (hi - lo) / (2 ** bits - 1), out = new Float64Array(W.length);
  for (let k = 0; k < W.length; k++) {
    const w = Math.min(hi, Math.max(lo, W[k]));
    out[k] = step > 0 ? lo + Math.round((w - lo) / step) * step : lo;
  }
  return out;
}
