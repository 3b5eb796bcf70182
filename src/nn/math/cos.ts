/**
 * cos(2 pi u) with the same bits in every engine, for Box-Muller normals (`Rng.normal`):
 * fdlibm's kernel polynomials (k_cos.c, k_sin.c; Sun Microsystems, 1993; freely
 * redistributable) after an exact reduction in turns, so no large-argument reduction is needed.
 *
 *   1. r = |u - round(u)| in [0, 1/2] (exact), q = round(4 r), v = r - q/4 in [-1/8, 1/8] (exact).
 *   2. theta = 2 pi v = hi + lo, |theta| <= pi/4, from Dekker's exact product with 2 pi's
 *      high part plus v times its tail.
 *   3. cos(2 pi u) = cos(theta), -sin(theta), -cos(theta) for q = 0, 1, 2, with
 *      cos(x + y) ~ 1 - x^2/2 + x^4 C(x^2) - x y and sin(x + y) ~ x + x^3 S(x^2) + (1 - x^2/2) y
 *      (C1..C6, S1..S6 minimax on [0, pi/4], error < 2^-58).
 *
 * @module
 */
import { clearLowWord, fromWords, twoProduct } from "./bits.ts";

const TWO_PI_HI = fromWords(0x401921fb, 0x54442d18); // 2 pi rounded to double
const TWO_PI_LO = fromWords(0x3cb1a626, 0x33145c07); // 2 pi - TWO_PI_HI
const C1 = fromWords(0x3fa55555, 0x5555554c); // 4.16666666666666019037e-02
const C2 = fromWords(0xbf56c16c, 0x16c15177); // -1.38888888888741095749e-03
const C3 = fromWords(0x3efa01a0, 0x19cb1590); // 2.48015872894767294178e-05
const C4 = fromWords(0xbe927e4f, 0x809c52ad); // -2.75573143513906633035e-07
const C5 = fromWords(0x3e21ee9e, 0xbdb4b1c4); // 2.08757232129817482790e-09
const C6 = fromWords(0xbda8fae9, 0xbe8838d4); // -1.13596475577881948265e-11
const S1 = fromWords(0xbfc55555, 0x55555549); // -1.66666666666666324348e-01
const S2 = fromWords(0x3f811111, 0x1110f8a6); // 8.33333333332248946124e-03
const S3 = fromWords(0xbf2a01a0, 0x19c161d5); // -1.98412698298579493134e-04
const S4 = fromWords(0x3ec71de3, 0x57b1fe7d); // 2.75573137070700676789e-06
const S5 = fromWords(0xbe5ae5e6, 0x8a2b9ceb); // -2.50507602534068634195e-08
const S6 = fromWords(0x3de5d93a, 0x5acfd57c); // 1.58969099521155010221e-10
const TINY = fromWords(0x3e400000, 0); // 2^-27
const POINT3 = fromWords(0x3fd33333, 0); // 0.3
const BIG_QX = fromWords(0x3fe90000, 0); // 0.78125

/** cos(x + y), |x| <= pi/4, y a tail below ulp(x). */
function kernelCos(x: number, y: number): number {
  const ax = x < 0 ? -x : x;
  if (ax < TINY) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ax < POINT3) return 1 - (0.5 * z - (z * r - x * y));
  // 1 - qx and z/2 - qx are exact, qx ~ |x|/4 cut to 21 bits (0.28125 above 0.78125)
  const qx = ax > BIG_QX ? 0.28125 : clearLowWord(ax * 0.25);
  return (1 - qx) - ((0.5 * z - qx) - (z * r - x * y));
}

/** sin(x + y), |x| <= pi/4, y a tail below ulp(x). */
function kernelSin(x: number, y: number): number {
  if ((x < 0 ? -x : x) < TINY) return x;
  const z = x * x, v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/**
 * cos(2 pi u) for any finite u (NaN for NaN and +-Infinity), within 1 ulp of the exact value;
 * the same bits in Node, Deno and Bun. Exact at multiples of 1/4: 1, 0, -1.
 *
 * @example
 * ```ts
 * import { cosTwoPi } from "./cos.ts";
 * console.log(cosTwoPi(0.5), cosTwoPi(0.25), cosTwoPi(1 / 6)); // -1 0 0.5000000000000001
 * ```
 */
export function cosTwoPi(u: number): number {
  if (!Number.isFinite(u)) return NaN;
  let r = u - Math.round(u); // exact; Math.round is exact too
  if (r < 0) r = -r;
  const q = Math.round(4 * r), v = r - 0.25 * q; // q in {0, 1, 2}, v in [-1/8, 1/8], exact
  const [p, e] = twoProduct(v, TWO_PI_HI);
  const tail = e + v * TWO_PI_LO;
  const x = p + tail, y = tail - (x - p); // theta = x + y = 2 pi v
  if (q === 1) return 0 - kernelSin(x, y);
  const c = kernelCos(x, y);
  return q === 0 ? c : -c;
}
