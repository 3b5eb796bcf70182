import { test } from "node:test";
import assert from "node:assert/strict";
import { cosTwoPi, exp, hypot, log, pow } from "../../src/nn/math/mod.ts";
import { fromWords, twoProduct } from "../../src/nn/math/bits.ts";
import { exactHypot, exactPowInt } from "./_exact.ts";

/** A seeded stream of 32-bit words and of uniform doubles in [0, 1) (no Math function). */
function words(seed: number): { u32: () => number; uniform: () => number } {
  let s = seed >>> 0;
  const u32 = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0);
  return { u32, uniform: () => (u32() * 4294967296 + u32()) / 18446744073709551616 };
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
/** Doubles in order as integers: ulp distance = difference (-0 and +0 both 0). */
function ordinal(x: number): bigint {
  f64[0] = x;
  const b = i64[0];
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}
/** |a - b| in ulps; 0 for two NaNs; Infinity when only one is NaN. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const d = ordinal(a) - ordinal(b);
  return Number(d < 0n ? -d : d);
}

/** The largest ulp distance between f and the reference over `n` generated arguments. */
function worst(
  n: number,
  gen: () => [number, number],
  f: (x: number, y: number) => number,
  ref: (x: number, y: number) => number,
): { ulps: number; at: [number, number] } {
  let w = { ulps: 0, at: [NaN, NaN] as [number, number] };
  for (let i = 0; i < n; i++) {
    const [x, y] = gen(), d = ulps(f(x, y), ref(x, y));
    if (d > w.ulps) w = { ulps: d, at: [x, y] };
  }
  return w;
}

/** Special arguments: the same value as Math's, sign of zero included, for each. */
function assertSame(f: (x: number) => number, ref: (x: number) => number, xs: number[]): void {
  for (const x of xs) assert.ok(Object.is(f(x), ref(x)), `at ${x}: ${f(x)} vs ${ref(x)}`);
}

test("exp is within 1 ulp of Math.exp on 2 million arguments, and equal at the special ones", () => {
  const r = words(1);
  const wide = worst(1e6, () => [(r.uniform() - 0.5) * 1460, 0], exp, Math.exp);
  const near = worst(1e6, () => [(r.uniform() - 0.5) * 2, 0], exp, Math.exp);
  assert.ok(wide.ulps <= 1 && near.ulps <= 1, JSON.stringify({ wide, near }));
  const over = fromWords(0x40862e42, 0xfefa39ef), under = fromWords(0xc0874910, 0xd52d3051);
  assertSame(exp, Math.exp, [0, -0, NaN, Infinity, -Infinity, over + 2 ** -43, 710, 746, -746]);
  assertSame(exp, Math.exp, [under - 2 ** -42, -1e308, 5e-324, -5e-324, 2 ** -30, -(2 ** -29)]);
  assert.ok(Number.isFinite(exp(over)) && exp(under) > 0, "the thresholds are still in range");
  for (const x of [over, under, -708.5, -740, -745, 1e-10, 0.3465, 0.35, 1.0397, 1.04]) {
    assert.ok(ulps(exp(x), Math.exp(x)) <= 1, `exp(${x})`);
  }
});

test("log is within 1 ulp of Math.log on 2 million arguments, subnormals too, and equal at the special ones", () => {
  const r = words(2);
  const anyBits = () => [fromWords(r.u32() & 0x7fffffff, r.u32()), 0] as [number, number];
  const all = worst(1e6, anyBits, log, Math.log); // every exponent, NaN and Infinity included
  const near = worst(1e6, () => [1 + (r.uniform() - 0.5) / 8, 0], log, Math.log);
  assert.ok(all.ulps <= 1 && near.ulps <= 1, JSON.stringify({ all, near }));
  assertSame(log, Math.log, [0, -0, -1, -5e-324, -Infinity, Infinity, NaN, 1]);
  for (
    const x of [5e-324, 2 ** -1022, 1.7976931348623157e308, 2, 0.5, 1 + 2 ** -52, 1 - 2 ** -53]
  ) {
    assert.ok(ulps(log(x), Math.log(x)) <= 1, `log(${x})`);
  }
});

test("pow is within 1 ulp: of Math.pow for non-integer y, of the exact power for integer y", () => {
  const r = words(3);
  const frac = () => [r.uniform() * 4, (r.uniform() - 0.5) * 100] as [number, number];
  const decay = () => [r.uniform(), r.uniform() * 40] as [number, number]; // lr0 rate^(t / steps)
  const a = worst(5e5, frac, pow, Math.pow), b = worst(5e5, decay, pow, Math.pow);
  assert.ok(a.ulps <= 1 && b.ulps <= 1, JSON.stringify({ a, b }));
  // Adam's beta^t and negative bases: JavaScriptCore's Math.pow is off by hundreds of ulps here
  const int = () => {
    const x = (r.uniform() < 0.5 ? -1 : 1) * (0.5 + 1.5 * r.uniform());
    return [x, Math.floor((r.uniform() - 0.5) * 2000) || 1] as [number, number];
  };
  const ref = (x: number, n: number) => {
    const v = exactPowInt(x, n);
    return Math.abs(v) >= 2 ** -1022 && Math.abs(v) < Infinity ? v : pow(x, n); // normal only
  };
  const c = worst(1000, int, pow, ref);
  const d = worst(300, () => [r.uniform() < 0.5 ? 0.9 : 0.999, 1 + (r.u32() % 3000)], pow, ref);
  assert.ok(c.ulps <= 1 && d.ulps <= 1, JSON.stringify({ c, d }));
  assert.equal(pow(3, 33), 5559060566555523); // integer ** integer is exact when representable
});

test("pow has ECMAScript's special cases: the same value as Math.pow on a grid of special arguments", () => {
  const s = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, Infinity, -Infinity, NaN];
  const t = [5e-324, 1.7976931348623157e308, 2 ** 31 + 1, 2 ** 53, 2 ** 64 + 2 ** 12, 1 + 2 ** -52];
  const xs = [...s, ...t, ...t.map((v) => -v)];
  for (const x of xs) {
    for (const y of xs) {
      const got = pow(x, y), want = Math.pow(x, y);
      const finite = Number.isFinite(want) && want !== 0;
      assert.ok(finite ? ulps(got, want) <= 1 : Object.is(got, want), `${x} ** ${y}: ${got}`);
    }
  }
  assert.ok(Object.is(pow(-0.5, 2 ** 31 + 1), -0) && pow(-2, 2 ** 31 + 1) === -Infinity);
});

test("cosTwoPi(u) is within 1 ulp of cos(2 pi u) on 1 million arguments, and exact at quarter turns", () => {
  const r = words(4),
    hi = fromWords(0x401921fb, 0x54442d18),
    lo = fromWords(0x3cb1a626, 0x33145c07);
  // reference: X = fl(2 pi u), dX its tail (Dekker); cos(X + dX) ~ Math.cos(X) - Math.sin(X) dX
  const ref = (u: number) => {
    const [p, e] = twoProduct(u, hi), tail = e + u * lo, X = p + tail;
    return Math.cos(X) - Math.sin(X) * (tail - (X - p));
  };
  const near = () => [0.25 + (r.uniform() - 0.5) * 1e-6, 0] as [number, number]; // cos ~ 0
  const w = worst(8e5, () => [r.uniform(), 0], cosTwoPi, ref), z = worst(2e5, near, cosTwoPi, ref);
  assert.ok(w.ulps <= 1 && z.ulps <= 1, JSON.stringify({ w, z }));
  assert.deepEqual([0, 0.25, 0.5, 0.75, 1, -0.5, 2 ** 60].map(cosTwoPi), [1, 0, -1, 0, 1, -1, 1]);
  assert.ok([NaN, Infinity, -Infinity].every((u) => Number.isNaN(cosTwoPi(u))));
  for (let i = 0; i < 1000; i++) {
    const u = r.uniform() * 10;
    assert.ok(Object.is(cosTwoPi(-u), cosTwoPi(u)), `cosTwoPi is even at ${u}`);
  }
});

test("hypot is correctly rounded on 20000 arguments across the exponent range, with Math.hypot's special cases", () => {
  const r = words(5);
  const gen = (): [number, number] => {
    const sc = fromWords((1 + (r.u32() % 2000)) << 20, 0); // 2^(-1022 .. 977)
    return [(r.uniform() - 0.5) * sc, (r.uniform() - 0.5) * sc * (r.u32() % 3 === 0 ? 1e-9 : 1)];
  };
  const ref = (a: number, b: number) => {
    const v = a === 0 && b === 0 ? 0 : exactHypot(a, b);
    return v >= 2 ** -1022 && v < Infinity ? v : hypot(a, b); // normal results only
  };
  const w = worst(20000, gen, hypot, ref);
  assert.equal(w.ulps, 0, JSON.stringify(w)); // correctly rounded on every one of them
  const pairs = [[Infinity, NaN], [NaN, -Infinity], [NaN, 1], [0, -0], [-0, -0], [3, -4], [
    0,
    5e-324,
  ]];
  for (const [a, b] of pairs) assert.ok(Object.is(hypot(a, b), Math.hypot(a, b)), `${a}, ${b}`);
  assert.equal(hypot(1e308, 1e308), 1.4142135623730952e308);
  assert.equal(hypot(3 * 2 ** -1070, 4 * 2 ** -1070), 5 * 2 ** -1070); // subnormal, exact
});
