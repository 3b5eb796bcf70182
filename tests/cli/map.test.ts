import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";
import { initReluMlp } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import {
  loadGeneralNetwork,
  loadTtfsNetwork,
  saveGeneralNetwork,
  saveReluMlp,
} from "../../src/ttfs/checkpoint.ts";
import { mapReluExactly } from "../../src/ttfs/mapping.ts";
import { ttfsModelLayers } from "../../src/ttfs/models.ts";

async function run(argv: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const lines: string[] = [], log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const code = await main(argv);
    return { code, json: code === 0 ? JSON.parse(lines[lines.length - 1]) : {} };
  } finally {
    console.log = log;
  }
}

test("checkpoints: a general (alpha, J, theta) network round-trips and is told apart from B = 1", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-map-"));
  try {
    const relu = initReluMlp([5, 4, 3, 2], new Rng(7));
    const snn = mapReluExactly(relu, new Float64Array(10).fill(0.5), 2).snn;
    await saveGeneralNetwork(join(dir, "g.safetensors"), snn);
    assert.deepEqual(await loadGeneralNetwork(join(dir, "g.safetensors")), snn);
    assert.equal((await loadTtfsNetwork(join(dir, "g.safetensors"))).kind, "ttfs-general");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("CLI: map converts a ReLU safetensors model exactly, and spikes writes its spike times", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-map-"));
  try {
    const relu = join(dir, "relu.safetensors"), snn = join(dir, "snn.safetensors");
    await saveReluMlp(relu, initReluMlp([784, 12, 10], new Rng(3)));
    const common = ["--data", "embedded", "--calibrate", "200", "--test-count", "300", "--json"];
    const m = await run(["map", "--relu", relu, "--out", snn, ...common]);
    assert.equal(m.code, 0);
    assert.equal(m.json.kind, "ttfs-general");
    assert.equal(m.json.agreement, 1);
    assert.ok((m.json.maxAbsLogitDiff as number) < 1e-9, `logit diff ${m.json.maxAbsLogitDiff}`);
    const b1 = await run([
      "map",
      "--relu",
      relu,
      "--out",
      join(dir, "b1.safetensors"),
      "--b1",
      ...common,
    ]);
    assert.equal(b1.json.kind, "ttfs-b1");
    assert.equal(b1.json.agreement, 1);

    const out = join(dir, "spikes.safetensors");
    const s = await run([
      "spikes",
      "--model",
      snn,
      "--out",
      out,
      "--data",
      "embedded",
      "--count",
      "7",
      "--json",
    ]);
    assert.equal(s.code, 0);
    const { tensors, metadata } = await readSafetensors(out);
    assert.deepEqual(Object.keys(tensors).sort(), ["labels", "predictions", "t0", "t1"]);
    assert.deepEqual(tensors.t1.shape, [7, 12]);
    const { tmin, tmax } = JSON.parse(metadata.intervals);
    assert.ok([...tensors.t1.data].every((t) => t >= tmin[1] && t <= tmax[1]));
    assert.equal((await run(["map", "--relu", relu])).code, 2, "--out is required");
    await run([
      "train",
      "--data",
      "embedded",
      "--hidden",
      "8",
      "--epochs",
      "1",
      "--save",
      join(dir, "b.safetensors"),
      "--json",
    ]);
    const c = await run([
      "experiment",
      "constraints",
      ...[
        "--model",
        join(dir, "b.safetensors"),
        "--data",
        "embedded",
        "--bits",
        "4",
        "--jitter",
        "0.05",
      ],
      ...["--latency", "", "--finetune-epochs", "1", "--json"],
    ]);
    assert.equal(c.code, 0);
    assert.deepEqual((c.json.rows as { kind: string }[]).map((r) => r.kind), [
      "none",
      "quantize",
      "jitter",
    ]);
    assert.equal(
      (await run(["experiment", "constraints", "--model", snn])).code,
      1,
      "not a B = 1 model",
    );
    assert.equal((await run(["spikes", "--model", join(dir, "none"), "--out", out])).code, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  "CLI: map converts a conv ReLU model (LeNet-5) exactly, both parametrizations, and spikes writes every conv neuron",
  { timeout: 120_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "spikeproof-map-"));
    try {
      const relu = join(dir, "lenet.safetensors"), snn = join(dir, "snn.safetensors");
      const layers = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
      await saveReluMlp(relu, initReluMlp(layers, new Rng(3)));
      const common = ["--data", "embedded", "--calibrate", "50", "--test-count", "40", "--json"];
      for (const extra of [[], ["--b1"]]) {
        const m = await run(["map", "--relu", relu, "--out", snn, ...common, ...extra]);
        assert.equal(m.code, 0);
        assert.equal(m.json.kind, extra.length ? "ttfs-b1" : "ttfs-general");
        assert.equal(m.json.agreement, 1);
        assert.ok(
          (m.json.maxAbsLogitDiff as number) < 1e-9,
          `logit diff ${m.json.maxAbsLogitDiff}`,
        );
      }
      const out = join(dir, "spikes.safetensors");
      const args = ["--model", snn, "--out", out, "--data", "embedded", "--count", "3", "--json"];
      const sp = await run(["spikes", ...args]);
      assert.equal(sp.code, 0);
      assert.match(String(sp.json.spikesPerNeuronConvention), /before max-pooling/);
      const alt = sp.json.alternatives as { afterPooling: number; perLayerAfterPooling: number[] };
      assert.equal(alt.perLayerAfterPooling.length, 4);
      assert.ok(alt.afterPooling >= 0 && alt.afterPooling <= 1);
      const { tensors } = await readSafetensors(out);
      assert.deepEqual(tensors.t1.shape, [3, 28 * 28 * 6]); // conv1 before its pool
      assert.deepEqual(tensors.t4.shape, [3, 84]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
