/**
 * Whole-model equivalence of the WASM backend with the float64 reference.
 *
 * One training step: the float32 kernels agree with the reference per entry within
 * gamma_{K+2} of the absolute sums (tests/backend/wasm.test.ts), about 5e-5 relative for
 * K = 784. Through two layers and the softmax the loss and every gradient entry stay within
 * 1e-3 of the largest gradient entry, provided no hidden neuron's ReLU decision flips (a
 * pre-activation within float32 round-off of 0); the test checks that none does on this batch.
 * One epoch: both backends train from the same init on the same batches; float32 round-off
 * moves the trajectory a little, and the test accuracy must stay within 0.3 points. The wasm
 * backend trains dense nets with its fused float32 step (src/steps/ttfs/wasm.ts,
 * tests/backend/twin_step.test.ts); with `step: "ref"` the reference step runs on its kernels.
 * lif-mlp: tests/backend/lif_wasm.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { refBackend } from "../../src/backend/ref.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { trainTtfs } from "../../src/experiments/train_ttfs.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Backward, b1Forward, initB1Network } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test("one ttfs-fc2 training step on the wasm backend gives the reference's loss and gradients within 1e-3 of the largest gradient", async () => {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const B = 64, b = gatherBatch(train, new Rng(5).permutation(train.count), 0, B);
  const net = initB1Network([784, 340, 10], new Rng(6)), wasm = createWasmBackend();
  const step = (backend = refBackend) => {
    const f = b1Forward(net, encodeInput(b.x), B, backend);
    const loss = softmaxCrossEntropy(f.logits, b.labels, B, 10);
    return { f, loss, grads: b1Backward(net, f, loss.dLogits, backend) };
  };
  const ref = step(), got = step(wasm);
  assert.deepEqual(got.f.active[1], ref.f.active[1], "no ReLU decision flips on this batch");
  assert.ok(Math.abs(got.loss.loss - ref.loss.loss) <= 1e-5 * ref.loss.loss);
  ref.grads.forEach((g, k) => {
    const scale = maxAbs(g), diff = maxAbs(g.map((v, i) => v - got.grads[k][i]));
    assert.ok(diff <= 1e-3 * scale, `gradient ${k}: max diff ${diff}, max entry ${scale}`);
  });
});

test("one epoch of ttfs-fc2 on the embedded subset: the wasm backend's own float32 step, in one thread and over two workers, and its float64-API kernels each reach the reference's test accuracy within 0.3 points", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const opts = { hidden: [340], epochs: 1, batch: 64, lr: 1e-3, seed: 0 };
  const ref = trainTtfs(train, testSet, opts);
  const runs = [{}, { backend: createWasmBackend({ workers: 2 }) }, { step: "ref" as const }];
  for (const run of runs) {
    const wasm = trainTtfs(train, testSet, { ...opts, backend: createWasmBackend(), ...run });
    const points = Math.abs(wasm.testAccuracy - ref.testAccuracy) * 100;
    assert.ok(points <= 0.3, `ref ${ref.testAccuracy}, wasm ${wasm.testAccuracy}`);
    assert.equal(wasm.agreementWithReluTwin, 1);
  }
});

test("the fused wasm step trains the ReLU twin only with twin: true; by default the twin is the SNN's map and each epoch ends with a float64 replay of both that stays within round-off", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const opts = { hidden: [64], epochs: 2, batch: 64, lr: 1e-3, seed: 1 };
  const mapped = trainTtfs(train, testSet, { ...opts, backend: createWasmBackend() });
  assert.equal(mapped.reluTwin, "mapped");
  assert.ok(Number.isNaN(mapped.maxAbsWeightDiffVsReluTwin));
  assert.equal(mapped.agreementWithReluTwin, 1);
  for (const h of mapped.history) {
    assert.ok(Number.isNaN(h.reluTwinTrainLoss));
    assert.ok(h.replayMaxAbsWeightDiff! < 1e-12, `replay ${h.replayMaxAbsWeightDiff}`);
  }
  const trained = trainTtfs(train, testSet, { ...opts, backend: createWasmBackend(), twin: true });
  assert.equal(trained.reluTwin, "trained");
  assert.equal(trained.maxAbsWeightDiffVsReluTwin, 0); // float32: the same operands, by construction
  assert.equal(trained.history[0].replayMaxAbsWeightDiff, undefined);
  assert.equal(trained.testAccuracy, mapped.testAccuracy); // the twin does not touch the SNN's path
  const ref = trainTtfs(train, testSet, { ...opts, epochs: 1 });
  assert.equal(ref.reluTwin, "trained");
});
