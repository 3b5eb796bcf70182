// The Jacobian claims (B = 1 = ReLU's M W; general M B^-1 J_C against finite differences) are
// registry claims (src/claims/ttfs_jacobian.ts, run by tests/claims/ttfs_jacobian.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spectrum } from "../../src/ttfs/jacobian.ts";

test("spectrum: singular values and spectral radius of a Jacobian", () => {
  const s = spectrum(new Float64Array([0, 2, 0.5, 0]), 2, 2);
  assert.deepEqual([...s.singular], [2, 0.5]);
  assert.equal(s.spectralRadius, 1);
  assert.ok(Number.isNaN(spectrum(new Float64Array([1, 2]), 1, 2).spectralRadius));
});
