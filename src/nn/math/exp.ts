/**
 * exp(x) with the same bits in every engine: the algorithm of fdlibm's e_exp.c (Sun
 * Microsystems, 1993; freely redistributable), written here with + - * / and exact power-of-two
 * scaling only. Error < 1 ulp (fdlibm's analysis); the bits equal V8's fdlibm-derived Math.exp
 * of Node 20, while newer V8 (Deno) and JavaScriptCore (Bun) round differently in ~10% of cases.
 *
 *   1. Reduce: x = k ln2 + r, |r| <= ln2/2, k = round(x / ln2); r is kept as hi - lo with
 *      hi = x - k ln2_hi (exact: ln2_hi has 32 trailing zero bits) and lo = k ln2_lo.
 *   2. On [0, 0.34658]: R(r^2) = r (e^r + 1)/(e^r - 1) ~ 2 + P1 z + ... + P5 z^5 (z = r^2,
 *      error < 2^-59), so with c = r - (P1 z + ... + P5 z^5):
 *      e^r = 1 - ((lo - r c / (2 - c)) - hi)
 *   3. exp(x) = 2^k e^r (exact scaling unless the result is subnormal: then one rounding).
 *
 * @module
 */
import { fromWords, scaleByPow2 } from "./bits.ts";

const LN2_HI = fromWords(0x3fe62e42, 0xfee00000); // 6.93147180369123816490e-01
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76); // 1.90821492927058770002e-10
const INV_LN2 = fromWords(0x3ff71547, 0x652b82fe); // 1.44269504088896338700e+00
const P1 = fromWords(0x3fc55555, 0x5555553e); // 1.66666666666666019037e-01
const P2 = fromWords(0xbf66c16c | 0, 0x16bebd93); // -2.77777777770155933842e-03
const P3 = fromWords(0x3f11566a, 0xaf25de2c); // 6.61375632143793436117e-05
const P4 = fromWords(0xbebbbd41 | 0, 0xc5d26bf1); // -1.65339022054652515390e-06
const P5 = fromWords(0x3e663769, 0x72bea4d0); // 4.13813679705723846039e-08
/** exp overflows above this (709.78...), and is 0 below U_THRESHOLD (-745.13...). */
const O_THRESHOLD = fromWords(0x40862e42, 0xfefa39ef);
const U_THRESHOLD = fromWords(0xc0874910 | 0, 0xd52d3051);
/** Branch points on |x|, each the least double whose high word passes fdlibm's test. */
const BIG = fromWords(0x40862e42, 0); // |x| >= 709.7: check overflow / underflow
const HALF_LN2 = fromWords(0x3fd62e43, 0); // |x| > ln2 / 2: reduce
const THREE_HALVES_LN2 = fromWords(0x3ff0a2b2, 0); // |x| < 1.5 ln2: k = +-1
const TINY = fromWords(0x3e300000, 0); // 2^-28: exp(x) = 1 + x

/** The coefficient c(r) = r - (P1 r^2 + ... + P5 r^10) of step 2. */
function c(r: number): number {
  const t = r * r;
  return r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
}

/**
 * e^x, correctly signed zeros and infinities, NaN for NaN; error < 1 ulp; the same bits in
 * Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { exp } from "./exp.ts";
 * console.log(exp(1)); // 2.718281828459045
 * ```
 */
export function exp(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < BIG)) {
    if (x !== x) return x; // NaN
    if (ax === Infinity) return x > 0 ? x : 0;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  if (ax < HALF_LN2) {
    if (ax < TINY) return 1 + x;
    const cr = c(x);
    return 1 - ((x * cr) / (cr - 2) - x);
  }
  let k: number, hi: number, lo: number;
  if (ax < THREE_HALVES_LN2) {
    k = x < 0 ? -1 : 1;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
  } else {
    k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0; // round half away from zero
    hi = x - k * LN2_HI; // exact: k ln2_hi has at most 53 significant bits
    lo = k * LN2_LO;
  }
  const r = hi - lo, cr = c(r);
  return scaleByPow2(1 - ((lo - (r * cr) / (2 - cr)) - hi), k);
}
