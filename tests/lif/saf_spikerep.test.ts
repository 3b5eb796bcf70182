// SAF-F (window) = V_th^(L-l) x SR and the IF rate bound |gap| <= 1/T are registry claims
// (src/claims/lif_spikerep.ts, run by tests/claims/lif_spikerep.test.ts); these are the
// figures around them: the gradient gap at the closed form falls with T for lambda = 1, and a
// leaky neuron's rate keeps its gap.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { safFGradients } from "../../src/lif/saf.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { spikeRepGradients } from "../../src/lif/spikerep.ts";
import { fcParams } from "../_fc.ts";
import { closedRates } from "../../src/claims/lif_spikerep.ts";
import { maxAbsDiff } from "../../src/claims/compare.ts";
import { directInput, lifLabels, lifNet, lifSpec, relDiff, worstRel } from "./_lif.ts";

test("B4 claim 3 (asymptotic, figure): with lambda = 1 the SAF-F vs SR gradient gap at the closed form falls with T", () => {
  const Ts = [4, 16, 64, 256], rateGap = Ts.map(() => 0), gradGap = Ts.map(() => [] as number[]);
  fc.assert(
    fc.property(lifSpec({ lambda: 1, maxHidden: 2 }), (spec) => {
      const net = lifNet(spec), labels = lifLabels(spec, net);
      Ts.forEach((T, k) => {
        const xs = directInput(spec, net, T), run = lifForward(net, xs, spec.batch);
        const closed = spikeRepGradients(net, xs, labels, spec.batch, { closedForm: true });
        const r1 = run.rates[1];
        rateGap[k] = Math.max(rateGap[k], maxAbsDiff(r1, closedRates(net, xs[0], spec.batch)));
        const safF = safFGradients(net, xs, labels, spec.batch, { finalDerivative: "window" });
        const L = net.layers.length - 1;
        const scaled = closed.grads.map((g, p) =>
          g.map((v) => v * spec.vth ** (L - Math.floor(p / 2)))
        );
        gradGap[k].push(worstRel(safF.grads, scaled));
      });
    }),
    fcParams(100),
  );
  const median = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  console.log(
    `lambda = 1, T = ${Ts}: worst layer-1 rate gap ${rateGap.map((g) => g.toFixed(4))}; ` +
      `gradient gap SAF-F vs SR at the closed form, mean ${
        gradGap.map((g) => mean(g).toFixed(4))
      }, ` +
      `median ${gradGap.map((g) => median(g).toFixed(4))}`,
  );
  assert.ok(mean(gradGap[3]) < mean(gradGap[0]), "the gradient gap shrinks as T grows");
});

test("B4 claim 3 (not asymptotic for lambda < 1): the leaky rate keeps a gap that does not shrink with T", () => {
  const spec = {
    sizes: [4, 6, 3],
    conv: false,
    T: 1,
    lambda: 0.5,
    vth: 1,
    slope: 4,
    gain: 1,
    batch: 2,
    seed: 3,
  };
  const net = lifNet(spec);
  const gaps = [8, 64, 512].map((T) => {
    const xs = directInput(spec, net, T), run = lifForward(net, xs, spec.batch);
    return relDiff(run.rates[1], closedRates(net, xs[0], spec.batch));
  });
  console.log(
    `lambda = 0.5, T = 8, 64, 512: relative layer-1 rate gap ${gaps.map((g) => g.toFixed(4))}`,
  );
  assert.ok(
    gaps[2] > 0.05,
    "a leaky neuron's weighted rate is not the closed form, however long T",
  );
});
