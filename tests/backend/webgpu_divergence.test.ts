// Issue 14.2 on the WebGPU training steps (Deno, where navigator.gpu exists; a software
// adapter such as llvmpipe will do): weights that are infinite in float32 stop the run in its
// first epoch with a NumericalError, as on the ref and wasm backends. WGSL need not keep NaN
// and Infinity through arithmetic, so the TTFS step's loss may stay finite (llvmpipe: it does);
// the parameter check at the epoch's end then stops the run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openBackend } from "../../src/backend/select.ts";
import { webGpuAvailable } from "../../src/backend/webgpu/device.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";
import { NumericalError } from "../../src/errors.ts";
import { trainLifWebGpu } from "../../src/experiments/train_lif_webgpu.ts";
import { trainTtfsAsync } from "../../src/experiments/train_ttfs.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";
import { initB1Network } from "../../src/ttfs/b1.ts";

const hasWebGpu = await webGpuAvailable(5000);
const skip = hasWebGpu ? false : "no WebGPU in this runtime (navigator.gpu missing)";

function images(count: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  return {
    images: Uint8Array.from({ length: count * 784 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    rows: 28,
    cols: 28,
  };
}

const train = images(16, 1), testSet = images(8, 2);
const schedule = { epochs: 2, batch: 8, lr: 1e-3, seed: 0 };

test(
  "TTFS training on the webgpu step: infinite float32 weights stop the run in epoch 1; onCheckpoint holds the starting network",
  {
    skip,
  },
  async () => {
    const init = initB1Network([784, 8, 10], new Rng(1));
    init.layers[0].W.fill(1e300); // Infinity in float32
    const backend = await openBackend("webgpu", { timeoutMs: 120000 });
    const seen: number[] = [];
    try {
      await assert.rejects(
        trainTtfsAsync(train, testSet, {
          ...schedule,
          init,
          backend,
          onCheckpoint: (_, e) => seen.push(e),
        }),
        (e: unknown) =>
          e instanceof NumericalError &&
          /^(epoch 1, step \d+|end of epoch 1): .*(NaN|Infinity); training stopped$/.test(
            e.message,
          ),
      );
    } finally {
      backend.close();
    }
    assert.deepEqual(seen, [0]);
  },
);

test("LIF training on the webgpu step: a non-finite loss stops the run at its step", {
  skip,
}, async () => {
  const init = initLifNetwork([784, 8, 10], new Rng(1));
  init.layers[1].b.fill(1e300); // Infinity in float32
  const seen: number[] = [];
  const run = trainLifWebGpu(train, testSet, {
    ...schedule,
    layers: [784, 8, 10],
    init,
    method: "saf-e",
    T: 2,
    onCheckpoint: (_, e) => seen.push(e),
  });
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof NumericalError, String(e));
    assert.match(e.message, /^epoch 1, step 1: .*(NaN|Infinity)/);
    return true;
  });
  assert.deepEqual(seen, [0]);
});
