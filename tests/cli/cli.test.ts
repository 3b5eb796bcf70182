import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  givenOptions,
  helpText,
  intListOption,
  numberOption,
  parseCommand,
} from "../../src/cli/args.ts";
import { parseTrain } from "../../src/cli/train_options.ts";
import { runCli } from "../_cli.ts";
import { TTFS_CONV_TRAINING, TTFS_TRAINING } from "../../src/ttfs/models.ts";
import { LIF_CONV_TRAINING, LIF_TRAINING } from "../../src/lif/methods.ts";
import { main } from "../../src/cli/main.ts";
import { formatDuration, progressLine } from "../../src/cli/progress.ts";
import { demoSpec } from "../../src/cli/demo.ts";
import { trainSpec } from "../../src/cli/train.ts";
import { OptionError } from "../../src/errors.ts";

test("CLI: --help exits 0 at the top level and for train and demo, and their help lists every option", async () => {
  for (const spec of [trainSpec, demoSpec]) {
    assert.equal(await main([spec.name, "--help"]), 0);
    for (const name of Object.keys(spec.options)) {
      assert.match(helpText(spec), new RegExp(`--${name}\\b`));
    }
  }
  assert.equal(await main(["--help"]), 0);
});

test("CLI: unknown commands, unknown options and bad values are OptionErrors (exit 2)", async () => {
  assert.equal(await main(["trian"]), 2);
  assert.equal(await main(["train", "--bogus", "1"]), 2);
  assert.equal(await main(["train", "--model", "ttfs-nope"]), 2);
  assert.throws(() => parseCommand(trainSpec, ["--epochs"]), OptionError);
  assert.throws(
    () => numberOption({ epochs: "1.5" }, "epochs", { integer: true }),
    /--epochs must be an integer/,
  );
  assert.throws(() => numberOption({ lr: "NaN" }, "lr"), OptionError);
  assert.throws(() => intListOption({ hidden: "340,,3" }, "hidden"), /--hidden/);
  assert.deepEqual(intListOption({ hidden: "340, 128" }, "hidden"), [340, 128]);
});

test("CLI: a missing data directory is a DataError (exit 1), not a fallback", async () => {
  assert.equal(await main(["train", "--data", "/nonexistent/fashion", "--epochs", "1"]), 1);
});

test("CLI: progress line shows the bar, loss, accuracy and ETA", () => {
  const p = {
    epoch: 2,
    epochs: 3,
    step: 3,
    stepsPerEpoch: 4,
    loss: 0.25,
    accuracy: 0.5,
    elapsedSeconds: 5,
    etaSeconds: 125,
  };
  assert.equal(progressLine(p, 8), "epoch 2/3 [######..]  75% loss 0.2500 acc 50.00% ETA 2m05s");
  assert.equal(formatDuration(3725), "1h02m");
});

test("CLI: train --json prints one JSON object last and --out writes it atomically", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-cli-"));
  const out = join(dir, "result.json");
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const code = await main([
      "train",
      "--data",
      "embedded",
      "--hidden",
      "24",
      "--epochs",
      "1",
      "--batch",
      "50",
      "--lr",
      "3e-3",
      "--json",
      "--out",
      out,
    ]);
    assert.equal(code, 0);
  } finally {
    console.log = log;
  }
  const printed = JSON.parse(lines[lines.length - 1]);
  for (
    const key of [
      "testAccuracy",
      "reluTwinTestAccuracy",
      "maxAbsLogitDiffVsReluTwin",
      "spikesPerNeuron",
      "epochs",
      "seconds",
    ]
  ) {
    assert.ok(key in printed, `JSON has ${key}`);
  }
  assert.deepEqual(JSON.parse(await readFile(out, "utf8")), printed);
  assert.deepEqual(await readdir(dir), ["result.json"], "no temporary file is left behind");
  assert.equal(printed.testAccuracy, printed.reluTwinTestAccuracy);
  assert.ok(printed.testAccuracy > 0.6, `accuracy ${printed.testAccuracy}`);
  await rm(dir, { recursive: true });
});

test("CLI: a negative number is read as the option's value and range-checked (--lr -1 names --lr's range, not node's 'ambiguous')", async () => {
  const spec = { name: "x", summary: "", options: { lr: { type: "string" as const, help: "" } } };
  assert.equal(parseCommand(spec, ["--lr", "-1"]).lr, "-1");
  assert.equal(parseCommand(spec, ["--lr", "-.5e-3"]).lr, "-.5e-3");
  assert.throws(() => parseCommand(spec, ["--lr", "-x"]), OptionError); // not a number: an option
  const r = await runCli(["train", "--lr", "-1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr.join("\n"), /--lr must be a number in .*got '-1'/);
});

test("demo trains ttfs-fc2 on the embedded subset and prints the backend, the SNN's and its twin's accuracy, their agreement and spikes per neuron", async () => {
  const r = await runCli(["demo", "--epochs", "1"]);
  assert.equal(r.code, 0);
  const out = r.stdout.join("\n");
  assert.match(out, /on the wasm backend \(the fused float32/); // the default, stated
  assert.match(out, /s on \S+ [\d.]+, wasm backend/);
  assert.match(out, /float64 replay, 2 steps +max \|weight SNN - twin\| \d\.\d\de-1[0-6]/);
  const diff = Number(/max \|logit SNN - twin\| +(\S+)/.exec(out)?.[1]);
  assert.ok(diff > 0 && diff < 1e-3, `float64 SNN vs float32 twin logits: ${diff}`);
  const acc = (name: string) => Number(new RegExp(`${name} +([\\d.]+)%`).exec(out)?.[1]);
  assert.ok(acc("SNN test accuracy") > 50, out);
  assert.equal(acc("SNN test accuracy"), acc("ReLU twin test accuracy"));
  assert.match(out, /same prediction +100\.00%/);
  assert.match(out, /spikes per neuron +0\.\d{3} \(hidden neurons before pooling\)/);
});

test("demo --backend ref trains the SNN and its twin side by side in float64 and says so; an unknown backend is an OptionError", async () => {
  const r = await runCli(["demo", "--epochs", "1", "--backend", "ref"]);
  assert.equal(r.code, 0);
  const out = r.stdout.join("\n");
  assert.match(out, /float64 reference backend/);
  assert.match(out, /max \|weight SNN - twin\| +\d\.\d\de-1[0-6]/);
  const bad = await runCli(["demo", "--backend", "gpu"]);
  assert.equal(bad.code, 2); // a usage error
  assert.match(bad.stderr.join("\n"), /OptionError: --backend must be wasm or ref, got 'gpu'/);
});

test("train parses once: the parsed --model (either spelling) picks the family whose defaults fill in, and givenOptions tells given options from defaults", () => {
  const lif = parseTrain(["--model=lif-conv", "--epochs", "2"]);
  assert.equal(lif.lif, true);
  assert.equal(lif.options.method, "saf-e"); // a LIF default
  assert.deepEqual([...givenOptions(lif.options)].sort(), ["epochs", "model"]);
  const ttfs = parseTrain(["--hidden", "32"]);
  assert.equal(ttfs.lif, false);
  assert.equal(ttfs.options.epochs, "15"); // the TTFS default, not LIF's 8
  assert.throws(
    () => parseTrain(["--model", "ttfs-fc2", "--T", "4"]),
    /--T is an option of the LIF models/,
  );
});

test("train gives the conv models their own schedule (TTFS_CONV_TRAINING) unless the command line sets it, and ttfs-fc2 keeps TTFS_TRAINING", async () => {
  const run = async (argv: string[]) => {
    const r = await runCli(["train", "--data", "embedded", "--epochs", "1", "--json", ...argv]);
    assert.equal(r.code, 0, r.stderr.join("\n"));
    return JSON.parse(r.stdout[r.stdout.length - 1]);
  };
  const lenet = await run(["--model", "ttfs-lenet5"]);
  assert.deepEqual(
    [lenet.epochs, lenet.lr, lenet.decayRate, lenet.decaySteps],
    [1, TTFS_CONV_TRAINING.lr, TTFS_CONV_TRAINING.decayRate, TTFS_CONV_TRAINING.decaySteps],
  );
  const given = await run(["--model", "ttfs-lenet5", "--lr", "5e-4"]);
  assert.deepEqual([given.lr, given.decayRate], [5e-4, TTFS_CONV_TRAINING.decayRate]);
  const fc2 = await run(["--hidden", "16"]);
  assert.deepEqual([fc2.lr, fc2.decayRate], [TTFS_TRAINING.lr, TTFS_TRAINING.decayRate]);
});

test("train gives lif-conv its own schedule (LIF_CONV_TRAINING) unless the command line sets it, and lif-mlp keeps LIF_TRAINING", async () => {
  const run = async (argv: string[]) => {
    const r = await runCli(["train", "--data", "embedded", "--epochs", "1", "--json", ...argv]);
    assert.equal(r.code, 0, r.stderr.join("\n"));
    return JSON.parse(r.stdout[r.stdout.length - 1]);
  };
  const figures = (r: Record<string, number>) => [r.epochs, r.lr, r.decayRate, r.decaySteps, r.T];
  const conv = await run(["--model", "lif-conv", "--batch", "100"]);
  const c = LIF_CONV_TRAINING, m = LIF_TRAINING;
  assert.deepEqual(figures(conv), [1, c.lr, c.decayRate, c.decaySteps, c.T]);
  assert.equal(conv.layers, "784-conv16k3/avg2-conv32k3/avg2-fc128-fc10");
  const given = await run(["--model", "lif-conv", "--lr", "5e-4", "--T", "2", "--batch", "100"]);
  assert.deepEqual([given.lr, given.T, given.decayRate], [5e-4, 2, c.decayRate]);
  const mlp = await run(["--model", "lif-mlp", "--hidden", "16", "--T", "2"]);
  assert.deepEqual(figures(mlp), [1, m.lr, m.decayRate, m.decaySteps, 2]);
});
