import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bpttGradients } from "../../src/lif/bptt.ts";
import { otttGradients } from "../../src/lif/ottt.ts";
import { fcParams } from "../_fc.ts";
import { globalRel, lifInputs, lifLabels, lifNet, lifSpec, worstRel } from "./_lif.ts";

test("B2 claim 4: OTTT's gradient equals BPTT's when the through-time terms vanish (lambda = 0 or T = 1)", () => {
  let worst = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true }), fc.boolean(), (spec, lambdaZero) => {
      const s = lambdaZero ? { ...spec, lambda: 0 } : { ...spec, T: 1 };
      const net = lifNet(s), xs = lifInputs(s, net), labels = lifLabels(s, net);
      const d = worstRel(
        otttGradients(net, xs, labels, s.batch).grads,
        bpttGradients(net, xs, labels, s.batch).grads,
      );
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-12, `lambda ${s.lambda}, T ${s.T}: relative difference ${d}`);
    }),
    fcParams(120),
  );
  console.log(
    `OTTT vs BPTT at lambda = 0 or T = 1: worst relative difference ${worst.toExponential(2)}`,
  );
});

test("B2 claim 4: OTTT -> BPTT as lambda -> 0, the difference shrinking like lambda", () => {
  fc.assert(
    fc.property(lifSpec({ minHidden: 2 }), (spec) => {
      const gap = (lambda: number) => {
        const s = { ...spec, lambda },
          net = lifNet(s),
          xs = lifInputs(s, net),
          y = lifLabels(s, net);
        return globalRel(
          otttGradients(net, xs, y, s.batch).grads,
          bpttGradients(net, xs, y, s.batch).grads,
        );
      };
      // the through-time terms are O(lambda): a thousand times smaller lambda, a thousand
      // times smaller gap (up to round-off), relative to the largest gradient entry
      const g6 = gap(1e-6), g9 = gap(1e-9);
      assert.ok(g9 <= 1e-6 && g9 <= Math.max(1e-13, 2e-3 * g6), `gap ${g6} at 1e-6, ${g9} at 1e-9`);
    }),
    fcParams(100),
  );
});

test("B2 claim 4: with one hidden layer and the spike readout, OTTT equals BPTT for every lambda and T", () => {
  let worst = 0;
  fc.assert(
    fc.property(lifSpec({ maxHidden: 1 }), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const ottt = otttGradients(net, xs, labels, spec.batch, { readout: "spike" }).grads;
      const d = worstRel(ottt, bpttGradients(net, xs, labels, spec.batch).grads);
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-12, `relative difference ${d}`);
    }),
    fcParams(100),
  );
  console.log(`OTTT (spike readout) vs BPTT, one hidden layer: worst ${worst.toExponential(2)}`);
});

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
