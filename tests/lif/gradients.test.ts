import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bpttGradients } from "../../src/lif/bptt.ts";
import { mixedLoss } from "../../src/lif/loss.ts";
import { lifParams, pooled } from "../../src/lif/network.ts";
import { layerForward } from "../../src/nn/layer.ts";
import { refBackend } from "../../src/backend/ref.ts";
import { otttGradients } from "../../src/lif/ottt.ts";
import { safEGradients, safFGradients } from "../../src/lif/saf.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { spikeRepGradients } from "../../src/lif/spikerep.ts";
import { Rng } from "../../src/nn/rng.ts";
import { checkGradients, fcParams } from "../_fc.ts";
import { naiveOttt, naiveSafF } from "./_naive.ts";
import { lifInputs, lifLabels, lifNet, lifSpec, worstRel } from "./_lif.ts";

test("B1 claim 6: BPTT equals finite differences of the surrogate-relaxed network (detached reset)", () => {
  let compared = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true, maxT: 8 }), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const classes = net.layers[net.layers.length - 1].nOut;
      const run = () => lifForward(net, xs, spec.batch, { relaxed: true, record: true });
      // the relaxed objective: spikes passed on are sig(a (u - V_th)); the reset stays the hard
      // H, piecewise constant, so its derivative is 0 (detached) wherever it does not switch
      const loss = () =>
        run().outputs.reduce(
          (s, o) => s + mixedLoss(o, labels, spec.batch, classes, 0.05, 1 / spec.T).loss,
          0,
        );
      const signature = () =>
        run().spikeTrains.map((l) => l.map((s) => s.join("")).join("|")).join("/");
      const grads = bpttGradients(net, xs, labels, spec.batch, { relaxed: true }).grads;
      compared += checkGradients(lifParams(net), grads, loss, signature, new Rng(spec.seed), 3);
    }),
    fcParams(100),
  );
  console.log(`${compared} entries compared with finite differences`);
  assert.ok(compared > 500, `compared ${compared} entries`);
});

test("B4 claim 6: Spike Representation equals finite differences of its closed-form network", () => {
  let compared = 0;
  fc.assert(
    fc.property(lifSpec({ conv: true, maxT: 4 }), (spec) => {
      const net = lifNet(spec),
        xs = lifInputs(spec, net).slice(0, 1),
        labels = lifLabels(spec, net);
      const sr = () => spikeRepGradients(net, xs, labels, spec.batch, { closedForm: true });
      // the kinks of the objective: which closed-form units sit below 0, inside, or above V_th
      const signature = () => {
        let r = xs[0];
        return net.layers.slice(0, -1).map((l) => {
          const z = layerForward(l, r, l.w, l.b, spec.batch, refBackend);
          r = pooled(l, z.map((v) => Math.min(1, Math.max(0, v / net.vth))), spec.batch);
          return Array.from(z, (v) => (v < 0 ? 0 : v > net.vth ? 2 : 1)).join("");
        }).join("|");
      };
      compared += checkGradients(
        lifParams(net),
        sr().grads,
        () => sr().loss,
        signature,
        new Rng(spec.seed),
        3,
      );
    }),
    fcParams(100),
  );
  console.log(`${compared} entries compared with finite differences`);
  assert.ok(compared > 500, `compared ${compared} entries`);
});

test("B2 claim 6: OTTT (both variants, both readouts) equals an independent loop implementation of B2", () => {
  let worst = 0;
  fc.assert(
    fc.property(
      lifSpec(),
      fc.constantFrom("trace", "official"),
      fc.constantFrom("trace", "spike"),
      (spec, variant, readout) => {
        const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
        const v = variant as "trace" | "official", r = readout as "trace" | "spike";
        const naive = naiveOttt(net, xs, labels, spec.batch, v, r);
        const o = otttGradients(net, xs, labels, spec.batch, { variant: v, readout: r }).grads;
        worst = Math.max(worst, worstRel(o, naive));
        if (v === "trace") {
          const saf = safEGradients(net, xs, labels, spec.batch, { readout: r }).grads;
          worst = Math.max(worst, worstRel(saf, naive));
        }
        assert.ok(worst <= 1e-12, `relative difference ${worst}`);
      },
    ),
    fcParams(100),
  );
  console.log(`OTTT and SAF-E vs the loop implementation: worst ${worst.toExponential(2)}`);
});

test("B3 claim 6: SAF-F (surrogate at T) equals an independent loop implementation of B3", () => {
  let worst = 0;
  fc.assert(
    fc.property(lifSpec(), (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const naive = naiveSafF(net, xs, labels, spec.batch);
      worst = Math.max(worst, worstRel(safFGradients(net, xs, labels, spec.batch).grads, naive));
      assert.ok(worst <= 1e-12, `relative difference ${worst}`);
    }),
    fcParams(100),
  );
  console.log(`SAF-F vs the loop implementation: worst ${worst.toExponential(2)}`);
});
