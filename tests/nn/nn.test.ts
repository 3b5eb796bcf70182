// The ReLU MLP's backward pass against finite differences is registry claim ttfs.relu-gradients-fd
// (src/claims/ttfs_gradients.ts, run by tests/claims/ttfs_gradients.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError, ShapeError, ValueError } from "../../src/errors.ts";
import { refBackend } from "../../src/backend/ref.ts";
import { glorotUniform } from "../../src/nn/init.ts";
import { argmaxRows, softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { Adam, exponentialDecay } from "../../src/nn/optim.ts";
import { Rng } from "../../src/nn/rng.ts";
import { fcParams } from "../_fc.ts";

test("Rng: the same seed gives the same stream, uniform() lies in [0, 1), permutation(n) holds 0..n-1 once each, and a fractional seed is an OptionError", () => {
  const a = new Rng(123), b = new Rng(123), c = new Rng(124);
  const xs = Array.from({ length: 1000 }, () => a.uniform());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.uniform()));
  assert.notDeepEqual(xs, Array.from({ length: 1000 }, () => c.uniform()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  assert.deepEqual(
    [...new Rng(5).permutation(50)].sort((p, q) => p - q),
    Array.from({ length: 50 }, (_, k) => k),
  );
  assert.throws(() => new Rng(0.5), OptionError);
});

test("Glorot uniform: every weight lies within sqrt(6 / (nIn + nOut))", () => {
  const w = glorotUniform(new Rng(1), 340, 784), lim = Math.sqrt(6 / (784 + 340));
  assert.ok(w.every((v) => Math.abs(v) <= lim));
  assert.ok(w.reduce((m, v) => Math.max(m, v), 0) > 0.99 * lim);
});

test("dense kernels equal the textbook triple loops on odd shapes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 1, max: 11 }),
      fc.integer(),
      (B, nIn, nOut, seed) => {
        const r = new Rng(seed),
          u = (n: number) =>
            Float64Array.from({ length: n }, () => (r.uniform() < 0.3 ? 0 : r.normal()));
        const x = u(B * nIn), W = u(nOut * nIn), bias = u(nOut), dz = u(B * nOut);
        const z = new Float64Array(B * nOut),
          dW = new Float64Array(nOut * nIn),
          db = new Float64Array(nOut);
        const dx = new Float64Array(B * nIn);
        refBackend.denseForward(x, W, bias, z, B, nIn, nOut);
        refBackend.denseBackwardWeights(dz, x, dW, db, B, nIn, nOut);
        refBackend.denseBackwardInput(dz, W, dx, B, nIn, nOut);
        for (let b = 0; b < B; b++) {
          for (let i = 0; i < nOut; i++) {
            let s = bias[i];
            for (let j = 0; j < nIn; j++) s += W[i * nIn + j] * x[b * nIn + j];
            assert.ok(Math.abs(s - z[b * nOut + i]) < 1e-12);
          }
          for (let j = 0; j < nIn; j++) {
            let s = 0;
            for (let i = 0; i < nOut; i++) s += dz[b * nOut + i] * W[i * nIn + j];
            assert.ok(Math.abs(s - dx[b * nIn + j]) < 1e-12);
          }
        }
        for (let i = 0; i < nOut; i++) {
          for (let j = 0; j < nIn; j++) {
            let s = 0;
            for (let b = 0; b < B; b++) s += dz[b * nOut + i] * x[b * nIn + j];
            assert.ok(Math.abs(s - dW[i * nIn + j]) < 1e-12);
          }
        }
      },
    ),
    fcParams(100),
  );
});

test("softmax cross-entropy: the loss is the batch mean of -log softmax at the label, its gradient equals finite differences, and bad labels, shapes and NaN logits are typed errors", () => {
  const logits = new Float64Array([1, 2, 3, -1, 0, 5]), labels = new Int32Array([2, 0]);
  const r = softmaxCrossEntropy(logits, labels, 2, 3);
  const ce = (l: Float64Array) =>
    [0, 1].reduce((s, b) => {
      const row = l.subarray(b * 3, b * 3 + 3), z = row.reduce((a, v) => a + Math.exp(v), 0);
      return s - Math.log(Math.exp(row[labels[b]]) / z);
    }, 0) / 2;
  assert.ok(Math.abs(r.loss - ce(logits)) < 1e-14);
  for (let k = 0; k < 6; k++) {
    const p = logits.slice(), m = logits.slice();
    p[k] += 1e-6;
    m[k] -= 1e-6;
    assert.ok(Math.abs((ce(p) - ce(m)) / 2e-6 - r.dLogits[k]) < 1e-8);
  }
  assert.equal(r.correct, 1);
  assert.deepEqual([...argmaxRows(logits, 2, 3)], [2, 2]);
  assert.throws(() => softmaxCrossEntropy(logits, new Int32Array([3, 0]), 2, 3), ValueError);
  assert.throws(() => softmaxCrossEntropy(logits, labels, 3, 3), ShapeError);
  assert.throws(() => softmaxCrossEntropy(new Float64Array([NaN, 0, 0]), [0], 1, 3), ValueError);
});

test("Adam follows the Keras update and the exponential decay schedule, and refuses a negative rate or a gradient of the wrong size", () => {
  const w = new Float64Array([1, -2]), g = new Float64Array([0.5, -0.25]);
  const opt = new Adam([w], { lr: 0.1, decaySteps: 10, decayRate: 0.5 });
  opt.step([g]);
  // first step: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1; update = lr_t m / (sqrt v + eps)
  const lrT = 0.1 * Math.sqrt(1 - 0.999) / (1 - 0.9);
  for (let k = 0; k < 2; k++) {
    const m = 0.1 * g[k], v = 0.001 * g[k] * g[k];
    assert.ok(Math.abs(w[k] - ([1, -2][k] - lrT * m / (Math.sqrt(v) + 1e-7))) < 1e-15);
  }
  assert.equal(exponentialDecay(0.1, 10, 0.5, 10), 0.05);
  assert.ok(Math.abs(opt.currentLr() - 0.1 * Math.pow(0.5, 0.1)) < 1e-15);
  assert.throws(() => new Adam([w], { lr: -1 }), OptionError);
  assert.throws(() => opt.step([new Float64Array(3)]), ShapeError);
});
