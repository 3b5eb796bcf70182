import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { OptionError } from "../../src/errors.ts";
import { constraintsExperiment } from "../../src/experiments/constraints.ts";
import { trainTtfs } from "../../src/experiments/train_ttfs.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Backward, b1Forward, type B1Hardware, b1Params } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { chainLengths } from "../../src/ttfs/intervals.ts";
import { b1FromRelu, calibrateIntervals } from "../../src/ttfs/mapping.ts";
import { quantizeWeights, weightRange } from "../../src/ttfs/quantize.ts";
import {
  checkGradients,
  fcParams,
  netSpec,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../_fc.ts";

test("A10: k-bit quantization uses at most 2^k levels on [lo, hi] and errs by at most half a step", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10 }),
      fc.integer(),
      fc.double({ min: 0, max: 0.2, noNaN: true }),
      (bits, seed, f) => {
        const r = new Rng(seed), W = Float64Array.from({ length: 300 }, () => r.normal());
        const [lo, hi] = weightRange(W, f), q = quantizeWeights(W, bits, lo, hi);
        const step = (hi - lo) / (2 ** bits - 1);
        assert.ok(new Set(q).size <= 2 ** bits);
        q.forEach((v, k) => {
          assert.ok(v >= lo - 1e-12 && v <= hi + 1e-12);
          const clipped = Math.min(hi, Math.max(lo, W[k]));
          assert.ok(Math.abs(v - clipped) <= step / 2 + 1e-12, `${W[k]} -> ${v}`);
        });
        if (f === 0) assert.deepEqual([lo, hi], [Math.min(...W), Math.max(...W)]);
      },
    ),
    fcParams(100),
  );
  assert.throws(() => quantizeWeights(new Float64Array(1), 0, 0, 1), OptionError);
  assert.throws(() => weightRange(new Float64Array(1), 0.5), OptionError);
});

test("A10: with clipping at tmin and seeded jitter, B = 1 gradients still equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(
      netSpec({ minClasses: 2, minDepth: 2, maxWidth: 16 }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
      (spec, sigma) => {
        const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
        const iv = calibrateIntervals(relu, x, spec.batch);
        // shorter intervals than the data needs, so that some neurons clip at tmin(n)
        const lengths = iv.tmax.slice(1).map((t, k) => (t - iv.tmin[k + 1]) / 3);
        const net = b1FromRelu(relu, chainLengths(lengths));
        const hw = (): B1Hardware => ({
          clipAtTmin: true,
          jitter: { sigma, rng: new Rng(spec.seed) },
        });
        const t0 = encodeInput(x), classes = spec.sizes[spec.sizes.length - 1];
        const labels = randomLabels(spec.seed, spec.batch, classes);
        const fwd = () => b1Forward(net, t0, spec.batch, undefined, hw());
        // the piecewise region: per neuron active / silent at tmax / pinned at tmin
        const region = () => {
          const f = fwd(), { tmin, tmax } = net.intervals;
          return f.spikeTimes.slice(1).map((t, n) =>
            Array.from(
              t,
              (
                v,
                k,
              ) => (f.active[n + 1][k]
                ? "a"
                : v >= tmax[n + 1]
                ? "s"
                : v <= tmin[n + 1]
                ? "p"
                : "?"),
            ).join("")
          ).join("|");
        };
        const f0 = fwd();
        const grads = b1Backward(
          net,
          f0,
          softmaxCrossEntropy(f0.logits, labels, spec.batch, classes).dLogits,
        );
        const loss = () => softmaxCrossEntropy(fwd().logits, labels, spec.batch, classes).loss;
        compared += checkGradients(b1Params(net), grads, loss, region, new Rng(spec.seed), 5);
        const clippedOk = fwd().spikeTimes.slice(1).every((t, n) =>
          t.every((v) => v >= net.intervals.tmin[n + 1])
        );
        assert.ok(clippedOk, "no spike before tmin(n)");
      },
    ),
    fcParams(100),
  );
  assert.ok(compared > 500, `only ${compared} entries compared`);
});

test("A10: experiment constraints measures every setting, and fine-tuning recovers 2-bit quantization", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const head = (s: ImageSet, n: number): ImageSet => ({
    ...s,
    count: n,
    images: s.images.subarray(0, n * 784),
    labels: s.labels.subarray(0, n),
  });
  const tr = head(train, 1000), te = head(testSet, 300);
  const { network } = trainTtfs(tr, te, { hidden: [24], epochs: 3, batch: 32, lr: 2e-3, seed: 1 });
  const r = constraintsExperiment(network, tr, te, {
    bits: [2],
    jitters: [0.05],
    latencies: [8],
    outlierFraction: 0.01,
    finetuneEpochs: 2,
    batch: 32,
    lr: 3e-4,
    seed: 0,
  });
  assert.deepEqual(r.rows.map((x) => x.label), [
    "none (intervals fitted to the data)",
    "weights 2 bits",
    "jitter sigma 0.05 B_n",
    "latency / 8",
  ]);
  const q = r.rows[1];
  assert.ok(q.accuracyBefore < r.rows[0].accuracyBefore, "2-bit weights cost accuracy");
  assert.ok(
    q.accuracyAfter > q.accuracyBefore,
    `fine-tuning: ${q.accuracyBefore} -> ${q.accuracyAfter}`,
  );
  for (const row of r.rows) {
    assert.ok(row.spikesPerNeuronAfter > 0 && row.spikesPerNeuronAfter <= 1);
  }
  assert.throws(
    () =>
      constraintsExperiment(network, tr, te, {
        ...{ bits: [0], jitters: [], latencies: [] },
        outlierFraction: 0,
        finetuneEpochs: 0,
        batch: 8,
        lr: 1e-4,
        seed: 0,
      }),
    OptionError,
  );
});
