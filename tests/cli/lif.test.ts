import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExperimentCost } from "../../src/cli/lif_cost.ts";
import { OptionError } from "../../src/errors.ts";
import { readSafetensors, tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { codeInput } from "../../src/lif/coding.ts";
import { LIF_METHODS } from "../../src/lif/methods.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";
import { runCli } from "../_cli.ts";

test("CLI: train --model lif-mlp --json reports the LIF figures and saves a loadable network", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-lif-")), save = join(dir, "lif.safetensors");
  const argv = ["train", "--model", "lif-mlp", "--hidden", "24", "--method", "saf-e", "--T", "2"];
  const { code, stdout: lines } = await runCli([
    ...argv,
    "--data",
    "embedded",
    "--epochs",
    "1",
    "--lr",
    "1e-3",
    "--json",
    "--save",
    save,
  ]);
  assert.equal(code, 0);
  const r = JSON.parse(lines[lines.length - 1]);
  for (
    const key of [
      "testAccuracy",
      "firingRate",
      "macsForward",
      "macsBackward",
      "stateFloats",
      "seconds",
      "peakMemoryBytes",
    ]
  ) {
    assert.ok(key in r, `JSON has ${key}`);
  }
  assert.equal(r.macsForward, 2 * (784 * 24 + 24 * 10));
  assert.ok(r.testAccuracy > 0.5, `accuracy ${r.testAccuracy}`);
  const net = await loadLifNetwork(save);
  assert.equal(net.layers[0].nOut, 24);
  for (const help of [["train", "--model", "lif-mlp"], ["grad"], ["experiment", "cost"]]) {
    const out = await runCli([...help, "--help"]);
    assert.equal(out.code, 0);
    assert.match(out.stdout.join("\n"), help[0] === "train" ? /--method/ : /--T/);
  }
  assert.equal((await runCli(["train", "--model", "lif-mlp", "--method", "nope"])).code, 2);
  await rm(dir, { recursive: true });
});

test("grad --help says that ottt-o and saf-e return the sum of per-step gradients at fixed weights", async () => {
  const out = await runCli(["grad", "--help"]);
  assert.equal(out.code, 0);
  const help = out.stdout.join(" ").replace(/\s+/g, " ");
  assert.match(
    help,
    /ottt-o and saf-e return the sum of their per-step gradients at fixed weights/,
  );
});

test("experiment cost: an unknown --ottt-forward is an OptionError naming it, and the old 'official' says what it was renamed to", async () => {
  await assert.rejects(
    runExperimentCost(["--ottt-forward", "fast"]),
    (e) => e instanceof OptionError && /ottt-forward 'fast'/.test(e.message),
  );
  await assert.rejects(
    runExperimentCost(["--ottt-forward", "official"]),
    (e) =>
      e instanceof OptionError && /renamed: 'replace'.*--ottt-variant official/.test(e.message),
  );
  await assert.rejects(
    runExperimentCost(["--ottt-variant", "authors"]),
    (e) => e instanceof OptionError && /ottt-variant 'authors'/.test(e.message),
  );
});

test("CLI: grad writes one gradient per model tensor, named as in the model, plus the loss", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-lif-"));
  const [model, input, out] = ["m", "x", "g"].map((n) => join(dir, `${n}.safetensors`));
  const net = initLifNetwork([5, 4, 3], new Rng(3), { lambda: 0.5, vth: 0.5, surrogateSlope: 4 });
  await saveLifNetwork(model, net);
  const rng = new Rng(4), T = 3, batch = 2;
  const xs = Array.from(
    { length: T },
    () => Float64Array.from({ length: batch * 5 }, () => rng.uniform()),
  );
  const x = new Float64Array(T * batch * 5);
  xs.forEach((s, t) => x.set(s, t * batch * 5));
  await writeSafetensors(input, {
    x: tensor(x, [T, batch, 5]),
    y: tensor(new Int32Array([2, 0]), [batch]),
  });
  for (const method of Object.keys(LIF_METHODS)) {
    assert.equal(
      (await runCli(["grad", "--method", method, "--model", model, "--input", input, "--out", out]))
        .code,
      0,
    );
    const { tensors } = await readSafetensors(out);
    const direct = LIF_METHODS[method].gradients(net, xs, [2, 0], batch);
    assert.deepEqual(Object.keys(tensors).sort(), [
      "fc1.bias",
      "fc1.weight",
      "fc2.bias",
      "fc2.weight",
      "loss",
    ]);
    assert.deepEqual(tensors["fc1.weight"].shape, [4, 5]);
    assert.deepEqual(Float64Array.from(tensors["fc1.weight"].data), direct.grads[0]);
    assert.deepEqual(Float64Array.from(tensors["fc2.bias"].data), direct.grads[3]);
    assert.equal(tensors.loss.data[0], direct.loss);
  }
  // [batch, features] with float one-hot labels: the direct code over --T steps
  await writeSafetensors(input, {
    x: tensor(xs[0], [batch, 5]),
    y: tensor(new Float32Array([0, 0, 1, 1, 0, 0]), [batch, 3]),
  });
  assert.equal(
    (await runCli([
      "grad",
      "--method",
      "bptt",
      "--model",
      model,
      "--input",
      input,
      "--out",
      out,
      "--T",
      "4",
    ])).code,
    0,
  );
  const g = (await readSafetensors(out)).tensors,
    direct = LIF_METHODS.bptt.gradients(net, codeInput(xs[0], 4), [2, 0], batch);
  assert.deepEqual(Float64Array.from(g["fc1.weight"].data), direct.grads[0]);
  // bad input: a typed error and exit 1, no crash
  await writeSafetensors(input, {
    x: tensor(xs[0].slice(0, 8), [batch, 4]),
    y: tensor(new Int32Array([0, 1]), [batch]),
  });
  assert.equal((await runCli(["grad", "--model", model, "--input", input, "--out", out])).code, 1);
  await rm(dir, { recursive: true });
});

test("CLI: experiment cost prints a row per method, with SAF's state below OTTT's", async () => {
  const argv = [
    "experiment",
    "cost",
    "--hidden",
    "8",
    "--T",
    "2",
    "--sweep",
    "1,4",
    "--batch",
    "2",
    "--repeats",
    "1",
    "--json",
  ];
  const { code, stdout: lines } = await runCli(argv);
  assert.equal(code, 0);
  const rows = JSON.parse(lines[lines.length - 1]).rows;
  const state = (m: string) =>
    rows.find((r: { method: string }) => r.method === m).stateFloatsPerNeuron;
  assert.ok(state("saf-e") < state("ottt-o"));
  // OTTT_A, OTTT_O: both variants x both forwards, 4 rows each
  assert.equal(rows.length, Object.keys(LIF_METHODS).length + 6);
  const ratios = JSON.parse(lines[lines.length - 1]).timeRatios;
  for (const v of ["trace, replace", "official, replace", "trace, lean", "official, lean"]) {
    assert.ok(ratios[`saf-e/ottt-o (${v})`] > 0, v);
  }
});

test("train --help shows the LIF options beside the TTFS ones, and an option of the other family is refused by name (exit 2)", async () => {
  const help = (await runCli(["train", "--help"])).stdout.join("\n");
  for (const name of ["--method", "--T", "--lambda", "--coding", "--hidden", "--workers"]) {
    assert.match(help, new RegExp(`${name}\\b`));
  }
  const method = await runCli(["train", "--method", "saf-e"]);
  const workers = await runCli(["train", "--model", "lif-mlp", "--workers", "2"]);
  assert.equal(method.code, 2);
  assert.equal(workers.code, 2);
  assert.match(method.stderr[0], /--method is an option of the LIF models: add --model lif-mlp/);
  assert.match(workers.stderr[0], /--workers is an option of the TTFS models, not of LIF training/);
});

test("train --model lif-mlp --load refuses --hidden, --lambda, --vth and --surrogate-slope instead of ignoring them", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-lif-")), model = join(dir, "m.safetensors");
  try {
    await saveLifNetwork(model, initLifNetwork([784, 8, 10], new Rng(1)));
    for (
      const extra of [["--hidden", "32"], ["--lambda", "0.9"], ["--vth=2"], [
        "--surrogate-slope",
        "3",
      ]]
    ) {
      const r = await runCli([
        "train",
        "--model",
        "lif-mlp",
        "--load",
        model,
        ...extra,
        "--epochs",
        "1",
      ]);
      assert.equal(r.code, 2, extra.join(" "));
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("train --model lif-mlp --plot writes the LIF training curves as SVG", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-lif-")), plot = join(dir, "c.svg");
  try {
    const argv = ["--model", "lif-mlp", "--hidden", "8", "--T", "2", "--epochs", "1"];
    const r = await runCli(["train", ...argv, "--data", "embedded", "--plot", plot]);
    assert.equal(r.code, 0);
    const svg = await readFile(plot, "utf8");
    assert.match(svg, /^<svg/);
    for (const title of ["test accuracy (LIF inference)", "training loss", "firing rate"]) {
      assert.ok(svg.includes(title), title);
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});
