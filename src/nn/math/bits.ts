/**
 * Exact operations under spikeproof's own elementary functions (`exp`, `log`, `pow`,
 * `cosTwoPi`): reading and writing the two 32-bit words of a double, scaling by 2^n, and
 * Dekker's exact product. Everything here is exact, or rounds once in IEEE 754 round-to-nearest,
 * so it gives the same bits in every engine.
 *
 * Memory layout: one 8-byte scratch buffer seen as Float64Array(1) and Int32Array(2); the high
 * word (sign, 11 exponent bits, top 20 fraction bits) is Int32 index HI, the low word index
 * 1 - HI (HI = 1 on little-endian hosts, 0 on big-endian ones).
 *
 * @module
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * The high 32-bit word of x, as a signed integer (the sign bit is bit 31).
 *
 * @example
 * ```ts
 * import { highWord } from "./bits.ts";
 * console.log(highWord(1).toString(16)); // "3ff00000"
 * ```
 */
export function highWord(x: number): number {
  f64[0] = x;
  return i32[HI];
}

/**
 * The low 32-bit word of x, as an unsigned integer.
 *
 * @example
 * ```ts
 * import { lowWord } from "./bits.ts";
 * console.log(lowWord(1 + 2 ** -52)); // 1
 * ```
 */
export function lowWord(x: number): number {
  f64[0] = x;
  return i32[LO] >>> 0;
}

/**
 * The double whose high word is `hi` and low word `lo`.
 *
 * @example
 * ```ts
 * import { fromWords } from "./bits.ts";
 * console.log(fromWords(0x3ff00000, 0)); // 1
 * ```
 */
export function fromWords(hi: number, lo: number): number {
  i32[HI] = hi;
  i32[LO] = lo;
  return f64[0];
}

/**
 * x with its low word set to zero: its top 21 significant bits (exact; fdlibm's SET_LOW_WORD).
 *
 * @example
 * ```ts
 * import { clearLowWord } from "./bits.ts";
 * console.log(clearLowWord(1 + 2 ** -52)); // 1
 * ```
 */
export function clearLowWord(x: number): number {
  f64[0] = x;
  i32[LO] = 0;
  return f64[0];
}

/** POW2[n + POW2_BIAS] = 2^n for -1074 <= n <= 1023, built by exact halvings and doublings. */
const POW2_BIAS = 1074;
const POW2 = new Float64Array(1074 + 1024);
POW2[POW2_BIAS] = 1;
for (let n = 1; n <= 1023; n++) POW2[POW2_BIAS + n] = POW2[POW2_BIAS + n - 1] * 2;
for (let n = -1; n >= -1074; n--) POW2[POW2_BIAS + n] = POW2[POW2_BIAS + n + 1] / 2;

/**
 * y * 2^n rounded once (exact when the result is normal), for 0.5 <= |y| < 2 and
 * -1076 <= n <= 2046 (the ranges `exp` and `pow` use); overflows to +-Infinity like the exact
 * product would. The same value as C's scalbn(y, n), and as fdlibm's "add n to the exponent"
 * where that is exact.
 *
 * @example
 * ```ts
 * import { scaleByPow2 } from "./bits.ts";
 * console.log(scaleByPow2(1.5, 1024)); // 2.6965397022934738e+308
 * ```
 */
export function scaleByPow2(y: number, n: number): number {
  if (n > 1023) {
    // y 2^1023 is exact or already overflows; the second factor then rounds once
    return y * POW2[POW2_BIAS + 1023] * POW2[POW2_BIAS + n - 1023];
  }
  if (n >= -1022) return y * POW2[POW2_BIAS + n]; // one rounding at most (subnormal result)
  // 2^(n+54) keeps y 2^(n+54) normal (exact); the final 2^-54 rounds once
  return y * POW2[POW2_BIAS + n + 54] * POW2[POW2_BIAS - 54];
}

/** Veltkamp's splitter 2^27 + 1: a = hi + lo, each with at most 26 significant bits. */
const SPLITTER = 134217729;

/**
 * Dekker's exact product: a b = p + e exactly, p = fl(a b), for |a b| < 2^996 and no
 * underflow (Veltkamp splits, only + - * in round-to-nearest, so the same in every engine).
 *
 * @example
 * ```ts
 * import { twoProduct } from "./bits.ts";
 * const [p, e] = twoProduct(1 + 2 ** -30, 1 + 2 ** -30);
 * console.log(p === 1 + 2 ** -29, e === 2 ** -60); // true true
 * ```
 */
export function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}
