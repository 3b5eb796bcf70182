/**
 * hypot(a, b) = sqrt(a^2 + b^2) with the same bits in every engine (JavaScriptCore's
 * Math.hypot differs from V8's by up to 2 ulp). Not an fdlibm port: the sum of squares is
 * carried exactly as hi + lo (Dekker products), then one Newton step corrects the
 * correctly rounded sqrt(hi):
 *
 *   a^2 + b^2 = hi + lo,  y = sqrt(hi),  hypot ~ y + (hi - y^2 + lo) / (2 y)
 *
 * with y^2 exact by Dekker too; error about 0.5 ulp. Arguments above 2^500 or below 2^-500 are
 * first scaled by 2^-600 or 2^600 (exact), so nothing overflows or underflows in between.
 *
 * @module
 */
import { twoProduct } from "./bits.ts";

const BIG = 2 ** 500, SMALL = 2 ** -500, DOWN = 2 ** -600, UP = 2 ** 600;

/**
 * sqrt(a^2 + b^2), ECMAScript's special cases (Infinity if either is infinite, else NaN if
 * either is NaN), about 0.5 ulp; the same bits in Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { hypot } from "./hypot.ts";
 * console.log(hypot(3, 4), hypot(1e300, 1e300)); // 5 1.4142135623730952e+300
 * ```
 */
export function hypot(a: number, b: number): number {
  if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) return Infinity;
  if (a !== a || b !== b) return NaN;
  a = Math.abs(a);
  b = Math.abs(b);
  if (a < b) [a, b] = [b, a];
  if (b === 0) return a;
  let scale = 1;
  if (a > BIG) (a *= DOWN), (b *= DOWN), (scale = UP);
  else if (a < SMALL) (a *= UP), (b *= UP), (scale = DOWN);
  const [p1, e1] = twoProduct(a, a), [p2, e2] = twoProduct(b, b);
  const hi = p1 + p2, lo = (((p1 - hi) + p2) + e1) + e2; // p1 >= p2: (p1 - hi) + p2 exact
  const y = Math.sqrt(hi); // correctly rounded in every engine (IEEE 754)
  const [q, f] = twoProduct(y, y);
  return (y + (((hi - q) - f) + lo) / (2 * y)) * scale;
}
