import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CostCounter } from "../../src/lif/cost.ts";
import type { MethodOptions } from "../../src/lif/method.ts";
import { otttGradients } from "../../src/lif/ottt.ts";
import { safEGradients, SafForward } from "../../src/lif/saf.ts";
import { runExperimentCost } from "../../src/cli/lif_cost.ts";
import { OptionError } from "../../src/errors.ts";
import { fcParams } from "../_fc.ts";
import { lifInputs, lifLabels, lifNet, type LifSpec, lifSpec, worstRel } from "./_lif.ts";

const forwardMacs = (spec: LifSpec, fn: typeof otttGradients, o: MethodOptions = {}) => {
  const net = lifNet(spec), cost = new CostCounter();
  fn(net, lifInputs(spec, net), lifLabels(spec, net), spec.batch, { ...o, cost });
  return cost.macsForward;
};

test("B3 cost: SAF's forward multiply-accumulates are half of official OTTT's (equal to lean OTTT's)", () => {
  fc.assert(
    fc.property(lifSpec({ conv: true }), (spec) => {
      const saf = forwardMacs(spec, safEGradients);
      assert.equal(forwardMacs(spec, otttGradients), 2 * saf); // W s and W a_hat, every layer
      assert.equal(forwardMacs(spec, otttGradients, { otttForward: "official" }), 2 * saf);
      assert.equal(forwardMacs(spec, otttGradients, { otttForward: "lean" }), saf);
    }),
    fcParams(100),
  );
});

test("B3: official and lean OTTT forwards give identical spikes, losses and gradients", () => {
  const run = (spec: LifSpec, o: MethodOptions) => {
    const net = lifNet(spec), steps: Float64Array[][] = [];
    const onStep = (g: Float64Array[]) => steps.push(g.map((a) => a.slice()));
    const r = otttGradients(net, lifInputs(spec, net), lifLabels(spec, net), spec.batch, {
      ...o,
      onStep,
    });
    return { loss: r.loss, spikes: r.spikes, scores: r.scores, steps };
  };
  fc.assert(
    fc.property(
      lifSpec({ conv: true }),
      fc.constantFrom("trace", "official"),
      fc.constantFrom("trace", "spike"),
      (spec, variant, readout) => {
        const o = { variant, readout } as MethodOptions;
        const official = run(spec, { ...o, otttForward: "official" });
        assert.deepEqual(run(spec, { ...o, otttForward: "lean" }), official); // bit-identical
      },
    ),
    fcParams(100),
  );
});

test("B3: official OTTT's second matmul W a_hat_in + b c[t] is SAF's U[t] (1e-12 relative)", () => {
  let worst = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true }), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const paths: Float64Array[][] = [];
      otttGradients(net, xs, labels, spec.batch, {
        onGradPath: (z) => paths.push(z.slice(0, -1).map((a) => a!)),
      });
      const saf = new SafForward(net, spec.batch, spec.T);
      xs.forEach((x, t) => {
        const d = worstRel(paths[t], saf.step(x).U);
        worst = Math.max(worst, d);
        assert.ok(d <= 1e-12, `step ${t + 1}: relative difference ${d}`);
      });
    }),
    fcParams(100),
  );
  console.log(`worst relative difference of W a_hat + b c[t] vs SAF's U: ${worst}`);
});

test("experiment cost: an unknown --ottt-forward is an OptionError naming it", async () => {
  await assert.rejects(
    runExperimentCost(["--ottt-forward", "fast"]),
    (e) => e instanceof OptionError && /ottt-forward 'fast'/.test(e.message),
  );
});
