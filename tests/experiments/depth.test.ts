import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { OptionError } from "../../src/errors.ts";
import { depthStudy } from "../../src/experiments/depth.ts";
import { main } from "../../src/cli/main.ts";
import type { TtfsInit } from "../../src/ttfs/init_spectra.ts";

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

test("depth study: a naive-init run trains beside B = 1, with eigenvalues and sigma vs depth at step 0 and a test accuracy", async () => {
  const { train, test: testSet } = await loadFashionMnist({ dir: "embedded" });
  const held = gatherBatch(testSet, Array.from({ length: 40 }, (_, k) => k), 0, 40);
  const r = depthStudy(train, {
    depth: 3,
    width: 16,
    steps: 6,
    batch: 8,
    lr: 1e-3,
    seed: 1,
    record: 2,
    spectraAt: [0, 6],
    initFigures: true,
    inits: ["naive", "b1"],
    test: { x: held.x, labels: held.labels, count: 40 },
  });
  assert.deepEqual(r.runs.map((x) => [x.init, x.parametrization]), [
    ["naive", "alpha-fixed"],
    ["b1", "b1"],
  ]);
  for (const run of r.runs) {
    const [first, last] = run.spectra;
    assert.deepEqual(first.init?.eigenvalues.map((e) => e?.re.length ?? null), [null, 16, 16]);
    assert.equal(first.init?.prefixSigmaMax.length, 3);
    assert.equal(
      first.init?.prefixSigmaMax[2],
      first.endToEnd.sigmaMax,
      "k = L-1 is dt(L-1)/dt(0)",
    );
    assert.equal(last.init, undefined, "the init figures are kept at step 0 only");
    assert.equal(run.accuracy.length, run.steps.length);
    assert.ok(run.accuracy.every((a) => a >= 0 && a <= 1));
    assert.ok(run.test && run.test.accuracy >= 0 && run.test.accuracy <= 1);
    for (const l of first.layers.slice(1)) assert.ok(l.outsideUnitCircle >= 0);
    assert.ok(Number.isNaN(first.layers[0].outsideUnitCircle), "layer 1 (16 x 784) is not square");
  }
  assert.ok(r.runs[0].spectra[0].slopes && !r.runs[1].spectra[0].slopes);
  assert.ok(r.runs[1].controlTwinDiff && !r.runs[0].controlTwinDiff);
  const base = { depth: 2, width: 4, steps: 1, batch: 4, lr: 1e-3, seed: 0 };
  const plain = depthStudy(train, { ...base, spectraAt: [0] }).runs[0].spectra[0];
  assert.equal(plain.init, undefined, "the init figures only where asked");
  for (const inits of [[], ["naive", "naive"], ["glorot"]]) {
    assert.throws(
      () => depthStudy(train, { ...base, inits: inits as TtfsInit[] }),
      OptionError,
      `inits ${inits}`,
    );
  }
});

test("CLI: analyze jacobian --init writes the eigenvalue and sigma-vs-depth SVGs; a bad --init exits 2", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-naive-")), lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const eigen = join(dir, "eigen.svg"), depth = join(dir, "depth.svg");
    const argv = ["analyze", "jacobian", "--depth", "3", "--width", "8", "--at", "0"];
    const plots = ["--eigen-plot", eigen, "--depth-plot", depth];
    assert.equal(await main([...argv, "--init", "b1,naive", ...plots, "--json"]), 0);
    const report = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(report.runs.map((r: { init: string }) => r.init), ["b1", "naive"]);
    const svg = await readFile(eigen, "utf8");
    assert.ok(svg.startsWith("<svg") && svg.includes("naive: ") && svg.includes("|z| = 1"));
    assert.ok((await readFile(depth, "utf8")).includes("sigma_max of dt(k)/dt(0)"));
    assert.equal(await main([...argv, "--init", "b1,glorot"]), 2);
    assert.equal(await main([...argv, "--init", "naive,naive"]), 2);
    assert.equal(await main(["analyze", "jacobian", "--at", "2", "--eigen-plot", eigen]), 2);
    assert.equal(await main(["experiment", "depth", "--init", "bogus"]), 2);
    assert.equal(await main(["experiment", "depth", "--test", "-1"]), 2);
    assert.equal(await main(["experiment", "depth", "--spectra", "all"]), 2);
    const quick = ["--depths", "2", "--steps", "2", "--width", "8", "--test", "10", "--json"];
    assert.equal(
      await main(["experiment", "depth", "--init", "naive", "--spectra", "none", ...quick]),
      0,
    );
    const [run] = JSON.parse(lines[lines.length - 1]).studies[0].runs;
    assert.deepEqual([run.init, run.spectra, typeof run.test.accuracy], ["naive", [], "number"]);
  } finally {
    console.log = log;
    await rm(dir, { recursive: true, force: true });
  }
});
