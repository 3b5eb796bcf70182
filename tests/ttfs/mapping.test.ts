// The mapping claims (exactness, silence, reverse mapping, rescaling, B = 1) are registry
// claims (src/claims/ttfs_mapping.ts, run by tests/claims/ttfs_mapping.test.ts); this file
// keeps the shrunk counterexample that made mapReluExactly widen its intervals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalForward } from "../../src/ttfs/general.ts";
import {
  calibrateIntervals,
  mapReluExactly,
  mapReluToTtfs,
  rescaleReluMlp,
} from "../../src/ttfs/mapping.ts";
import { randomInputs, randomRelu } from "../_fc.ts";

test("A4: with intervals from the data maximum alone, a neuron can fire before tmin(n)", () => {
  // Found by the claim-2 property before mapReluExactly widened intervals (shrunk by fast-check).
  const spec = {
    sizes: [21, 18, 2, 1, 1, 1, 1],
    seed: 3,
    weightScale: 0.4661448852850692,
    biasScale: 0,
    batch: 2,
  };
  const relu = rescaleReluMlp(randomRelu(spec)), x = randomInputs(spec.seed, spec.batch, 21);
  const iv = calibrateIntervals(relu, x, spec.batch);
  const fwd = generalForward(mapReluToTtfs(relu, iv), encodeInput(x), spec.batch);
  const early = fwd.spikeTimes.slice(1).some((t, k) => t.some((ti) => ti < iv.tmin[k + 1]));
  assert.ok(early, "expected an early spike with (1 + zeta) X(n) intervals");
  const exact = mapReluExactly(randomRelu(spec), x, spec.batch);
  assert.ok(exact.doublings.some((d) => d > 0), "mapReluExactly widened an interval");
});
