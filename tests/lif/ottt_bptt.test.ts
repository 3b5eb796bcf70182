// OTTT = BPTT without through-time terms, O(lambda), and with one hidden layer are registry
// claims (src/claims/lif_bptt.ts, run by tests/claims/lif_bptt.test.ts); this is the figure.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bpttGradients } from "../../src/lif/bptt.ts";
import { otttGradients } from "../../src/lif/ottt.ts";
import { fcParams } from "../_fc.ts";
import { lifInputs, lifLabels, lifNet, lifSpec, worstRel } from "./_lif.ts";

test("B2 claim 4 (figure): how far OTTT is from BPTT otherwise (two hidden layers)", () => {
  const rows: string[] = [];
  for (const lambda of [0.1, 0.5, 0.9, 1]) {
    for (const T of [2, 6, 16]) {
      const gaps: number[] = [];
      fc.assert(
        fc.property(lifSpec({ minHidden: 2, maxHidden: 2, lambda }), (spec) => {
          const s = { ...spec, T }, net = lifNet(s), xs = lifInputs(s, net), y = lifLabels(s, net);
          const o = otttGradients(net, xs, y, s.batch, { readout: "spike" }).grads;
          gaps.push(worstRel(o, bpttGradients(net, xs, y, s.batch).grads));
        }),
        fcParams(30),
      );
      gaps.sort((p, q) => p - q);
      rows.push(
        `lambda ${lambda} T ${T}: median ${gaps[15].toFixed(3)}, max ${gaps[29].toFixed(3)}`,
      );
    }
  }
  console.log(
    `OTTT vs BPTT relative gradient difference (2 hidden layers):\n  ${rows.join("\n  ")}`,
  );
  assert.ok(rows.length === 12);
});
