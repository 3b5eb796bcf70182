/**
 * x^y with the same bits in every engine: the algorithm of fdlibm's e_pow.c (Sun
 * Microsystems, 2004; freely redistributable), written here with + - * / and exact word
 * operations only, with ECMAScript's special cases (`**`: NaN ** 0 = 1, 1 ** NaN = NaN,
 * (+-1) ** +-Infinity = NaN) and the sign of an overflowing or underflowing (-x) ** odd kept.
 * fdlibm calls the result "nearly rounded" (within 1 ulp, exact for representable integer
 * powers of integers). JavaScriptCore's Math.pow multiplies by repeated squaring for integer y
 * (hundreds of ulps off at y ~ 1000), so engines disagree most on the integer powers Adam uses.
 *
 *   1. log2|x| = t1 + t2 in extended precision (t1 with 32 trailing zero bits): x = 2^n (1 + f),
 *      s = (x - b)/(x + b) for b = 1 or 1.5, log2 x = n + log2 b + (2 / (3 ln2)) (3 s + s^3 +
 *      s^3 R(s^2)), R a degree-6 minimax fit (L1..L6), carried as high and low parts.
 *   2. y log2|x| = p_h + p_l by splitting y = y1 + (y - y1) (y1 with 32 trailing zero bits), so
 *      y1 t1 is exact; overflow / underflow decided here (|z| >= 1024 or <= -1075).
 *   3. 2^(p_h + p_l) = 2^m e^(r ln2), m = round(p_h + p_l), e^. as in `exp` (P1..P5).
 *
 * @module
 */
import { clearLowWord, fromWords, highWord, lowWord, scaleByPow2 } from "./bits.ts";

const DP_H = [0, fromWords(0x3fe2b803, 0x40000000)]; // log2(1.5) high
const DP_L = [0, fromWords(0x3e4cfdeb, 0x43cfd006)]; // log2(1.5) tail
const TWO53 = fromWords(0x43400000, 0);
const L1 = fromWords(0x3fe33333, 0x33333303); // 5.99999999999994648725e-01
const L2 = fromWords(0x3fdb6db6, 0xdb6fabff); // 4.28571428578550184252e-01
const L3 = fromWords(0x3fd55555, 0x518f264d); // 3.33333329818377432918e-01
const L4 = fromWords(0x3fd17460, 0xa91d4101); // 2.72728123808534006489e-01
const L5 = fromWords(0x3fcd864a, 0x93c9db65); // 2.30660745775561754067e-01
const L6 = fromWords(0x3fca7e28, 0x4a454eef); // 2.06975017800338417784e-01
const P1 = fromWords(0x3fc55555, 0x5555553e); // 1.66666666666666019037e-01
const P2 = fromWords(0xbf66c16c, 0x16bebd93); // -2.77777777770155933842e-03
const P3 = fromWords(0x3f11566a, 0xaf25de2c); // 6.61375632143793436117e-05
const P4 = fromWords(0xbebbbd41, 0xc5d26bf1); // -1.65339022054652515390e-06
const P5 = fromWords(0x3e663769, 0x72bea4d0); // 4.13813679705723846039e-08
const LG2 = fromWords(0x3fe62e42, 0xfefa39ef); // ln2
const LG2_H = fromWords(0x3fe62e43, 0); // ln2, 21 bits
const LG2_L = fromWords(0xbe205c61, 0x0ca86c39); // ln2 - LG2_H
const OVT = fromWords(0x3c971547, 0x652b82fe); // -(1024 - log2(max double + ulp/2))
const CP = fromWords(0x3feec709, 0xdc3a03fd); // 2 / (3 ln2)
const CP_H = fromWords(0x3feec709, 0xe0000000); // CP, 32 trailing zero bits
const CP_L = fromWords(0xbe3e2fe0, 0x145b01f5); // CP - CP_H
const IVLN2 = fromWords(0x3ff71547, 0x652b82fe); // 1 / ln2
const IVLN2_H = fromWords(0x3ff71547, 0x60000000); // 1 / ln2, 24 bits
const IVLN2_L = fromWords(0x3e54ae0b, 0xf85ddf44); // 1 / ln2 - IVLN2_H

/** 0: y is not an integer; 1: an odd integer; 2: an even one (exact: % is exact). */
function integerKind(y: number): number {
  if (!Number.isInteger(y)) return 0;
  return y % 2 === 0 ? 2 : 1;
}

/** log2 x = t1 + t2 for |x - 1| <= 2^-20: x - x^2/2 + x^3/3 - x^4/4 in base 2. */
function log2NearOne(ax: number): [number, number] {
  const t = ax - 1; // 20 trailing zero bits
  const w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
  const u = IVLN2_H * t; // exact: IVLN2_H has 24 significant bits
  const v = t * IVLN2_L - w * IVLN2;
  const t1 = clearLowWord(u + v);
  return [t1, v - (t1 - u)];
}

/** log2 ax = t1 + t2 for finite ax > 0, ix its high word (step 1). */
function log2Split(ax: number, ix: number): [number, number] {
  let n = 0;
  if (ix < 0x00100000) { // subnormal
    ax *= TWO53;
    n -= 53;
    ix = highWord(ax);
  }
  n += (ix >> 20) - 0x3ff;
  const j = ix & 0x000fffff;
  ix = j | 0x3ff00000; // the fraction in [1, 2)
  let k = 0;
  if (j > 0x3988e && j < 0xbb67a) k = 1; // sqrt(3/2) <= x < sqrt(3): b = 1.5
  else if (j >= 0xbb67a) (n += 1), (ix -= 0x00100000); // x >= sqrt(3): halve it
  ax = fromWords(ix, lowWord(ax));
  const b = k === 1 ? 1.5 : 1;
  // s = s_h + s_l = (ax - b) / (ax + b)
  let u = ax - b;
  let v = 1 / (ax + b);
  const s = u * v, sH = clearLowWord(s);
  let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0); // ax + b, high part
  let tL = ax - (tH - b);
  const sL = v * ((u - sH * tH) - sH * tL);
  // log(ax / b) = 2s + (2/3) s^3 + r, r = s^4 R(s^2) (+ the s_l terms)
  let s2 = s * s;
  let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
  r += sL * (sH + s);
  s2 = sH * sH;
  tH = clearLowWord(3 + s2 + r);
  tL = r - ((tH - 3) - s2);
  u = sH * tH; // u + v = s (3 + s^2 + r)
  v = sL * tH + tL * s;
  const pH = clearLowWord(u + v), pL = v - (pH - u);
  const zH = CP_H * pH; // (2 / (3 ln2)) (u + v)
  const zL = CP_L * pH + pL * CP + DP_L[k];
  const t1 = clearLowWord(((zH + zL) + DP_H[k]) + n);
  return [t1, zL - (((t1 - n) - DP_H[k]) - zH)];
}

/** 2^(pH + pL) for |pH + pL| < 1075 (step 3), sign s. */
function exp2Split(pH: number, pL: number, j: number, s: number): number {
  const i = j & 0x7fffffff;
  let n = 0;
  if (i > 0x3fe00000) { // |z| > 0.5: take out m = round(z)
    let m = j + (0x00100000 >> (((i >> 20) - 0x3ff) + 1));
    const k = ((m & 0x7fffffff) >> 20) - 0x3ff;
    pH -= fromWords(m & ~(0x000fffff >> k), 0);
    m = ((m & 0x000fffff) | 0x00100000) >> (20 - k);
    n = j < 0 ? -m : m;
  }
  const t = clearLowWord(pL + pH);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  const z = u + v, w = v - (z - u); // z + w = (pH + pL) ln2
  const zz = z * z;
  const t1 = z - zz * (P1 + zz * (P2 + zz * (P3 + zz * (P4 + zz * P5))));
  const r = (z * t1) / (t1 - 2) - (w + z * w);
  return s * scaleByPow2(1 - (r - z), n);
}

/**
 * x^y (`x ** y`, with ECMAScript's special cases) within 1 ulp, exact for representable
 * integer powers of integers; the same bits in Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { pow } from "./pow.ts";
 * console.log(pow(2, 10), pow(0.9, 0.5)); // 1024 0.9486832980505138
 * ```
 */
export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const hx = highWord(x), lx = lowWord(x), hy = highWord(y), ly = lowWord(y);
  const ix = hx & 0x7fffffff, iy = hy & 0x7fffffff;
  const yKind = hx < 0 ? integerKind(y) : 0;
  if (ly === 0) {
    if (iy === 0x7ff00000) { // y = +-Infinity
      if (((ix - 0x3ff00000) | lx) === 0) return NaN; // (+-1) ** +-Infinity
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // |x| > 1
      return hy < 0 ? -y : 0; // |x| < 1
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = +-1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5; sqrt is exact-rounded
  }
  const ax = Math.abs(x); // exact, and +0 for -0
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) { // +-0, +-Inf, +-1
    const z = hy < 0 ? 1 / ax : ax;
    if (hx >= 0) return z;
    if (((ix - 0x3ff00000) | yKind) === 0) return NaN; // (-1) ** non-integer
    return yKind === 1 ? -z : z;
  }
  if (hx < 0 && yKind === 0) return NaN; // (negative) ** non-integer
  const s = hx < 0 && yKind === 1 ? -1 : 1; // (negative) ** odd
  let t1: number, t2: number;
  if (iy > 0x41e00000) { // |y| > 2^31: over- or underflows unless |x - 1| <= 2^-20
    if (ix < 0x3fefffff || (iy > 0x43f00000 && ix <= 0x3fefffff)) {
      return s * (hy < 0 ? Infinity : 0);
    }
    if (ix > 0x3ff00000 || iy > 0x43f00000) return s * (hy > 0 ? Infinity : 0);
    [t1, t2] = log2NearOne(ax);
  } else [t1, t2] = log2Split(ax, ix);
  const y1 = clearLowWord(y);
  const pL = (y - y1) * t1 + y * t2, pH = y1 * t1;
  const z = pL + pH, j = highWord(z), i = lowWord(z);
  if (j >= 0x40900000) { // z >= 1024
    if (((j - 0x40900000) | i) !== 0 || pL + OVT > z - pH) return s * Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) { // z <= -1075
    if (((j - (0xc090cc00 | 0)) | i) !== 0 || pL <= z - pH) return s * 0;
  }
  return exp2Split(pH, pL, j, s);
}
