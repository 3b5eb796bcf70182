import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../../src/backend/backend.ts";
import { refBackend } from "../../src/backend/ref.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { DataError, NumericalError, ShapeError, ValueError } from "../../src/errors.ts";
import { trainLif, type TrainLifOptions } from "../../src/experiments/train_lif.ts";
import { trainTtfs, type TrainTtfsOptions } from "../../src/experiments/train_ttfs.ts";
import { TwinTrainer } from "../../src/experiments/twin_trainer.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { type B1Network, initB1Network } from "../../src/ttfs/b1.ts";

/** `count` random grey images of rows x cols, labels cycling through 0..9. */
function images(count: number, rows = 28, cols = 28, seed = 5): ImageSet {
  const rng = new Rng(seed);
  return {
    images: Uint8Array.from({ length: count * rows * cols }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    rows,
    cols,
  };
}

/** The ref backend, with NaN written into the weight gradient of its `at`-th backward call. */
function poisoned(at: number): Backend {
  let calls = 0;
  return {
    ...refBackend,
    name: "poisoned",
    denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut) {
      refBackend.denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut);
      if (++calls === at) dW[0] = NaN;
    },
  };
}

/** Runs `train`, returning its error and every network onCheckpoint saw, by epoch. */
function run<N>(train: (onCheckpoint: (n: N, e: number) => void) => unknown) {
  const seen: [number, N][] = [];
  try {
    train((n, e) => seen.push([e, n]));
  } catch (e) {
    return { error: e, seen };
  }
  return { error: undefined, seen };
}

const train40 = images(40), test20 = images(20, 28, 28, 6);
const ttfs: TrainTtfsOptions = { hidden: [8], epochs: 3, batch: 20, lr: 1e-3, seed: 3 };
const lif: TrainLifOptions = {
  layers: [784, 8, 10],
  method: "ottt-a",
  T: 2,
  epochs: 3,
  batch: 20,
  lr: 1e-3,
  seed: 3,
};

test("TTFS training: a NaN parameter stops the run at its epoch's end, naming it; onCheckpoint last saw the previous epoch's finite network", () => {
  // 2 steps per epoch, 4 backward calls per step (2 layers, SNN then twin): call 13 is the
  // SNN's first in epoch 2's last step, so its loss is finite and only the check sees it
  const bad = run<B1Network>((onCheckpoint) =>
    trainTtfs(train40, test20, { ...ttfs, backend: poisoned(13), onCheckpoint })
  );
  assert.ok(bad.error instanceof NumericalError, `expected a NumericalError, got ${bad.error}`);
  assert.match(bad.error.message, /^end of epoch 2: the SNN's fc\d\.weight\[0\] is NaN/);
  assert.deepEqual(bad.seen.map(([e]) => e), [0, 1]);
  const clean = run<B1Network>((onCheckpoint) =>
    trainTtfs(train40, test20, { ...ttfs, onCheckpoint })
  );
  assert.equal(clean.error, undefined);
  assert.deepEqual(clean.seen.map(([e]) => e), [0, 1, 2, 3]);
  assert.deepEqual(bad.seen[1][1], clean.seen[1][1]); // epoch 1's state, untouched by epoch 2
});

test("TTFS training: a logit that overflows stops the run at its step; onCheckpoint holds the starting network", () => {
  const init = initB1Network([784, 8, 10], new Rng(1));
  init.layers[0].W.fill(1e308); // finite, but W x overflows
  const r = run<B1Network>((onCheckpoint) =>
    trainTtfs(train40, test20, { ...ttfs, init, onCheckpoint })
  );
  assert.ok(r.error instanceof NumericalError, `expected a NumericalError, got ${r.error}`);
  assert.match(r.error.message, /^epoch 1, step 1: logit \[\d+, \d+\] is (NaN|-?Infinity)/);
  assert.deepEqual(r.seen.map(([e]) => e), [0]);
  assert.deepEqual(r.seen[0][1], init);
});

test("TTFS training on the wasm float32 step: a non-finite loss stops the run at its step", () => {
  const init = initB1Network([784, 8, 10], new Rng(1));
  init.layers[0].W.fill(1e300); // Infinity in float32
  const r = run<B1Network>((onCheckpoint) =>
    trainTtfs(train40, test20, { ...ttfs, init, backend: createWasmBackend(), onCheckpoint })
  );
  assert.ok(r.error instanceof NumericalError, `expected a NumericalError, got ${r.error}`);
  assert.match(
    r.error.message,
    /^epoch 1, step 1: the SNN's training loss is NaN; training stopped/,
  );
  assert.deepEqual(r.seen.map(([e]) => e), [0]);
});

test("LIF training: a NaN weight stops the run at its epoch's end, naming it; onCheckpoint last saw the previous epoch", () => {
  // ottt-a: one Adam step per batch, 2 layers x T = 2 backward calls per batch, 2 batches per
  // epoch: call 13 is in epoch 2's last batch
  const bad = run<LifNetwork>((onCheckpoint) =>
    trainLif(train40, test20, { ...lif, backend: poisoned(13), onCheckpoint })
  );
  assert.ok(bad.error instanceof NumericalError, `expected a NumericalError, got ${bad.error}`);
  assert.match(bad.error.message, /^end of epoch 2: the network's fc\d\.weight\[0\] is NaN/);
  assert.deepEqual(bad.seen.map(([e]) => e), [0, 1]);
  const clean = run<LifNetwork>((onCheckpoint) =>
    trainLif(train40, test20, { ...lif, onCheckpoint })
  );
  assert.equal(clean.error, undefined);
  assert.deepEqual(bad.seen[1][1], clean.seen[1][1]);
});

test("LIF training: a loss that overflows stops the run at its step; onCheckpoint holds the starting network", () => {
  const init = initLifNetwork([784, 8, 10], new Rng(1));
  init.layers[1].b.fill(1e308); // the readout's membrane sums overflow
  const start = structuredClone(init);
  const r = run<LifNetwork>((onCheckpoint) =>
    trainLif(train40, test20, { ...lif, init, onCheckpoint })
  );
  assert.ok(r.error instanceof NumericalError, `expected a NumericalError, got ${r.error}`);
  assert.match(r.error.message, /^epoch 1, step 1: .* is (NaN|-?Infinity)/);
  assert.deepEqual(r.seen.map(([e]) => e), [0]);
  assert.deepEqual(r.seen[0][1], start);
});

test("training refuses a starting network with a NaN or Inf, naming the parameter", () => {
  const b1 = initB1Network([784, 8, 10], new Rng(1));
  b1.layers[1].D[4] = NaN;
  assert.throws(
    () => trainTtfs(train40, test20, { ...ttfs, init: b1 }),
    (e) => e instanceof ValueError && /initial network's fc2\.bias\[4\] is NaN/.test(e.message),
  );
  b1.layers[1].D[4] = 0;
  b1.intervals.tmax[1] = Infinity;
  assert.throws(
    () => new TwinTrainer([784, 8, 10], { init: b1 }),
    /intervals\.tmax\[1\] is Infinity/,
  );
  const net = initLifNetwork([784, 8, 10], new Rng(1));
  net.layers[0].w[9] = -Infinity;
  assert.throws(
    () => trainLif(train40, test20, { ...lif, init: net }),
    (e) => e instanceof ValueError && /fc1\.weight\[9\] is -Infinity/.test(e.message),
  );
});

test("the wasm training step rejects a NaN input like the reference does", () => {
  const x = new Float64Array(2 * 784).fill(0.5);
  x[800] = NaN;
  for (const backend of [refBackend, createWasmBackend()]) {
    const tr = new TwinTrainer([784, 8, 10], { backend });
    assert.throws(
      () => tr.step(x, new Int32Array([1, 2]), 2),
      (e) => e instanceof ValueError && /input\[800\] = NaN/.test(e.message),
      backend.name,
    );
    tr.close();
  }
});

test("training refuses an empty set (DataError) and images that do not fit the first layer (ShapeError)", () => {
  const empty = images(0), wide = { ...images(20, 14, 56), file: "t10k-images-idx3-ubyte.gz" };
  assert.throws(
    () => trainTtfs(empty, test20, ttfs),
    (e) => e instanceof DataError && /training set holds 0 images/.test(e.message),
  );
  assert.throws(
    () => trainTtfs(train40, empty, ttfs),
    (e) => e instanceof DataError && /test set holds 0 images/.test(e.message),
  );
  assert.throws(() => trainLif(train40, empty, lif), DataError);
  const lenet = buildLayers({ h: 28, w: 28, c: 1 }, [{ conv: 2, k: 5, pad: "same", pool: 2 }, {
    dense: 10,
  }]);
  const needs = /^t10k-images-idx3-ubyte\.gz: images are 14x56; the model needs 28x28$/;
  assert.throws(
    () => trainTtfs(train40, wide, { ...ttfs, layers: lenet }),
    (e) => e instanceof ShapeError && needs.test(e.message),
  );
  assert.throws(
    () => trainLif(train40, wide, { ...lif, layers: lenet }),
    (e) => e instanceof ShapeError && needs.test(e.message),
  );
  const half = images(20, 14, 28); // 392 values for a 784-input dense net
  assert.throws(
    () => trainTtfs(train40, half, ttfs),
    (e) =>
      e instanceof ShapeError &&
      /images are 14x28 \(392 values\); the model needs 784/.test(e.message),
  );
});
