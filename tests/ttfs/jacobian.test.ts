// The Jacobian claims (B = 1 = ReLU's M W; general M B^-1 J_C against finite differences) are
// registry claims (src/claims/ttfs_jacobian.ts, run by tests/claims/ttfs_jacobian.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ValueError } from "../../src/errors.ts";
import { prefixSigmaMax, spectrum } from "../../src/ttfs/jacobian.ts";

test("spectrum gives a Jacobian's singular values (largest first) and its spectral radius, NaN for a rectangular one", () => {
  const s = spectrum(new Float64Array([0, 2, 0.5, 0]), 2, 2);
  assert.deepEqual([...s.singular], [2, 0.5]);
  assert.equal(s.spectralRadius, 1);
  assert.ok(Number.isNaN(spectrum(new Float64Array([1, 2]), 1, 2).spectralRadius));
});

test("spectrum keeps the eigenvalues of a square Jacobian, none for a rectangular one", () => {
  const e = spectrum(new Float64Array([0, -2, 2, 0]), 2, 2).eigenvalues!;
  assert.deepEqual([...e.re].map(Math.abs), [0, 0]);
  assert.deepEqual([...e.im].map(Math.abs).sort(), [2, 2]);
  assert.equal(spectrum(new Float64Array([1, 2]), 1, 2).eigenvalues, undefined);
});

test("prefixSigmaMax gives sigma_max of the product of the first k layer Jacobians at the depths asked, and unsorted or too deep depths are ValueErrors", () => {
  // J(1) = diag(2, 1/2), J(2) = [[0, 3], [1, 0]]: J(2)J(1) = [[0, 1.5], [2, 0]], sigma_max 2
  const j = {
    jacobians: [new Float64Array([2, 0, 0, 0.5]), new Float64Array([0, 3, 1, 0])],
    shapes: [[2, 2], [2, 2]] as [number, number][],
  };
  assert.deepEqual(prefixSigmaMax(j), [2, 2]);
  assert.deepEqual(prefixSigmaMax(j, [2]), [2]);
  assert.throws(() => prefixSigmaMax(j, [2, 1]), ValueError);
  assert.throws(() => prefixSigmaMax(j, [3]), ValueError);
});
