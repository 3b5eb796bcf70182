/**
 * How the claims measure a difference: absolute and relative array differences, and hand-written
 * gradients against central finite differences away from the kinks.
 *
 * @module
 */
import type { Rng } from "../nn/rng.ts";

/**
 * max |a - b| over two arrays of the same length.
 *
 * @example
 * ```ts
 * import { maxAbsDiff } from "./compare.ts";
 * console.log(maxAbsDiff([1, 2], [1, 2.5])); // 0.5
 * ```
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/**
 * max |a| over an array.
 *
 * @example
 * ```ts
 * import { maxAbs } from "./compare.ts";
 * console.log(maxAbs([1, -3])); // 3
 * ```
 */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

/**
 * max |a - b| / max(1, max |b|): a difference relative to the scale of `want`, absolute below 1.
 *
 * @example
 * ```ts
 * import { scaledDiff } from "./compare.ts";
 * console.log(scaledDiff([10, 0], [20, 0])); // 0.5
 * ```
 */
export function scaledDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  return maxAbsDiff(got, want) / Math.max(1, maxAbs(want));
}

/**
 * max |a - b| / max |b| (the plain difference when b is all zero): relative difference.
 *
 * @example
 * ```ts
 * import { relDiff } from "./compare.ts";
 * console.log(relDiff([1, 2], [1, 4])); // 0.5
 * ```
 */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let k = 0; k < a.length; k++) {
    (d = Math.max(d, Math.abs(a[k] - b[k]))), (m = Math.max(m, Math.abs(b[k])));
  }
  return m === 0 ? d : d / m;
}

/**
 * The worst relative difference over lists of arrays (per array, then the max).
 *
 * @example
 * ```ts
 * import { worstRel } from "./compare.ts";
 * console.log(worstRel([new Float64Array([1]), new Float64Array([3])], [new Float64Array([1]), new Float64Array([4])])); // 0.25
 * ```
 */
export function worstRel(a: Float64Array[], b: Float64Array[]): number {
  return a.reduce((w, x, k) => Math.max(w, relDiff(x, b[k])), 0);
}

/**
 * max over arrays of max |a - b|, divided by the largest |b| anywhere: one scale for all.
 *
 * @example
 * ```ts
 * import { globalRel } from "./compare.ts";
 * console.log(globalRel([new Float64Array([1]), new Float64Array([3])], [new Float64Array([1]), new Float64Array([4])])); // 0.25
 * ```
 */
export function globalRel(a: Float64Array[], b: Float64Array[]): number {
  let d = 0, m = 0;
  a.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) {
      (d = Math.max(d, Math.abs(x[i] - b[k][i]))), (m = Math.max(m, Math.abs(b[k][i])));
    }
  });
  return m === 0 ? d : d / m;
}

/** The outcome of a finite-difference check: the worst entry and how many were compared. */
export interface GradientCheck {
  /** max over compared entries of |fd - g| / (1e-6 + 1e-5 |g|): at most 1 passes. */
  error: number;
  /** Entries compared (those away from a kink). */
  compared: number;
}

/**
 * Compare hand-written gradients with central finite differences (h = 1e-6 max(1, |p|)) on up
 * to `perArray` random entries of every parameter array. `signature` describes the piecewise
 * region (which neurons fire, which inputs are causal); entries whose +-h perturbation leaves
 * the region sit at a kink, where no derivative exists, and are skipped. The error of an entry
 * is |fd - g| / (1e-6 + 1e-5 |g|), so 1 is the tolerance 1e-6 absolute + 1e-5 relative.
 *
 * @example
 * ```ts
 * import { checkGradients } from "./compare.ts";
 * import { Rng } from "../nn/rng.ts";
 * const p = new Float64Array([2]);
 * const r = checkGradients([p], [new Float64Array([4])], () => p[0] ** 2, () => "", new Rng(1));
 * console.log(r.compared, r.error < 1); // 1 true
 * ```
 */
export function checkGradients(
  params: Float64Array[],
  grads: Float64Array[],
  loss: () => number,
  signature: () => string,
  rng: Rng,
  perArray = 6,
): GradientCheck {
  const base = signature();
  let compared = 0, error = 0;
  params.forEach((p, a) => {
    for (let r = 0; r < Math.min(perArray, p.length); r++) {
      const k = rng.int(p.length), v = p[k], h = 1e-6 * Math.max(1, Math.abs(v));
      p[k] = v + h;
      const up = loss(), sUp = signature();
      p[k] = v - h;
      const down = loss(), sDown = signature();
      p[k] = v;
      if (sUp !== base || sDown !== base) continue;
      const fd = (up - down) / (2 * h), g = grads[a][k];
      const e = Math.abs(fd - g) / (1e-6 + 1e-5 * Math.abs(g));
      error = Number.isNaN(e) ? NaN : Math.max(error, e);
      compared++;
    }
  });
  return { error, compared };
}
