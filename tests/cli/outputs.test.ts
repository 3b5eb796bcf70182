// Output paths are checked before any work (issue: a full training run, then an ENOENT stack).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandSpec } from "../../src/cli/args.ts";
import { experimentConstraintsSpec } from "../../src/cli/constraints.ts";
import { analyzeJacobianSpec, experimentDepthSpec } from "../../src/cli/depth.ts";
import { gradSpec } from "../../src/cli/grad.ts";
import { experimentCostSpec } from "../../src/cli/lif_cost.ts";
import { mapSpec, spikesSpec } from "../../src/cli/map.ts";
import { trainSpec } from "../../src/cli/train.ts";
import { trainLifSpec } from "../../src/cli/train_lif.ts";
import { OutputError } from "../../src/errors.ts";
import { runCli } from "../_cli.ts";
import { checkWritable, writeFileAtomic } from "../../src/io/atomic.ts";

/** Each command (its words on the command line) with its spec. */
const COMMANDS: [string[], CommandSpec][] = [
  [["train"], trainSpec],
  [["train", "--model", "lif-mlp"], trainLifSpec],
  [["map"], mapSpec],
  [["spikes"], spikesSpec],
  [["grad"], gradSpec],
  [["experiment", "depth"], experimentDepthSpec],
  [["experiment", "constraints"], experimentConstraintsSpec],
  [["experiment", "cost"], experimentCostSpec],
  [["analyze", "jacobian"], analyzeJacobianSpec],
];

test("every output option of every command is checked before the command runs: a missing directory is an OutputError naming the path (exit 1)", async () => {
  let checked = 0;
  for (const [words, spec] of COMMANDS) {
    for (const [name, option] of Object.entries(spec.options)) {
      if (!option.output) continue;
      const bad = `/nonexistent-spikeproof-dir/${name}.out`;
      const r = await runCli([...words, `--${name}`, bad]);
      assert.equal(r.code, 1, `${words.join(" ")} --${name}: ${r.stderr.join(" | ")}`);
      assert.deepEqual(r.stdout, []);
      assert.deepEqual(r.stderr, [
        `spikeproof: OutputError: cannot write ${bad}: no directory /nonexistent-spikeproof-dir`,
      ]);
      checked++;
    }
  }
  assert.ok(checked >= 12, `${checked} output options`);
});

test("train with an unwritable --save writes nothing and trains nothing: its good --out stays absent", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-out-"));
  try {
    const out = join(dir, "r.json"), argv = ["--data", "embedded", "--epochs", "1", "--out", out];
    const r = await runCli(["train", ...argv, "--save", join(dir, "missing", "x.safetensors")]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.length + r.stderr.length, 1, [...r.stdout, ...r.stderr].join("\n"));
    assert.equal(existsSync(out), false);
    assert.deepEqual(await readdir(dir), []); // no probe or temp file left behind
    const same = await runCli(["train", ...argv, "--save", out]);
    assert.equal(same.code, 2, "--out and --save naming one file is an OptionError");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("checkWritable refuses a directory and a missing directory; writeFileAtomic's own failures are OutputErrors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-out-"));
  try {
    await assert.rejects(
      checkWritable(dir),
      (e) => e instanceof OutputError && /is a directory/.test(e.message),
    );
    await assert.rejects(checkWritable(join(dir, "a", "b")), OutputError);
    await checkWritable(join(dir, "ok.json"));
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(
      writeFileAtomic(join(dir, "a", "b"), "x"),
      (e) => e instanceof OutputError && /ENOENT/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
