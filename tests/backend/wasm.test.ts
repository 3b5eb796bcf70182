// The WASM SIMD core against the float64 reference within the float32 bound: registry claims
// (src/claims/backend.ts, run on both kernel versions by tests/claims/backend.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { ShapeError } from "../../src/errors.ts";

test("the wasm backend rejects sizes that do not match its arrays with a ShapeError", () => {
  const wasm = createWasmBackend(), a = new Float64Array(6);
  assert.throws(() => wasm.denseForward(a, a, a, new Float64Array(2), 2, 3, 2), ShapeError);
  assert.throws(() => wasm.denseForward(a, a, a, a, 2, 1.5, 2), ShapeError);
  assert.throws(() => wasm.denseBackwardInput(a, a, a, -1, 3, 2), ShapeError);
  assert.throws(() => wasm.denseBackwardWeights(a, a, new Float64Array(1), a, 1, 3, 2), ShapeError);
});
