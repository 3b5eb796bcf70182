/**
 * Shared by tests/backend/lif_wasm_step.test.ts (SAF-E) and lif_wasm_ottt.test.ts (OTTT_O,
 * OTTT_A): a batch of the embedded subset and a net from a fixed init, and one training batch
 * of the fused wasm step against the float64 reference step of the same method.
 *
 * One training batch: the loss within 1e-5 relative, the correct count and the spike count
 * equal (no flips on these batches). Adam's first updates are about lr sign(g), so a weight
 * whose gradient is within round-off of 0 may move by up to 2 lr per update either way: 99.9%
 * of the weights must end within 1e-2 lr of the reference's and all within 2 lr per update (T
 * updates for update "step", one for "batch").
 */
import assert from "node:assert/strict";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { codeInput } from "../../src/lif/coding.ts";
import type { LifMethod } from "../../src/lif/methods.ts";
import { initLifNetwork, type LifNetwork, lifParams } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createRefLifStep } from "../../src/steps/lif/ref.ts";
import { createWasmLifStep } from "../../src/steps/lif/wasm.ts";

/** Batch size and time steps of the shared batch. */
export const B = 64, T = 6;

/** Batch 0 of the embedded training subset (direct coding, T steps) and a net of `sizes`. */
export async function setup(sizes: number[]) {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const b = gatherBatch(train, new Rng(5).permutation(train.count), 0, B);
  return { b, xs: codeInput(b.x, T, "direct", 0), net: initLifNetwork(sizes, new Rng(6)) };
}

/** What one compared batch trains. */
export interface Compared {
  name: string;
  method: LifMethod;
  readout: "trace" | "spike";
  variant?: "trace" | "official";
  lr: number;
}

/** One batch of both steps from `net`; checks the figures and the weights as the module says. */
export function compareOneBatch(
  c: Compared,
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
): void {
  const { name, method, readout, variant, lr } = c;
  const trained = structuredClone(net), after = structuredClone(net);
  const updates = method.update === "step" ? xs.length : 1;
  const ref = createRefLifStep({ net: trained, method, adam: { lr }, readout, variant });
  const spec = { net: structuredClone(net), method, adam: { lr }, readout, variant };
  const wasm = createWasmLifStep(spec);
  const r = ref.step(xs, labels, batch), g = wasm.step(xs, labels, batch);
  wasm.read(after);
  const lossRel = Math.abs(g.loss - r.loss) / r.loss;
  assert.ok(lossRel <= 1e-5, `${name}: loss ${g.loss} vs ${r.loss}`);
  assert.equal(g.correct, r.correct, `${name}: correct`);
  assert.equal(g.spikes, r.spikes, `${name}: spikes`);
  const want = lifParams(trained), have = lifParams(after);
  let n = 0, off = 0, worst = 0;
  want.forEach((w, k) => {
    for (let i = 0; i < w.length; i++, n++) {
      const d = Math.abs(w[i] - have[k][i]);
      worst = Math.max(worst, d);
      if (d > 1e-2 * lr) off++;
    }
  });
  console.log(
    `${name}: loss rel. diff ${
      lossRel.toExponential(2)
    }, spikes ${g.spikes}, correct ${g.correct}; ${off} of ${n} weights off by > 1e-2 lr, worst ${
      worst.toExponential(2)
    }`,
  );
  assert.ok(off <= 1e-3 * n, `${name}: ${off} of ${n} weights off by more than 1e-2 lr`);
  assert.ok(worst <= 2 * updates * lr, `${name}: a weight off by ${worst}`);
}

/** A small two-hidden-layer net 20-16-12-5, 4 steps of batch 8 of uniform inputs, labels. */
export function smallCase() {
  const rng = new Rng(3), net = initLifNetwork([20, 16, 12, 5], new Rng(1), undefined, 3);
  const xs = Array.from(
    { length: 4 },
    () => Float64Array.from({ length: 8 * 20 }, () => rng.uniform()),
  );
  return { net, xs, labels: Array.from({ length: 8 }, (_, i) => i % 5) };
}
