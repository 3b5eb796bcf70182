/**
 * Backend-equivalence claims: a backend's dense kernels and fused TTFS layer give the float64
 * reference's results within the float32 rounding bound. They run on the backend in the
 * claim context (`verify --backend`; the tests pass the wasm backends).
 *
 * Bound (float32, every kernel): each output is a sum of K products plus one more term (bias,
 * or the value dW accumulates onto). Rounding the float64 operands to float32 (relative u =
 * 2^-24 each) and summing in float32 in any order gives, by the standard bound,
 *   |got - exact| <= gamma_{K+2} (|bias| + sum_k |x_k| |W_k|),  gamma_n = n u / (1 - n u).
 * The reference's own float64 error is ~2^-29 times smaller and is covered by a 1e-12 slack.
 * The right-hand side is itself computed by the reference on |x|, |W|, |bias|.
 *
 * @module
 */
import fc from "fast-check";
import { refBackend } from "../backend/ref.ts";
import { Rng } from "../nn/rng.ts";
import { type Claim, defineClaim } from "./claim.ts";

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);
const abs = (a: Float64Array) => a.map(Math.abs);

/** Random entries, a fraction `zeros` of them exactly 0 (silent neurons, black pixels). */
function randomArray(rng: Rng, n: number, zeros: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.normal()));
}

/** max_k |got - want| / (gamma_{K+2} bound_k + 1e-12): at most 1 within the float32 bound. */
function boundRatio(got: Float64Array, want: Float64Array, bound: Float64Array, K: number) {
  const g = gamma(K + 2);
  let r = 0;
  for (let k = 0; k < want.length; k++) {
    const e = Math.abs(got[k] - want[k]) / (g * bound[k] + 1e-12);
    r = Number.isNaN(e) ? NaN : Math.max(r, e);
  }
  return r;
}

/** Shapes with odd sizes (SIMD tails of 1..3, register panels of 32 and 16, K blocks of 128). */
const shape = fc.record({
  batch: fc.integer({ min: 1, max: 70 }),
  nIn: fc.integer({ min: 1, max: 300 }),
  nOut: fc.integer({ min: 1, max: 150 }),
  zeros: fc.constantFrom(0, 0.5, 0.95),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

const MEASURE = "max over entries of |got - ref| / (gamma_{K+2} (|b| + sum |x||W|) + 1e-12)";

/**
 * The backend-equivalence claims.
 *
 * @example
 * ```ts
 * import { BACKEND_CLAIMS } from "./backend.ts";
 * console.log(BACKEND_CLAIMS.every((c) => c.usesBackend)); // true
 * ```
 */
export const BACKEND_CLAIMS: Claim[] = [
  defineClaim({
    id: "backend.dense-kernels-f32-bound",
    group: "backend",
    paper: "spikeproof (backends)",
    section: "float32 backends",
    statement: "denseForward, denseBackwardWeights and denseBackwardInput equal the float64 " +
      "reference within the float32 bound gamma_{K+2}",
    testName:
      "wasm kernels v1, v2 and v3: denseForward, denseBackwardWeights and denseBackwardInput equal the float64 reference within the float32 bound",
    defaultRuns: 60,
    /** The error is measured in units of the bound (module doc): at most 1. */
    tolerance: 1,
    errorMeasure: MEASURE,
    usesBackend: true,
    arbitrary: shape,
    error: async ({ batch, nIn, nOut, zeros, seed }, { backend }) => {
      const rng = new Rng(seed);
      const x = randomArray(rng, batch * nIn, zeros), W = randomArray(rng, nOut * nIn, zeros);
      const bias = randomArray(rng, nOut, 0), dz = randomArray(rng, batch * nOut, zeros);
      const z = new Float64Array(batch * nOut), zr = z.slice(), zb = z.slice();
      await backend.denseForward(x, W, bias, z, batch, nIn, nOut);
      refBackend.denseForward(x, W, bias, zr, batch, nIn, nOut);
      refBackend.denseForward(abs(x), abs(W), abs(bias), zb, batch, nIn, nOut);
      let e = boundRatio(z, zr, zb, nIn);

      const dW0 = randomArray(rng, nOut * nIn, 0), db0 = randomArray(rng, nOut, 0);
      const dW = dW0.slice(), db = db0.slice(), dWr = dW0.slice(), dbr = db0.slice();
      const dWb = abs(dW0), dbb = abs(db0);
      await backend.denseBackwardWeights(dz, x, dW, db, batch, nIn, nOut);
      refBackend.denseBackwardWeights(dz, x, dWr, dbr, batch, nIn, nOut);
      refBackend.denseBackwardWeights(abs(dz), abs(x), dWb, dbb, batch, nIn, nOut);
      e = Math.max(e, boundRatio(dW, dWr, dWb, batch), boundRatio(db, dbr, dbb, batch));

      const dx = new Float64Array(batch * nIn).fill(7), dxr = dx.slice(), dxb = dx.slice();
      await backend.denseBackwardInput(dz, W, dx, batch, nIn, nOut);
      refBackend.denseBackwardInput(dz, W, dxr, batch, nIn, nOut);
      refBackend.denseBackwardInput(abs(dz), abs(W), dxb, batch, nIn, nOut);
      return Math.max(e, boundRatio(dx, dxr, dxb, nOut));
    },
  }),
  defineClaim({
    id: "backend.ttfs-layer-f32-bound",
    group: "backend",
    paper: "Stanojevic et al. 2024 (B = 1 layer); spikeproof (backends)",
    section: "SPEC A5; float32 backends",
    statement: "the fused TTFS layer gives the reference's activations, spike times t = tmax - a " +
      "and max activation within the float32 bound",
    testName:
      "the fused TTFS layer gives the reference's activations, spike times (t = tmax - a) and max activation",
    defaultRuns: 40,
    /**
     * In units of the bound: ReLU is 1-Lipschitz, so a keeps z's bound; t = tmax - a adds the
     * float32 roundings of tmax and of t, u (|tmax| + |t|). Infinity if a < 0 or t > tmax.
     */
    tolerance: 1,
    errorMeasure: MEASURE + ", for a, t and max a",
    usesBackend: true,
    arbitrary: fc.tuple(shape, fc.double({ min: 1, max: 2000, noNaN: true })),
    error: async ([s, tmax], { backend }) => {
      const { batch, nIn, nOut, zeros } = s, rng = new Rng(s.seed), n = batch * nOut;
      const x = randomArray(rng, batch * nIn, zeros), W = randomArray(rng, nOut * nIn, zeros);
      const D = randomArray(rng, nOut, 0);
      const t = new Float64Array(n), a = t.slice(), tr = t.slice(), ar = t.slice(), b = t.slice();
      const max = await backend.ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax);
      const maxr = refBackend.ttfsDenseForward(x, W, D, tr, ar, batch, nIn, nOut, tmax);
      refBackend.denseForward(abs(x), abs(W), abs(D), b, batch, nIn, nOut);
      const g = gamma(nIn + 2), bmax = b.reduce((m, v) => Math.max(m, v), 0);
      let e = Math.max(
        boundRatio(a, ar, b, nIn),
        boundRatio(t, tr, b.map((v, k) => v + (U * (tmax + Math.abs(tr[k]))) / g), nIn),
        Math.abs(max - maxr) / (g * bmax + 1e-12),
      );
      for (let k = 0; k < n; k++) if (!(a[k] >= 0 && t[k] <= Math.fround(tmax))) e = Infinity;
      return e;
    },
  }),
];
