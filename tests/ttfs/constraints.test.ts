// The quantization and hardware-gradient claims are registry claims
// (src/claims/ttfs_hardware.ts, run by tests/claims/ttfs_hardware.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { OptionError } from "../../src/errors.ts";
import { constraintsExperiment } from "../../src/experiments/constraints.ts";
import { trainTtfs } from "../../src/experiments/train_ttfs.ts";
import { quantizeWeights, weightRange } from "../../src/ttfs/quantize.ts";

test("A10: quantizeWeights and weightRange reject 0 bits and an outlier fraction of 1/2 with an OptionError", () => {
  assert.throws(() => quantizeWeights(new Float64Array(1), 0, 0, 1), OptionError);
  assert.throws(() => weightRange(new Float64Array(1), 0.5), OptionError);
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
