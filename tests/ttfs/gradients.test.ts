import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Backward, b1Forward, type B1Network, b1Params } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import {
  generalBackward,
  generalForward,
  type GeneralNetwork,
  generalParams,
} from "../../src/ttfs/general.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../../src/ttfs/mapping.ts";
import {
  b1Region,
  checkGradients,
  fcParams,
  generalRegion,
  netSpec,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../_fc.ts";

test("A7 claim 5: hand-written B = 1 SNN gradients equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(netSpec({ minClasses: 2 }), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const net: B1Network = b1FromRelu(relu, calibrateIntervals(relu, x, spec.batch));
      const t0 = encodeInput(x), classes = spec.sizes[spec.sizes.length - 1];
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const loss = () =>
        softmaxCrossEntropy(b1Forward(net, t0, spec.batch).logits, labels, spec.batch, classes);
      const signature = () => b1Region(b1Forward(net, t0, spec.batch), net.intervals);
      const grads = b1Backward(net, b1Forward(net, t0, spec.batch), loss().dLogits);
      compared += checkGradients(
        b1Params(net),
        grads,
        () => loss().loss,
        signature,
        new Rng(spec.seed),
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});

test("A7 claim 5: hand-written general-neuron (alpha, J, theta) gradients equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(netSpec({ minClasses: 2, maxDepth: 4, maxWidth: 16 }), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const net: GeneralNetwork = mapReluExactly(relu, x, spec.batch).snn;
      // leave the alpha = 1 mapping: random alpha in [0.5, 1.5] and thresholds nudged by 5%
      const rng = new Rng(spec.seed ^ 0x1234567);
      for (const l of net.hidden) {
        l.alpha.forEach((_, i) => (l.alpha[i] = 0.5 + rng.uniform()));
        l.theta.forEach((v, i) => (l.theta[i] = v * (0.95 + 0.1 * rng.uniform())));
      }
      const t0 = encodeInput(x), classes = spec.sizes[spec.sizes.length - 1];
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const loss = () =>
        softmaxCrossEntropy(
          generalForward(net, t0, spec.batch).logits,
          labels,
          spec.batch,
          classes,
        );
      const signature = () => generalRegion(generalForward(net, t0, spec.batch));
      const grads = generalBackward(net, generalForward(net, t0, spec.batch), loss().dLogits);
      compared += checkGradients(generalParams(net), grads, () => loss().loss, signature, rng);
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});
