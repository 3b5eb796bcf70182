/**
 * The data-parallel TTFS step's parameter ranges (src/steps/ttfs/wasm_ranges.ts): each
 * participant forms the summed gradient, its norm terms and Adam's step on the ranges it owns,
 * so the ranges must cover every trained float exactly once; and a step over workers must give
 * one thread's step up to the order of float32 sums, and the same bytes run after run.
 *
 * Bounds: the gradients agree within float32 round-off (tests/backend/twin_step.test.ts), so a
 * weight whose gradient is well away from 0 takes the same Adam step to round-off; near 0,
 * m / sqrt(v) is a ratio of round-offs and may take any sign, moving the weight by at most
 * about lr per step in either run: after k steps every weight is within 2 k lr, and all but a
 * few within 1e-5.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { TWIN_STEP_ADAM as ADAM, type TwinStepSpec } from "../../src/steps/ttfs/step.ts";
import { createWasmTwinStep } from "../../src/steps/ttfs/wasm.ts";
import { TwinCore } from "../../src/steps/ttfs/wasm_core.ts";
import { ownedRanges, rangeFloats } from "../../src/steps/ttfs/wasm_ranges.ts";
import { b1Params, initB1Network } from "../../src/ttfs/b1.ts";

test("the ranges of n participants cover every trained float of both models exactly once, and no padding (dense and conv nets, the twin on and off, n = 1 to 4)", () => {
  const conv = buildLayers({ h: 8, w: 8, c: 1 }, [
    { conv: 3, k: 3, pad: "same", pool: 2 },
    { conv: 4, k: 3 },
    { dense: 5 },
    { dense: 3 },
  ]);
  for (const shape of [[784, 340, 10], [5, 3, 2], conv]) {
    for (const twin of [true, false]) {
      const core = new TwinCore(shape, ADAM, twin);
      for (let n = 1; n <= 4; n++) {
        const count = new Uint8Array(core.trained);
        for (let w = 0; w < n; w++) {
          for (const r of ownedRanges(core, w, n)) {
            for (const [lo, hi] of rangeFloats(core, r)) {
              for (let k = lo; k < hi; k++) count[k]++;
            }
          }
        }
        const want = new Uint8Array(core.trained);
        for (let m = 0; m < (twin ? 2 : 1); m++) {
          for (const s of core.slots) {
            const o = m * core.per;
            want.fill(1, o + s.wt, o + s.wt + s.nIn * s.nOut);
            want.fill(1, o + s.d, o + s.d + s.nOut);
          }
        }
        assert.deepEqual(count, want, `${JSON.stringify(shape).slice(0, 20)} twin ${twin} n ${n}`);
      }
    }
  }
});

function fc2Spec(): TwinStepSpec {
  const net = initB1Network([784, 340, 10], new Rng(4));
  // t = 5: Adam's steps go on from a count that is not a multiple of the parameters' copies
  return { sizes: [784, 340, 10], snn: b1Params(net), twin: b1Params(net), adam: ADAM, t: 5 };
}

test("three workers train ttfs-fc2 as one thread does, past a turn of Adam's copies of the parameters (every weight within 2 k lr after k steps, all but 0.1% within 1e-5), and two runs on three workers give the same bytes", async () => {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const order = new Rng(3).permutation(train.count), B = 61, steps = 6; // uneven shares
  const runs = [1, 3, 3].map((n) => createWasmTwinStep(fc2Spec(), n));
  try {
    for (let s = 0; s < steps; s++) {
      const b = gatherBatch(train, order, s * B, B);
      for (const r of runs) r.step(b.x, b.labels, b.size);
    }
    const params = runs.map(() => {
      const p = fc2Spec();
      return { snn: p.snn, twin: p.twin };
    });
    runs.forEach((r, k) => r.read(params[k]));
    const [one, a, b] = params;
    assert.deepEqual(b, a, "two runs on three workers");
    let far = 0, total = 0;
    one.snn.concat(one.twin).forEach((p, k) => {
      const q = a.snn.concat(a.twin)[k];
      p.forEach((v, i) => {
        const d = Math.abs(v - q[i]);
        assert.ok(d <= 2 * steps * ADAM.lr, `${d}`);
        far += d > 1e-5 ? 1 : 0;
        total++;
      });
    });
    assert.ok(far <= total * 1e-3, `${far} of ${total} weights differ by more than 1e-5`);
  } finally {
    runs.forEach((r) => r.close());
  }
});
