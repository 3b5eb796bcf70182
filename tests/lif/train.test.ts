import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { trainLif } from "../../src/experiments/train_lif.ts";
import { LIF_METHODS } from "../../src/lif/methods.ts";
import { buildLayers } from "../../src/nn/architecture.ts";

const head = (s: ImageSet, n: number): ImageSet => ({
  ...s,
  count: n,
  images: s.images.subarray(0, n * s.rows * s.cols),
  labels: s.labels.subarray(0, n),
});

test("every LIF method trains a small net on the embedded subset past chance, evaluated as LIF", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  const train = head(data.train, 600), testSet = head(data.test, 300);
  for (const method of Object.keys(LIF_METHODS)) {
    const r = trainLif(train, testSet, {
      layers: [784, 32, 10],
      method,
      T: 3,
      epochs: 2,
      batch: 32,
      lr: 2e-3,
      seed: 1,
    });
    assert.ok(r.testAccuracy > 0.4, `${method}: test accuracy ${r.testAccuracy}`);
    assert.ok(r.firingRate > 0 && r.firingRate < 1, `${method}: firing rate ${r.firingRate}`);
    assert.equal(r.history.length, 2);
  }
});

test("a conv LIF net with average pooling trains past chance too", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  const layers = buildLayers({ h: 28, w: 28, c: 1 }, [{ conv: 4, k: 3, pad: "same", pool: 4 }, {
    dense: 10,
  }]);
  const r = trainLif(head(data.train, 300), head(data.test, 200), {
    layers,
    method: "saf-e",
    T: 2,
    epochs: 2,
    batch: 30,
    lr: 3e-3,
    seed: 0,
  });
  assert.ok(r.testAccuracy > 0.25, `test accuracy ${r.testAccuracy}`);
  assert.equal(r.network.layers[0].avgPool, 4);
});

test("a LIF net trained on the Bernoulli rate code passes 40% test accuracy, evaluated with the same code", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  const options = {
    layers: [784, 32, 10],
    method: "ottt-a",
    T: 4,
    epochs: 2,
    batch: 30,
    lr: 3e-3,
    seed: 2,
  };
  const r = trainLif(head(data.train, 600), head(data.test, 300), {
    ...options,
    coding: "bernoulli",
  });
  assert.ok(r.testAccuracy > 0.4, `test accuracy ${r.testAccuracy}`);
  assert.equal(r.coding, "bernoulli");
});

test("a LIF run's result records OTTT's variant where the run set one, and none elsewhere", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  const run = (method: string, variant?: "official" | "trace") =>
    trainLif(head(data.train, 64), head(data.test, 32), {
      layers: [784, 8, 10],
      method,
      variant,
      T: 2,
      epochs: 1,
      batch: 32,
      lr: 1e-3,
      seed: 1,
    });
  assert.equal(run("ottt-o", "official").variant, "official");
  assert.equal(run("ottt-o", "trace").variant, "trace");
  assert.ok(!("variant" in run("saf-e")));
});
