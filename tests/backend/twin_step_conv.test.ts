/**
 * The fused float32 TTFS step on conv networks (src/steps/ttfs/wasm_layers.ts: im2col, the
 * dense layer's GEMM and nonlinearity, max-pool, and back) against the float64 reference step
 * (createRefTwinStep over b1Forward / b1Backward) from the same B = 1 network.
 *
 * Bounds (as the dense step's claim, src/claims/ttfs_fused_step.ts and proofs/backend-float32.md
 * section 4): every pre-activation carries a float32 kernel's error (a dot product of at most
 * k k inC or nIn terms), ReLU and the max-pool pass it on unchanged, unless a firing decision
 * or a pool winner flips (two values within round-off), which random inputs almost never
 * produce. Without a flip, one batch's mean loss agrees to 1e-5 relative, the largest
 * activations to 1e-5 relative, the correct counts exactly, and every gradient entry to 1e-4
 * of its array's largest entry (the dense test allows 1e-3 for K = 784); Adam moves a weight by
 * at most about lr per step in either precision, so after k steps the weights differ by less
 * than 2 k lr.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { ShapeError } from "../../src/errors.ts";
import { buildLayers, layerSizes, type LayerSpec } from "../../src/nn/architecture.ts";
import type { LayerGeometry } from "../../src/nn/layer.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { reluMlpBackward, reluMlpForward } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createRefTwinStep } from "../../src/steps/ttfs/ref.ts";
import { createTwinStep } from "../../src/steps/ttfs/select.ts";
import { TWIN_STEP_ADAM } from "../../src/steps/ttfs/step.ts";
import {
  createWasmTwinStep,
  loadedCore,
  type WasmTwinStepSpec,
} from "../../src/steps/ttfs/wasm.ts";
import { b1Backward, b1Forward, b1Params, initB1Network } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { widenIntervals } from "../../src/ttfs/intervals.ts";
import { reluFromB1 } from "../../src/ttfs/mapping.ts";

const LR = 1e-3, ADAM = { ...TWIN_STEP_ADAM, lr: LR };
const maxAbs = (a: ArrayLike<number>) =>
  Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const rel = (got: number, want: number) => Math.abs(got - want) / (Math.abs(want) + 1e-30);

/** The brief's net: 8x8x1, conv 3@3x3 same pool 2, conv 4@3x3, fc 5, fc 3. */
const SMALL: LayerSpec[] = [
  { conv: 3, k: 3, pad: "same", pool: 2 },
  { conv: 4, k: 3 },
  { dense: 5 },
  { dense: 3 },
];

/** A random small conv net: odd sizes, pad valid or same, pools that drop rows, 1-2 convs. */
function randomNet(rng: Rng): { layers: LayerGeometry[]; classes: number } {
  const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  for (;;) {
    const h = int(5, 9), w = int(5, 9), classes = int(2, 4);
    const specs: LayerSpec[] = [];
    for (let n = int(1, 2); n > 0; n--) {
      const pool = int(1, 2), k = [1, 3, 5][int(0, 2)];
      specs.push({ conv: int(1, 5), k, pad: rng.uniform() < 0.5 ? "same" : "valid", pool });
    }
    specs.push({ dense: int(2, 8) }, { dense: classes });
    try {
      return { layers: buildLayers({ h, w, c: int(1, 2) }, specs), classes };
    } catch {
      continue; // a kernel or pool that does not fit: draw again
    }
  }
}

function spec(layers: LayerGeometry[], params: Float64Array[], trainTwin = true): WasmTwinStepSpec {
  const copy = () => params.map((p) => p.slice());
  return {
    sizes: layerSizes(layers),
    layers,
    snn: copy(),
    twin: copy(),
    adam: ADAM,
    t: 0,
    trainTwin,
  };
}

const inputs = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => rng.uniform());

test("one batch of the fused float32 conv step gives the reference's loss, correct count and max activations within 1e-5 and gradients of the SNN and its twin within 1e-4 of the largest entry", () => {
  for (let seed = 0; seed < 12; seed++) {
    const rng = new Rng(100 + seed);
    const { layers, classes } = seed === 0
      ? { layers: buildLayers({ h: 8, w: 8, c: 1 }, SMALL), classes: 3 }
      : randomNet(rng);
    const B = 4, net = initB1Network(layers, rng, 0.5), twin = reluFromB1(net);
    const x = inputs(rng, B * layers[0].nIn), labels = [0, 1, classes - 1, 1];
    const f = b1Forward(net, encodeInput(x), B),
      loss = softmaxCrossEntropy(f.logits, labels, B, classes);
    const g = b1Backward(net, f, loss.dLogits);
    const tf = reluMlpForward(twin, x, B), tl = softmaxCrossEntropy(tf.logits, labels, B, classes);
    const tg = reluMlpBackward(twin, tf, tl.dLogits);
    const core = loadedCore(spec(layers, b1Params(net)));
    const share = core.gradients(x, labels, B, B);
    const gs = g.map((p) => new Float64Array(p.length)),
      gt = g.map((p) => new Float64Array(p.length));
    core.read(gs, gt, core.G);
    const what = `seed ${seed}: ${JSON.stringify(layers)}`;
    assert.ok(rel(share.loss / B, loss.loss) <= 1e-5, what);
    assert.ok(rel(share.twinLoss / B, tl.loss) <= 1e-5, what);
    assert.equal(share.correct, loss.correct, what);
    assert.equal(share.twinCorrect, tl.correct, what);
    f.maxActivation.forEach((a, l) => assert.ok(rel(share.maxActivation[l], a) <= 1e-5, what));
    for (const [want, got] of [[g, gs], [tg, gt]]) {
      want.forEach((w, k) => {
        const diff = maxAbs(w.map((v, i) => v - got[k][i]));
        assert.ok(diff <= 1e-4 * maxAbs(w), `${what} gradient ${k}: ${diff} vs ${maxAbs(w)}`);
      });
    }
  }
});

test("k Adam steps of the fused conv step (twin off) give the reference step's correct counts, losses within 1e-5 relative and weights within 2 k lr, on 20 random conv nets", () => {
  for (let seed = 0; seed < 20; seed++) {
    const rng = new Rng(200 + seed);
    const { layers, classes } = seed === 0
      ? { layers: buildLayers({ h: 8, w: 8, c: 1 }, SMALL), classes: 3 }
      : randomNet(rng);
    const net = initB1Network(layers, rng, 0.5), steps = 1 + (seed % 3), B = 1 + (seed % 6);
    const fused = createWasmTwinStep(spec(layers, b1Params(net), false));
    const ref = createRefTwinStep(net, reluFromB1(net), ADAM), what = `seed ${seed}`;
    for (let k = 0; k < steps; k++) {
      const x = inputs(rng, B * layers[0].nIn);
      const labels = Array.from({ length: B }, () => Math.floor(rng.uniform() * classes));
      const want = ref.step(x, labels, B), got = fused.step(x, labels, B);
      assert.equal(got.correct, want.correct, what);
      assert.ok(rel(got.loss, want.loss) <= 1e-5, `${what}: ${got.loss} vs ${want.loss}`);
      assert.ok(Number.isNaN(got.twinLoss)); // the twin is off
      want.maxActivation.forEach((a, l) => assert.ok(rel(got.maxActivation[l], a) <= 1e-5));
      net.intervals = widenIntervals(net.intervals, want.maxActivation);
    }
    const read = {
      snn: b1Params(net).map((p) => p.slice()),
      twin: b1Params(net).map((p) => p.slice()),
    };
    fused.read(read);
    b1Params(net).forEach((p, k) => {
      const diff = maxAbs(p.map((v, i) => v - read.snn[k][i]));
      assert.ok(diff <= 2 * steps * LR, `${what} param ${k}: ${diff}`);
      assert.deepEqual(read.twin[k], read.snn[k]); // the twin read as the SNN's ReLU map
    });
    fused.close();
  }
});

test("createTwinStep gives conv nets the fused wasm step: its forward gives the reference's logits and per-neuron activations before pooling", () => {
  const rng = new Rng(7), layers = buildLayers({ h: 8, w: 8, c: 1 }, SMALL);
  const net = initB1Network(layers, rng, 0.5), B = 3, x = inputs(rng, B * 64);
  const step = createTwinStep(createWasmBackend(), { snn: net, twin: reluFromB1(net) }, ADAM);
  assert.equal(typeof step.forward, "function"); // the fused step; the reference has none
  const got = step.forward!(x, B), want = b1Forward(net, encodeInput(x), B);
  const tmax = net.intervals.tmax;
  assert.ok(maxAbs(got.logits.map((v, i) => v - want.logits[i])) <= 1e-5 * maxAbs(want.logits));
  assert.deepEqual(got.twinLogits, got.logits);
  assert.deepEqual(got.activations.map((a) => a.length), [B * 192, B * 16, B * 5]);
  got.activations.forEach((a, l) => {
    const times = want.neuronTimes[l + 1];
    a.forEach((v, i) => assert.ok(Math.abs(v - (tmax[l + 1] - times[i])) <= 1e-5));
  });
  step.close();
});

test("two workers take the same conv steps as one thread: losses, correct counts and gradient norms within float32 round-off", () => {
  const rng = new Rng(9), layers = buildLayers({ h: 8, w: 8, c: 1 }, SMALL);
  const params = b1Params(initB1Network(layers, rng, 0.5)), B = 9;
  const one = createWasmTwinStep(spec(layers, params, false));
  const two = createWasmTwinStep(spec(layers, params, false), 2);
  try {
    for (let s = 0; s < 3; s++) {
      const x = inputs(rng, B * 64), labels = Array.from({ length: B }, (_, b) => b % 3);
      const r1 = one.step(x, labels, B), r2 = two.step(x, labels, B);
      assert.ok(rel(r2.loss, r1.loss) <= 1e-5);
      assert.equal(r2.correct, r1.correct);
      r1.gradNorms.forEach((v, k) => assert.ok(rel(r2.gradNorms[k], v) <= 1e-4, `norm ${k}`));
    }
  } finally {
    one.close();
    two.close();
  }
});

test("the fused step rejects conv parameters of the wrong shape and sizes that are not the layers'", () => {
  const layers = buildLayers({ h: 8, w: 8, c: 1 }, SMALL);
  const params = b1Params(initB1Network(layers, new Rng(1), 0.5));
  const bad = spec(layers, params);
  bad.snn[0] = new Float64Array(params[0].length + 1);
  assert.throws(() => createWasmTwinStep(bad), ShapeError);
  assert.throws(
    () => createWasmTwinStep({ ...spec(layers, params), sizes: [64, 48, 5, 3] }),
    ShapeError,
  );
});
