/**
 * The WASM SIMD core against the float64 reference.
 *
 * Tolerance (float32, every kernel): each output is a sum of K products plus one more term
 * (bias, or the value dW accumulates onto). Rounding the float64 operands to float32 (relative
 * u = 2^-24 each) and summing in float32 in any order gives, by the standard bound,
 *   |wasm - exact| <= gamma_{K+2} * (|bias| + sum_k |x_k| |W_k|),  gamma_n = n u / (1 - n u).
 * The reference's own float64 error is ~2^-29 times smaller and is covered by a 1e-12 slack.
 * The right-hand side is itself computed by the reference on |x|, |W|, |bias|.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { refBackend } from "../../src/backend/ref.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { ShapeError } from "../../src/errors.ts";
import { Rng } from "../../src/nn/rng.ts";
import { fcParams } from "../_fc.ts";

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);
const abs = (a: Float64Array) => a.map(Math.abs);

/** Random entries, a fraction `zeros` of them exactly 0 (silent neurons, black pixels). */
function randomArray(rng: Rng, n: number, zeros: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.normal()));
}

/** Asserts |got - want| <= gamma_{K+2} bound + 1e-12 elementwise. */
function assertWithin(got: Float64Array, want: Float64Array, bound: Float64Array, K: number) {
  const g = gamma(K + 2);
  for (let k = 0; k < want.length; k++) {
    const err = Math.abs(got[k] - want[k]), tol = g * bound[k] + 1e-12;
    assert.ok(err <= tol, `entry ${k}: |${got[k]} - ${want[k]}| = ${err} > ${tol}`);
  }
}

/** Shapes with odd sizes (SIMD tails of 1..3, register panels of 32 and 16, K blocks of 128). */
const shape = fc.record({
  batch: fc.integer({ min: 1, max: 70 }),
  nIn: fc.integer({ min: 1, max: 300 }),
  nOut: fc.integer({ min: 1, max: 150 }),
  zeros: fc.constantFrom(0, 0.5, 0.95),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

for (const version of [1, 2] as const) {
  const wasm = createWasmBackend({ version });

  test(`wasm kernels v${version}: denseForward, denseBackwardWeights and denseBackwardInput equal the float64 reference within the float32 bound`, () => {
    fc.assert(
      fc.property(shape, ({ batch, nIn, nOut, zeros, seed }) => {
        const rng = new Rng(seed);
        const x = randomArray(rng, batch * nIn, zeros), W = randomArray(rng, nOut * nIn, zeros);
        const bias = randomArray(rng, nOut, 0), dz = randomArray(rng, batch * nOut, zeros);
        const z = new Float64Array(batch * nOut), zr = z.slice(), zb = z.slice();
        wasm.denseForward(x, W, bias, z, batch, nIn, nOut);
        refBackend.denseForward(x, W, bias, zr, batch, nIn, nOut);
        refBackend.denseForward(abs(x), abs(W), abs(bias), zb, batch, nIn, nOut);
        assertWithin(z, zr, zb, nIn);

        const dW0 = randomArray(rng, nOut * nIn, 0), db0 = randomArray(rng, nOut, 0);
        const dW = dW0.slice(), db = db0.slice(), dWr = dW0.slice(), dbr = db0.slice();
        const dWb = abs(dW0), dbb = abs(db0);
        wasm.denseBackwardWeights(dz, x, dW, db, batch, nIn, nOut);
        refBackend.denseBackwardWeights(dz, x, dWr, dbr, batch, nIn, nOut);
        refBackend.denseBackwardWeights(abs(dz), abs(x), dWb, dbb, batch, nIn, nOut);
        assertWithin(dW, dWr, dWb, batch);
        assertWithin(db, dbr, dbb, batch);

        const dx = new Float64Array(batch * nIn).fill(7), dxr = dx.slice(), dxb = dx.slice();
        wasm.denseBackwardInput(dz, W, dx, batch, nIn, nOut);
        refBackend.denseBackwardInput(dz, W, dxr, batch, nIn, nOut);
        refBackend.denseBackwardInput(abs(dz), abs(W), dxb, batch, nIn, nOut);
        assertWithin(dx, dxr, dxb, nOut);
      }),
      fcParams(60),
    );
  });
}

test("the fused TTFS layer gives the reference's activations, spike times (t = tmax - a) and max activation", () => {
  const wasm = createWasmBackend();
  fc.assert(
    fc.property(shape, fc.double({ min: 1, max: 2000, noNaN: true }), (s, tmax) => {
      const { batch, nIn, nOut, zeros } = s, rng = new Rng(s.seed), n = batch * nOut;
      const x = randomArray(rng, batch * nIn, zeros), W = randomArray(rng, nOut * nIn, zeros);
      const D = randomArray(rng, nOut, 0);
      const t = new Float64Array(n), a = t.slice(), tr = t.slice(), ar = t.slice(), b = t.slice();
      const max = wasm.ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax);
      const maxr = refBackend.ttfsDenseForward(x, W, D, tr, ar, batch, nIn, nOut, tmax);
      refBackend.denseForward(abs(x), abs(W), abs(D), b, batch, nIn, nOut);
      // ReLU is 1-Lipschitz: a keeps z's bound; t = tmax - a adds the float32 roundings of
      // tmax and of t: u (|tmax| + |t|)
      assertWithin(a, ar, b, nIn);
      const g = gamma(nIn + 2);
      assertWithin(t, tr, b.map((v, k) => v + (U * (tmax + Math.abs(tr[k]))) / g), nIn);
      const bmax = b.reduce((m, v) => Math.max(m, v), 0);
      assert.ok(Math.abs(max - maxr) <= gamma(nIn + 2) * bmax + 1e-12);
      for (let k = 0; k < n; k++) assert.ok(a[k] >= 0 && t[k] <= Math.fround(tmax));
    }),
    fcParams(40),
  );
});

test("the wasm backend rejects sizes that do not match its arrays with a ShapeError", () => {
  const wasm = createWasmBackend(), a = new Float64Array(6);
  assert.throws(() => wasm.denseForward(a, a, a, new Float64Array(2), 2, 3, 2), ShapeError);
  assert.throws(() => wasm.denseForward(a, a, a, a, 2, 1.5, 2), ShapeError);
  assert.throws(() => wasm.denseBackwardInput(a, a, a, -1, 3, 2), ShapeError);
  assert.throws(() => wasm.denseBackwardWeights(a, a, new Float64Array(1), a, 1, 3, 2), ShapeError);
});
