import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { eigenvalues } from "../../src/nn/eigen.ts";
import { matmul, singularValues } from "../../src/nn/linalg.ts";
import { Rng } from "../../src/nn/rng.ts";
import { ShapeError, ValueError } from "../../src/errors.ts";
import { fcParams } from "../_fc.ts";

const randomMatrix = (seed: number, n: number) => {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => (r.uniform() < 0.2 ? 0 : r.normal()));
};

test("singular values: sum of squares = Frobenius norm, and they match sqrt(eig(A^T A))", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer(),
      (m, n, seed) => {
        const A = randomMatrix(seed, m * n), s = singularValues(A, m, n);
        assert.equal(s.length, Math.min(m, n));
        const fro = A.reduce((a, v) => a + v * v, 0), ss = s.reduce((a, v) => a + v * v, 0);
        assert.ok(Math.abs(fro - ss) <= 1e-12 * Math.max(1, fro));
        for (let k = 1; k < s.length; k++) assert.ok(s[k] <= s[k - 1]);
        // A^T A is symmetric: its eigenvalues (real) are the squared singular values (plus zeros)
        const At = new Float64Array(n * m);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) At[j * m + i] = A[i * n + j];
        const ev = [...eigenvalues(matmul(At, A, n, m, n), n).re].sort((a, b) => b - a);
        s.forEach((v, k) =>
          assert.ok(Math.abs(v * v - ev[k]) <= 1e-9 * Math.max(1, ev[0]), `sigma ${k}`)
        );
      },
    ),
    fcParams(100),
  );
});

test("eigenvalues: they sum to the trace, multiply to the determinant, and make A - lambda I singular", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 14 }), fc.integer(), (n, seed) => {
      const A = randomMatrix(seed, n * n), { re, im } = eigenvalues(A, n);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += A[i * n + i];
      const scale = Math.max(1, ...Array.from(A, Math.abs)) * n;
      assert.ok(Math.abs(re.reduce((a, v) => a + v, 0) - trace) <= 1e-10 * scale);
      assert.ok(Math.abs(im.reduce((a, v) => a + v, 0)) <= 1e-10 * scale);
      // determinant by Gaussian elimination with partial pivoting
      const M = A.slice();
      let det = 1;
      for (let c = 0; c < n; c++) {
        let p = c;
        for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
        if (M[p * n + c] === 0) {
          det = 0;
          break;
        }
        if (p !== c) {
          for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k], M[c * n + k]];
          det = -det;
        }
        det *= M[c * n + c];
        for (let r = c + 1; r < n; r++) {
          const f = M[r * n + c] / M[c * n + c];
          for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
        }
      }
      let pr = 1, pi = 0;
      for (let k = 0; k < n; k++) [pr, pi] = [pr * re[k] - pi * im[k], pr * im[k] + pi * re[k]];
      assert.ok(
        Math.abs(pr - det) <= 1e-8 * Math.max(1, Math.abs(det)),
        `product ${pr} vs det ${det}`,
      );
      for (let k = 0; k < n; k++) {
        if (im[k] !== 0) continue;
        const B = A.slice();
        for (let i = 0; i < n; i++) B[i * n + i] -= re[k];
        const s = singularValues(B, n, n);
        assert.ok(
          s[n - 1] <= 1e-9 * Math.max(1, s[0]),
          `lambda = ${re[k]} leaves A - lambda I regular`,
        );
      }
    }),
    fcParams(100),
  );
});

test("eigenvalues of a rotation (+-2i) and of a triangular matrix (its diagonal) are the known ones; a wrong size is a ShapeError, a NaN a ValueError", () => {
  const rot = eigenvalues(new Float64Array([0, -2, 2, 0]), 2);
  assert.deepEqual([...rot.re].map((v) => Math.abs(v) < 1e-15), [true, true]);
  assert.deepEqual([...rot.im].map(Math.abs), [2, 2]);
  const tri = eigenvalues(new Float64Array([1, 5, 7, 0, -3, 2, 0, 0, 4]), 3);
  assert.deepEqual([...tri.re].sort((a, b) => a - b), [-3, 1, 4]);
  assert.throws(() => eigenvalues(new Float64Array(3), 2), ShapeError);
  assert.throws(() => singularValues(new Float64Array([NaN]), 1, 1), ValueError);
});
