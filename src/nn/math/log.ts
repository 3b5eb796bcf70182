/**
 * log(x) with the same bits in every engine: the algorithm of fdlibm's e_log.c (Sun
 * Microsystems, 1993; freely redistributable), written here with + - * / and exact word
 * operations only. Error < 1 ulp (fdlibm's analysis).
 *
 *   1. Reduce: x = 2^k (1 + f), sqrt(2)/2 < 1 + f < sqrt(2) (subnormals scaled by 2^54 first).
 *   2. s = f / (2 + f); log(1 + f) = log(1 + s) - log(1 - s) = 2s + 2/3 s^3 + 2/5 s^5 + ...
 *      = 2s + s R(s^2), R(z) ~ Lg1 z + ... + Lg7 z^7 on [0, 0.1716] (error < 2^-58.45), and
 *      with hfsq = f^2 / 2: log(1 + f) = f - (hfsq - s (hfsq + R)) (or f - s (f - R) for small f).
 *   3. log(x) = k ln2_hi + (log(1 + f) + k ln2_lo), ln2_hi with 32 trailing zero bits so that
 *      k ln2_hi is exact for |k| < 2000.
 *
 * @module
 */
import { fromWords, highWord, lowWord } from "./bits.ts";

const LN2_HI = fromWords(0x3fe62e42, 0xfee00000); // 6.93147180369123816490e-01
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76); // 1.90821492927058770002e-10
const TWO54 = fromWords(0x43500000, 0); // 2^54
const LG1 = fromWords(0x3fe55555, 0x55555593); // 6.666666666666735130e-01
const LG2 = fromWords(0x3fd99999, 0x9997fa04); // 3.999999999940941908e-01
const LG3 = fromWords(0x3fd24924, 0x94229359); // 2.857142874366239149e-01
const LG4 = fromWords(0x3fcc71c5, 0x1d8e78af); // 2.222219843214978396e-01
const LG5 = fromWords(0x3fc74664, 0x96cb03de); // 1.818357216161805012e-01
const LG6 = fromWords(0x3fc39a09, 0xd078c69f); // 1.531383769920937332e-01
const LG7 = fromWords(0x3fc2f112, 0xdf3e5244); // 1.479819860511658591e-01

/** log(1 + f) for |f| < 2^-20 (f = 0 included), plus k ln2. */
function logNearOne(f: number, k: number): number {
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
  const r = f * f * (0.5 - 0.33333333333333333 * f);
  return k === 0 ? f - r : k * LN2_HI - ((r - k * LN2_LO) - f);
}

/**
 * The natural logarithm: -Infinity at +-0, NaN below 0 and for NaN, Infinity at Infinity;
 * error < 1 ulp; the same bits in Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { log } from "./log.ts";
 * console.log(log(Math.E)); // 1
 * ```
 */
export function log(x: number): number {
  let hx = highWord(x), k = 0;
  if (hx < 0x00100000) { // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lowWord(x)) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x; // Infinity or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000; // the fraction's top bits >= sqrt(2) - 1: use x / 2
  x = fromWords(hx | (i ^ 0x3ff00000), lowWord(x));
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) return logNearOne(f, k); // |f| < 2^-20
  const s = f / (2 + f), z = s * s, w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) { // f in a middle band: hfsq form
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }
  if (k === 0) return f - s * (f - R);
  return k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}
