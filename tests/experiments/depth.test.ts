import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { OptionError } from "../../src/errors.ts";
import { depthStudy } from "../../src/experiments/depth.ts";
import { main } from "../../src/cli/main.ts";

test("depth study: B = 1 stays on its twin's trajectory, alpha-fixed leaves it, spectra where asked", async () => {
  const { train } = await loadFashionMnist({ dir: "embedded" });
  const r = depthStudy(train, {
    depth: 4,
    width: 24,
    steps: 30,
    batch: 16,
    lr: 1e-3,
    seed: 2,
    record: 5,
    spectraAt: [0, 30],
  });
  const [b1, af] = r.runs;
  assert.equal(b1.parametrization, "b1");
  assert.equal(af.parametrization, "alpha-fixed");
  assert.deepEqual(b1.steps, [0, 5, 10, 15, 20, 25, 29]);
  assert.ok(b1.maxAbsWeightDiffVsTwin < 1e-9, `B = 1 vs twin ${b1.maxAbsWeightDiffVsTwin}`);
  assert.equal(b1.weightDiffVsTwin.length, b1.steps.length);
  assert.equal(b1.controlTwinDiff?.length, b1.steps.length);
  assert.ok(
    b1.controlTwinDiff!.every((d) => d >= 1e-13),
    "the nudged control twin is a distinct run",
  );
  assert.ok(af.maxAbsWeightDiffVsTwin > 1e-4, `alpha-fixed vs twin ${af.maxAbsWeightDiffVsTwin}`);
  b1.loss.forEach((l, k) => assert.ok(Math.abs(l - b1.twinLoss[k]) < 1e-9));
  for (const run of r.runs) {
    assert.deepEqual(run.spectra.map((s) => s.step), [0, 30]);
    for (const s of run.spectra) {
      assert.equal(s.layers.length, 4);
      assert.ok(s.endToEnd.sigmaMax > 0 && s.endToEnd.rank <= 24);
    }
    assert.equal(run.gradNorms[0].length, 5, "4 hidden layers and the readout");
  }
  assert.ok(
    af.spectra[0].slopes?.every((b) => b.mean >= 1),
    "alpha = 1 mapping: B_i = 1 / (1 - sum w) >= ~1",
  );
  assert.throws(
    () => depthStudy(train, { depth: 0, width: 4, steps: 1, batch: 4, lr: 1e-3, seed: 0 }),
    OptionError,
  );
  assert.throws(
    () =>
      depthStudy(train, {
        depth: 2,
        width: 4,
        steps: 1,
        batch: 4,
        lr: 1e-3,
        seed: 0,
        spectraAt: [2],
      }),
    /spectra steps/,
  );
});

test("CLI: experiment depth and analyze jacobian print one JSON object with --json", async () => {
  const lines: string[] = [], log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const small = ["--width", "8", "--batch", "8", "--json"];
    assert.equal(
      await main(["experiment", "depth", "--depths", "2,3", "--steps", "4", ...small]),
      0,
    );
    const depth = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(depth.studies.map((s: { depth: number }) => s.depth), [2, 3]);
    assert.equal(await main(["analyze", "jacobian", "--depth", "2", "--at", "0,3", ...small]), 0);
    const jac = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(jac.runs[1].spectra.map((s: { step: number }) => s.step), [0, 3]);
    assert.equal(await main(["analyze", "jacobian", "--at=-1"]), 2);
    assert.equal(await main(["experiment", "depth", "--depths", "0"]), 2);
  } finally {
    console.log = log;
  }
});
