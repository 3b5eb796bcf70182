import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { layerSizes } from "../../src/nn/architecture.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { reluMlpForward, reluMlpParams } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalBackward, generalForward, generalParams } from "../../src/ttfs/general.ts";
import { mapReluExactly, reverseMapTtfs } from "../../src/ttfs/mapping.ts";
import {
  checkGradients,
  type ConvSpec,
  convSpec,
  fcParams,
  generalRegion,
  maxAbs,
  maxAbsDiff,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../_fc.ts";

/** A random ReLU conv net, its data, and its exact image on general neurons (SPEC A4, A8). */
function mappedConv(spec: ConvSpec) {
  const relu = randomRelu(spec), sizes = layerSizes(spec.layers);
  const x = randomInputs(spec.seed, spec.batch, sizes[0]);
  return {
    relu,
    x,
    t0: encodeInput(x),
    classes: sizes[sizes.length - 1],
    ...mapReluExactly(relu, x, spec.batch),
  };
}

test("A8 claim 2 (conv): a ReLU conv net mapped exactly onto general neurons gives its logits within 1e-9 relative, every spike in [tmin, tmax]", () => {
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { relu, x, t0, snn } = mappedConv(spec);
      const f = generalForward(snn, t0, spec.batch);
      const want = reluMlpForward(relu, x, spec.batch).logits;
      const err = maxAbsDiff(f.logits, want), scale = Math.max(1, maxAbs(want));
      assert.ok(err <= 1e-9 * scale, `logit error ${err} at scale ${scale}`);
      for (let n = 1; n < f.neuronTimes.length; n++) {
        for (const t of f.neuronTimes[n]) {
          assert.ok(
            t >= snn.intervals.tmin[n] && t <= snn.intervals.tmax[n],
            `t = ${t} in layer ${n}`,
          );
        }
      }
    }),
    fcParams(150),
  );
});

test("A8 claim 4 (conv): the reverse mapping recovers the rescaled conv net's w and b", () => {
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { snn, rescaled } = mappedConv(spec);
      const back = reluMlpParams(reverseMapTtfs(snn)), want = reluMlpParams(rescaled);
      want.forEach((p, k) => assert.ok(maxAbsDiff(back[k], p) <= 1e-9 * Math.max(1, maxAbs(p))));
    }),
    fcParams(100),
  );
});

test("A7 claim 5 (conv): hand-written general-neuron conv gradients equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { snn: net, t0, classes } = mappedConv(spec);
      // leave the alpha = 1 mapping: random alpha in [0.5, 1.5] and thresholds nudged by 5%
      const rng = new Rng(spec.seed ^ 0x1234567);
      for (const l of net.hidden) {
        l.alpha.forEach((_, i) => (l.alpha[i] = 0.5 + rng.uniform()));
        l.theta.forEach((v, i) => (l.theta[i] = v * (0.95 + 0.1 * rng.uniform())));
      }
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const fwd = () => generalForward(net, t0, spec.batch);
      const loss = () => softmaxCrossEntropy(fwd().logits, labels, spec.batch, classes);
      const grads = generalBackward(net, fwd(), loss().dLogits);
      compared += checkGradients(
        generalParams(net),
        grads,
        () => loss().loss,
        () => generalRegion(fwd()),
        rng,
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});
