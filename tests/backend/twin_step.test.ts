/**
 * The wasm backend's own float32 training step (src/steps/ttfs/wasm.ts) against the
 * float64 reference.
 *
 * Gradients: the same float32 kernels as tests/backend/wasm.test.ts (each entry within
 * gamma_{K+2} of its absolute sum, about 5e-5 relative for K = 784), summed in another order;
 * through two layers and the softmax every gradient entry stays within 1e-3 of the largest
 * entry and the mean loss within 1e-5 relative, unless a hidden neuron's ReLU decision flips
 * (a pre-activation within float32 round-off of 0), which the max-activation check would show.
 * Adam: float32 arithmetic on the same formula, checked on gradients bounded away from 0 (near
 * 0, m / sqrt(v) is a ratio of round-offs and any precision gives any sign).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmTwinStep, loadedCore } from "../../src/steps/ttfs/wasm.ts";
import { TWIN_STEP_ADAM as ADAM, type TwinStepSpec } from "../../src/steps/ttfs/step.ts";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { ShapeError, ValueError } from "../../src/errors.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { reluMlpBackward, reluMlpForward, reluMlpParams } from "../../src/nn/mlp.ts";
import { Adam } from "../../src/nn/optim.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Backward, b1Forward, b1Params, initB1Network } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { reluFromB1 } from "../../src/ttfs/mapping.ts";

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const zerosLike = (ps: Float64Array[]) => ps.map((p) => new Float64Array(p.length));

function fc2Spec(seed: number): TwinStepSpec {
  const net = initB1Network([784, 340, 10], new Rng(seed));
  return {
    sizes: [784, 340, 10],
    snn: b1Params(net),
    twin: b1Params(net).map((p) => p.slice()),
    adam: ADAM,
    t: 0,
  };
}

test("the wasm-owned float32 ttfs-fc2 step gives the reference's losses, max activations and gradients of the SNN and its twin, within 1e-3 of the largest gradient", async () => {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const B = 64, b = gatherBatch(train, new Rng(5).permutation(train.count), 0, B);
  const net = initB1Network([784, 340, 10], new Rng(6)), twin = reluFromB1(net);
  const f = b1Forward(net, encodeInput(b.x), B),
    loss = softmaxCrossEntropy(f.logits, b.labels, B, 10);
  const g = b1Backward(net, f, loss.dLogits);
  const tf = reluMlpForward(twin, b.x, B), tl = softmaxCrossEntropy(tf.logits, b.labels, B, 10);
  const tg = reluMlpBackward(twin, tf, tl.dLogits);

  const snn = b1Params(net), tw = reluMlpParams(twin);
  const core = loadedCore({ sizes: [784, 340, 10], snn, twin: tw, adam: ADAM, t: 0 });
  const share = core.gradients(b.x, b.labels, B, B), gs = zerosLike(snn), gt = zerosLike(tw);
  core.read(gs, gt, core.G);
  assert.ok(Math.abs(share.loss / B - loss.loss) <= 1e-5 * loss.loss);
  assert.ok(Math.abs(share.twinLoss / B - tl.loss) <= 1e-5 * tl.loss);
  assert.equal(share.correct, loss.correct);
  assert.equal(share.twinCorrect, tl.correct);
  assert.ok(Math.abs(share.maxActivation[0] - f.maxActivation[0]) <= 1e-5 * f.maxActivation[0]);
  for (const [want, got] of [[g, gs], [tg, gt]]) {
    want.forEach((w, k) => {
      const scale = maxAbs(w), diff = maxAbs(w.map((v, i) => v - got[k][i]));
      assert.ok(diff <= 1e-3 * scale, `gradient ${k}: max diff ${diff}, max entry ${scale}`);
    });
  }
});

test("the float32 Adam step of the resident core equals nn/optim's Adam within float32 round-off over three steps", () => {
  const rng = new Rng(3), sizes = [37, 3];
  const p = [
    Float64Array.from({ length: 111 }, () => rng.normal()),
    Float64Array.from({ length: 3 }, () => rng.normal()),
  ];
  const spec = {
    sizes,
    snn: p.map((a) => a.slice()),
    twin: p.map((a) => a.slice()),
    adam: ADAM,
    t: 0,
  };
  const core = loadedCore(spec), ref = p.map((a) => a.slice()), opt = new Adam(ref, ADAM);
  for (let s = 0; s < 3; s++) {
    const g = p.map((a) => a.map(() => (rng.uniform() < 0.5 ? -1 : 1) * (0.1 + rng.uniform())));
    core.load(g, g); // gradients go in through the parameters' layout, then move to G
    core.view(core.G).set(core.view(core.P));
    core.load(s === 0 ? p : ref.map((a) => a.slice()), s === 0 ? p : ref.map((a) => a.slice()));
    core.adam(core.G);
    opt.step(g);
    const got = zerosLike(p), twin = zerosLike(p);
    core.read(got, twin);
    got.forEach((a, k) =>
      a.forEach((v, i) => assert.ok(Math.abs(v - ref[k][i]) <= 1e-6, `${v} vs ${ref[k][i]}`))
    );
    assert.deepEqual(twin, got);
  }
});

test("two workers take the same ttfs-fc2 steps as one thread: losses, correct counts and gradient norms within float32 round-off", async () => {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const order = new Rng(8).permutation(train.count), B = 64;
  const one = createWasmTwinStep(fc2Spec(2));
  const two = createWasmTwinStep(fc2Spec(2), 2);
  try {
    for (let s = 0; s < 3; s++) {
      const b = gatherBatch(train, order, s * B, s === 2 ? B - 7 : B); // odd last share
      const r1 = one.step(b.x, b.labels, b.size), r2 = two.step(b.x, b.labels, b.size);
      assert.ok(
        Math.abs(r1.loss - r2.loss) <= 1e-5 * r1.loss &&
          Math.abs(r1.twinLoss - r2.twinLoss) <= 1e-5 * r1.loss,
      );
      assert.equal(r2.correct, r1.correct);
      assert.equal(r2.twinCorrect, r1.twinCorrect);
      [...r1.gradNorms, ...r1.twinGradNorms].forEach((v, k) => {
        const w = [...r2.gradNorms, ...r2.twinGradNorms][k];
        assert.ok(Math.abs(v - w) <= 1e-4 * v, `step ${s} norm ${k}: ${v} vs ${w}`);
      });
      assert.deepEqual(
        r2.maxActivation.map((v) => v.toPrecision(4)),
        r1.maxActivation.map((v) => v.toPrecision(4)),
      );
    }
    assert.throws(
      () => two.step(new Float64Array(784 * (B + 1)), new Int32Array(B + 1), B + 1),
      ShapeError,
    );
  } finally {
    one.close();
    two.close();
  }
});

test("the owned step rejects labels that are not classes and parameters of the wrong size", () => {
  const run = createWasmTwinStep(fc2Spec(1));
  assert.throws(() => run.step(new Float64Array(784), [10], 1), ValueError);
  assert.throws(() => run.step(new Float64Array(10), [0], 1), ShapeError);
  const bad = fc2Spec(1);
  bad.snn[0] = new Float64Array(3);
  assert.throws(() => createWasmTwinStep(bad), ShapeError);
});
