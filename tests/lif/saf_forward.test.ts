import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { safOutputs, safToLif } from "../../src/lif/convert.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { fcParams } from "../_fc.ts";
import { lifInputs, lifNet, lifSpec, relDiff } from "./_lif.ts";

test("B3 claim 1: SAF forward spikes are bit-identical to LIF spikes at every step and layer", () => {
  let fired = 0, silent = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true }), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net);
      const lif = lifForward(net, xs, spec.batch, { record: true }),
        saf = safOutputs(net, xs, spec.batch);
      saf.spikes.forEach((layers, t) =>
        layers.forEach((s, l) => {
          assert.deepEqual(s, lif.spikeTrains[l][t], `step ${t + 1}, layer ${l + 1}`);
          for (const v of s) v ? fired++ : silent++;
        })
      );
    }),
    fcParams(150),
  );
  assert.ok(fired > 1000 && silent > 1000, `spikes ${fired}, silences ${silent}: both occur`);
});

test("B3 claim 5: the network converted from SAF to LIF gives the SAF forward's outputs", () => {
  let worst = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true }), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net);
      const lif = lifForward(safToLif(net), xs, spec.batch), saf = safOutputs(net, xs, spec.batch);
      saf.outputs.forEach((o, t) => {
        // same spikes (claim 1) into the same readout: the same logits, bit for bit
        assert.deepEqual(o, lif.outputs[t]);
        worst = Math.max(worst, relDiff(o, lif.outputs[t]));
      });
    }),
    fcParams(100),
  );
  assert.equal(worst, 0);
});
