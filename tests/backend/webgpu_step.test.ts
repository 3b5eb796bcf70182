/**
 * The WebGPU backend's own float32 training step (src/steps/ttfs/webgpu.ts) against the
 * float64 reference, as tests/backend/twin_step.test.ts does for the wasm step.
 *
 * The step returns only figures and the parameters, so the gradients are read off the
 * parameters: with Adam's beta1 = beta2 = 0 and epsilon = lr = 1e4 one step moves each
 * parameter by lr g / (|g| + eps) = g (1 - |g| / 1e4 + ...), i.e. by the gradient itself within
 * a relative 1e-4 |g| (|g| < 1 here). Tolerances as for the wasm step: every gradient entry
 * within 1e-3 of the largest entry of its array (float32 sums of up to 784 products, summed in
 * another order, through two layers and the softmax); the mean loss within 1e-5 relative;
 * correct counts and the max activation equal (the latter within 1e-5 relative).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openBackend } from "../../src/backend/select.ts";
import { createWebGpuBackend } from "../../src/backend/webgpu.ts";
import { webGpuAvailable } from "../../src/backend/webgpu/device.ts";
import { TWIN_STEP_ADAM } from "../../src/steps/ttfs/step.ts";
import { createWebGpuTwinStep } from "../../src/steps/ttfs/webgpu.ts";
import { gatherBatch } from "../../src/data/batching.ts";
import { type ImageSet, loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { ShapeError, ValueError } from "../../src/errors.ts";
import { trainTtfsAsync } from "../../src/experiments/train_ttfs.ts";
import { l2Norm } from "../../src/nn/linalg.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { reluMlpBackward, reluMlpForward, reluMlpParams } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Backward, b1Forward, b1Params, initB1Network } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { reluFromB1 } from "../../src/ttfs/mapping.ts";

const hasWebGpu = await webGpuAvailable(5000);
const skip = hasWebGpu ? false : "no WebGPU in this runtime (navigator.gpu missing)";
if (skip) console.log(`webgpu_step.test.ts: WebGPU tests skipped: ${skip}`);

/** Adam that is plain gradient descent with step 1 (see the module doc). */
const SGD = { lr: 1e4, beta1: 0, beta2: 0, epsilon: 1e4, decayRate: 1, decaySteps: 1 };
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const f32 = (ps: Float64Array[]) => ps.map((p) => Float64Array.from(Float32Array.from(p)));

test(
  "the webgpu-owned float32 ttfs-fc2 step gives the reference's losses, max activations and gradients of the SNN and its twin, within 1e-3 of the largest gradient",
  {
    skip,
  },
  async () => {
    const { train } = await loadFashionMnist({ dir: "embedded" });
    const B = 64, b = gatherBatch(train, new Rng(5).permutation(train.count), 0, B);
    const net = initB1Network([784, 340, 10], new Rng(6)), twin = reluFromB1(net);
    const f = b1Forward(net, encodeInput(b.x), B);
    const loss = softmaxCrossEntropy(f.logits, b.labels, B, 10);
    const g = b1Backward(net, f, loss.dLogits);
    const tf = reluMlpForward(twin, b.x, B), tl = softmaxCrossEntropy(tf.logits, b.labels, B, 10);
    const tg = reluMlpBackward(twin, tf, tl.dLogits);

    const snn = b1Params(net), tw = reluMlpParams(twin);
    const gpu = await createWebGpuBackend();
    const run = await createWebGpuTwinStep(gpu.gpu!, {
      sizes: [784, 340, 10],
      snn,
      twin: tw,
      adam: SGD,
      t: 0,
    });
    try {
      const r = await run.step(b.x, b.labels, B);
      assert.ok(Math.abs(r.loss - loss.loss) <= 1e-5 * loss.loss, `${r.loss} vs ${loss.loss}`);
      assert.ok(Math.abs(r.twinLoss - tl.loss) <= 1e-5 * tl.loss);
      assert.equal(r.correct, loss.correct);
      assert.equal(r.twinCorrect, tl.correct);
      const mx = f.maxActivation[0];
      assert.ok(Math.abs(r.maxActivation[0] - mx) <= 1e-5 * mx, `${r.maxActivation} vs ${mx}`);
      const after = [snn.map((p) => p.slice()), tw.map((p) => p.slice())];
      await run.read({ snn: after[0], twin: after[1] });
      const before = [f32(snn), f32(tw)];
      [g, tg].forEach((want, m) =>
        want.forEach((w, k) => {
          const got = before[m][k].map((v, i) => v - after[m][k][i]);
          const scale = maxAbs(w), diff = maxAbs(w.map((v, i) => v - got[i]));
          assert.ok(diff <= 1e-3 * scale, `model ${m} gradient ${k}: max diff ${diff} of ${scale}`);
        })
      );
      const norms = [g, tg].map((gs) => gs.filter((_, k) => k % 2 === 0).map(l2Norm));
      [r.gradNorms, r.twinGradNorms].forEach((got, m) =>
        got.forEach((v, l) => assert.ok(Math.abs(v - norms[m][l]) <= 1e-3 * norms[m][l]))
      );
      const fwd = await run.forward!(b.x.subarray(0, 5 * 784), 5);
      assert.equal(fwd.logits.length, 50);
      assert.equal(fwd.activations[0].length, 5 * 340);
    } finally {
      run.close();
      gpu.close();
    }
  },
);

test("the webgpu-owned step rejects labels that are not classes and parameters of the wrong size", {
  skip,
}, async () => {
  const gpu = await createWebGpuBackend(), net = initB1Network([6, 3, 2], new Rng(1));
  const spec = { sizes: [6, 3, 2], snn: b1Params(net), twin: b1Params(net), adam: SGD, t: 0 };
  const run = await createWebGpuTwinStep(gpu.gpu!, spec);
  try {
    await assert.rejects(run.step(new Float64Array(6), [2], 1), ValueError);
    await assert.rejects(run.step(new Float64Array(5), [0], 1), ShapeError);
    await assert.rejects(
      createWebGpuTwinStep(gpu.gpu!, { ...spec, snn: [new Float64Array(3), ...spec.snn.slice(1)] }),
      ShapeError,
    );
  } finally {
    run.close();
    gpu.close();
  }
});

/** The first `n` images of a set. */
function head(s: ImageSet, n: number): ImageSet {
  return {
    ...s,
    count: n,
    images: s.images.subarray(0, n * s.rows * s.cols),
    labels: s.labels.subarray(0, n),
  };
}

test(
  "trainTtfsAsync on the webgpu step (twin off: the float64 replay checks it) trains a ttfs net whose SNN and twin agree on every test image, within 2 points of the wasm step's accuracy",
  {
    skip,
  },
  async () => {
    const data = await loadFashionMnist({ dir: "embedded" });
    const train = head(data.train, 640), test = head(data.test, 300);
    const o = { hidden: [24], epochs: 2, batch: 32, lr: 2e-3, seed: 3 };
    const results = [];
    for (const name of ["wasm", "webgpu"]) {
      const backend = await openBackend(name);
      try {
        results.push(await trainTtfsAsync(train, test, { ...o, backend }));
      } finally {
        backend.close();
      }
    }
    const [wasm, gpu] = results;
    assert.equal(gpu.agreementWithReluTwin, 1);
    assert.equal(gpu.reluTwin, "mapped"); // the fused steps leave the twin off by default
    for (const e of gpu.history) {
      assert.ok(e.replayMaxAbsWeightDiff! < 1e-10, `${e.replayMaxAbsWeightDiff}`);
    }
    assert.ok(gpu.testAccuracy > 0.5, `accuracy ${gpu.testAccuracy}`);
    assert.ok(
      Math.abs(gpu.testAccuracy - wasm.testAccuracy) <= 0.02,
      `${gpu.testAccuracy} vs ${wasm.testAccuracy}`,
    );
  },
);

test(
  "the webgpu step with trainTwin false trains the SNN bit for bit as with the twin on, reports no twin figures and reads the twin back as the SNN's map",
  {
    skip,
  },
  async () => {
    const { train } = await loadFashionMnist({ dir: "embedded" });
    const net = initB1Network([784, 24, 10], new Rng(8)), gpu = await createWebGpuBackend();
    const runs = [];
    try {
      for (const trainTwin of [true, false]) {
        const spec = { sizes: [784, 24, 10], snn: b1Params(net), twin: b1Params(net), t: 0 };
        const run = await createWebGpuTwinStep(gpu.gpu!, {
          ...spec,
          adam: TWIN_STEP_ADAM,
          trainTwin,
        });
        const losses = [];
        for (let k = 0; k < 3; k++) {
          const b = gatherBatch(train, new Rng(k).permutation(train.count), 0, 32);
          const r = await run.step(b.x, b.labels, 32);
          losses.push(r.loss, r.correct);
          if (!trainTwin) assert.ok(Number.isNaN(r.twinLoss) && Number.isNaN(r.twinCorrect));
        }
        const into = {
          snn: b1Params(net).map((p) => p.slice()),
          twin: b1Params(net).map((p) => p.slice()),
        };
        await run.read(into);
        assert.equal(run.twinTrained, trainTwin);
        run.close();
        runs.push({ losses, into });
      }
    } finally {
      gpu.close();
    }
    const [on, off] = runs;
    assert.deepEqual(off.losses, on.losses);
    assert.deepEqual(off.into.snn, on.into.snn);
    assert.deepEqual(off.into.twin, off.into.snn);
  },
);
