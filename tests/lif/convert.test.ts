// SAF -> LIF conversion (SPEC B3, claim 5): the converted network's outputs are registry claim
// lif.saf-to-lif-conversion; this checks what the conversion does to the parameters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { safToLif } from "../../src/lif/convert.ts";
import { initLifNetwork, lifParams } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";

test("SAF -> LIF conversion copies the parameters: equal values, and editing the LIF net leaves the SAF net unchanged", () => {
  const net = initLifNetwork([3, 2, 2], new Rng(5)), lif = safToLif(net);
  assert.deepEqual(lifParams(lif), lifParams(net));
  lif.layers[0].w[0] += 1;
  assert.notEqual(lif.layers[0].w[0], net.layers[0].w[0]);
});
