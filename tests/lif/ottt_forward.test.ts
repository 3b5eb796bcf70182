// The forward-cost claims (SAF's half of official OTTT's MACs, lean = official, W a_hat = U)
// are registry claims (src/claims/lif_cost.ts, run by tests/claims/lif_cost.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runExperimentCost } from "../../src/cli/lif_cost.ts";
import { OptionError } from "../../src/errors.ts";

test("experiment cost: an unknown --ottt-forward is an OptionError naming it", async () => {
  await assert.rejects(
    runExperimentCost(["--ottt-forward", "fast"]),
    (e) => e instanceof OptionError && /ottt-forward 'fast'/.test(e.message),
  );
});
