import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { OptionError } from "../../src/errors.ts";
import { trainTtfs } from "../../src/experiments/train_ttfs.ts";

/** The first n images of a set. */
function head(set: ImageSet, n: number): ImageSet {
  const px = set.rows * set.cols;
  return {
    ...set,
    count: n,
    images: set.images.subarray(0, n * px),
    labels: set.labels.subarray(0, n),
  };
}

test("TTFS training is deterministic: the same seed gives the same losses and test accuracy, another seed other losses", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const opts = { hidden: [12, 8], epochs: 1, batch: 16, lr: 2e-3, seed: 11 };
  const a = trainTtfs(head(train, 400), head(testSet, 200), opts);
  const b = trainTtfs(head(train, 400), head(testSet, 200), opts);
  const c = trainTtfs(head(train, 400), head(testSet, 200), { ...opts, seed: 12 });
  assert.deepEqual(a.history.map((h) => h.trainLoss), b.history.map((h) => h.trainLoss));
  assert.equal(a.testAccuracy, b.testAccuracy);
  assert.notEqual(a.history[0].trainLoss, c.history[0].trainLoss);
});

test("ttfs-fc2 trained 2 epochs on the embedded subset passes 72% test accuracy with a falling loss, and the SNN gives its ReLU twin's predictions (logits within 1e-9)", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const r = trainTtfs(train, testSet, { hidden: [340], epochs: 2, batch: 32, lr: 1e-3, seed: 0 });
  assert.ok(r.testAccuracy > 0.72, `test accuracy ${r.testAccuracy}`);
  assert.equal(r.testAccuracy, r.reluTwinTestAccuracy);
  assert.equal(r.agreementWithReluTwin, 1);
  assert.ok(r.maxAbsLogitDiffVsReluTwin < 1e-9, `logit diff ${r.maxAbsLogitDiffVsReluTwin}`);
  assert.ok(r.spikesPerNeuron > 0 && r.spikesPerNeuron < 1, `spikes/neuron ${r.spikesPerNeuron}`);
  assert.ok(r.history[1].trainLoss < r.history[0].trainLoss);
});

test("trainTtfs rejects bad options by name", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const ok = { hidden: [4], epochs: 1, batch: 8, lr: 1e-3, seed: 0 };
  assert.throws(() => trainTtfs(train, testSet, { ...ok, epochs: 0 }), /epochs/);
  assert.throws(() => trainTtfs(train, testSet, { ...ok, batch: 2.5 }), OptionError);
  assert.throws(() => trainTtfs(train, testSet, { ...ok, hidden: [0] }), /hidden width/);
  assert.throws(() => trainTtfs(train, testSet, { ...ok, lr: NaN }), /lr/);
});
