/**
 * Exact references for the math tests, in BigInt arithmetic (no engine Math function):
 * correctly rounded x^n for integer n, and sqrt(a^2 + b^2). Normal results only.
 */

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** x > 0 finite as M 2^E, M an integer. */
function split(x: number): [bigint, number] {
  f64[0] = x;
  const b = i64[0], e = Number((b >> 52n) & 0x7ffn), m = b & ((1n << 52n) - 1n);
  return e === 0 ? [m, -1074] : [m | (1n << 52n), e - 1075];
}

/** y 2^e for a double y and an integer e, by exact doublings and halvings (normal results). */
function scale(y: number, e: number): number {
  for (; e > 0; e--) y *= 2;
  for (; e < 0; e++) y /= 2;
  return y;
}

const bitLength = (n: bigint): number => n.toString(2).length;

/** n 2^e (+ a bit less than one unit of n when `sticky`) rounded to nearest even; n > 0. */
function roundScaled(n: bigint, e: number, sticky: boolean): number {
  const sh = bitLength(n) - 53;
  if (sh <= 0) return scale(Number(n), e); // exact (sticky is then false by construction)
  let m = n >> BigInt(sh);
  const rem = n - (m << BigInt(sh)), half = 1n << BigInt(sh - 1);
  if (rem > half || (rem === half && (sticky || (m & 1n) === 1n))) m++;
  return scale(Number(m), e + sh);
}

/** x^n correctly rounded, x finite non-zero, n a non-zero integer. */
export function exactPowInt(x: number, n: number): number {
  const [M, E] = split(Math.abs(x)), sign = x < 0 && n % 2 !== 0 ? -1 : 1;
  if (n > 0) return sign * roundScaled(M ** BigInt(n), E * n, false);
  const den = M ** BigInt(-n), K = bitLength(den) + 70;
  const q = (1n << BigInt(K)) / den;
  return sign * roundScaled(q, -K + E * n, q * den !== 1n << BigInt(K));
}

/** floor(sqrt(n)) by Newton's method from above. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a^2 + b^2) correctly rounded, a and b finite, not both zero. */
export function exactHypot(a: number, b: number): number {
  const sq = (v: number): bigint => {
    if (v === 0) return 0n;
    const [m, e] = split(Math.abs(v));
    return (m << BigInt(e + 1074)) ** 2n; // v^2 in units of 2^-2148
  };
  const S = sq(a) + sq(b), k = Math.max(0, 70 - (bitLength(S) >> 1));
  const N = S << BigInt(2 * k), r = isqrt(N);
  return roundScaled(r, -1074 - k, r * r !== N);
}
