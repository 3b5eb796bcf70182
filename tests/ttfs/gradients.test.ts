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
  fcParams,
  generalRegion,
  netSpec,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../_fc.ts";

/**
 * Compare hand-written gradients with central finite differences on up to `perArray` random
 * entries of every parameter array. `signature` describes the piecewise region (which neurons
 * fire, which inputs are causal); entries whose +-h perturbation leaves the region sit at a
 * kink, where no derivative exists, and are skipped. Returns how many entries were compared.
 */
function checkGradients(
  params: Float64Array[],
  grads: Float64Array[],
  loss: () => number,
  signature: () => string,
  rng: Rng,
  perArray = 6,
): number {
  const base = signature();
  let compared = 0;
  params.forEach((p, a) => {
    for (let r = 0; r < Math.min(perArray, p.length); r++) {
      const k = rng.int(p.length), v = p[k], h = 1e-6 * Math.max(1, Math.abs(v));
      p[k] = v + h;
      const up = loss(), sUp = signature();
      p[k] = v - h;
      const down = loss(), sDown = signature();
      p[k] = v;
      if (sUp !== base || sDown !== base) continue;
      const fd = (up - down) / (2 * h), g = grads[a][k];
      assert.ok(
        Math.abs(fd - g) <= 1e-6 + 1e-5 * Math.abs(g),
        `param array ${a} entry ${k}: hand-written ${g}, finite difference ${fd}`,
      );
      compared++;
    }
  });
  return compared;
}

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
