/**
 * The same seed gives the same bytes in every runtime: short seeded training runs on the
 * float64 reference backend, hashed. The constants below are the SHA-256 that Node (tsx), Deno
 * and Bun all print; a runtime whose Math functions leak into a float64 path again (Math.exp,
 * Math.log, Math.pow, Math.cos, Math.hypot round differently in V8 and JavaScriptCore) changes
 * them there. See docs/determinism.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type ImageSet, loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { trainLif } from "../../src/experiments/train_lif.ts";
import { trainTtfs } from "../../src/experiments/train_ttfs.ts";
import { lifParams } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1Params } from "../../src/ttfs/b1.ts";

const head = (s: ImageSet, n: number): ImageSet => ({
  ...s,
  count: n,
  images: s.images.subarray(0, n * s.rows * s.cols),
  labels: s.labels.subarray(0, n),
});

/** SHA-256 of the arrays' bytes (little-endian float64 on every host these runtimes run on). */
function sha256(arrays: Float64Array[]): string {
  const h = createHash("sha256");
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest("hex");
}

test("a seeded TTFS training run (ref backend) gives the same weight bytes in Node, Deno and Bun", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  // softmax cross-entropy (exp, log) and Adam with a fast decay (pow at fractional exponents)
  const r = trainTtfs(head(train, 320), head(testSet, 80), {
    hidden: [16],
    epochs: 1,
    batch: 16,
    lr: 2e-3,
    seed: 11,
    decaySteps: 7,
  });
  const { tmin, tmax } = r.network.intervals;
  const bytes = [
    ...b1Params(r.network),
    Float64Array.from([...tmin, ...tmax, r.history[0].trainLoss]),
  ];
  assert.equal(sha256(bytes), "43bc2932fa19c8890f6c6515135eef040c35785b058978fc17f28c0c730cd866");
});

test("a seeded LIF training run (BPTT, Poisson input, ref backend) gives the same weight bytes in Node, Deno and Bun", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  // the sigmoid surrogate (exp), Poisson coding (exp), the loss and Adam
  const r = trainLif(head(train, 160), head(testSet, 40), {
    layers: [784, 16, 10],
    method: "bptt",
    T: 3,
    coding: "poisson",
    epochs: 1,
    batch: 20,
    lr: 2e-3,
    seed: 1,
    decaySteps: 3,
  });
  const loss = Float64Array.of(r.history[0].trainLoss);
  assert.equal(
    sha256([...lifParams(r.network), loss]),
    "c3a16d135dad595821b473a1021e3bcc733a1e9e703d2137d56041e1373c8d8a",
  );
});

test("Rng.normal (Box-Muller: own log and cos) gives the same stream in Node, Deno and Bun", () => {
  const r = new Rng(7);
  assert.equal(
    sha256([Float64Array.from({ length: 4096 }, () => r.normal())]),
    "d1ae2c4e968c242a60b57bf38b1eb61292688bcc955652a7b509458f678ae655",
  );
});
