// The neuron's closed form and first-crossing claims are registry claims
// (src/claims/ttfs_neuron.ts, run by tests/claims/ttfs_neuron.test.ts); this is a worked case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spikeTime } from "../../src/ttfs/neuron.ts";

test("A3: the slope at threshold B_i is alpha_i plus the causal weights", () => {
  const s = spikeTime([0, 0.5, 3], [1, 1, 5], 1, 2, 0, 10);
  // V = t + t + (t - 0.5) = 3t - 0.5 reaches 2 at t = 5/6, before the third input
  assert.ok(Math.abs(s.t - 5 / 6) < 1e-15);
  assert.equal(s.causal, 2);
  assert.equal(s.slope, 3);
});
