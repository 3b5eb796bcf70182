// `spikeproof export --format nir` and `spikeproof import --format nir` through the CLI's main:
// a round trip of checkpoints, and every bad input as one typed error line and an exit code
// (2 for bad options, 1 otherwise), checked before any work: nothing is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { initB1Network } from "../../src/ttfs/b1.ts";
import { saveB1Network } from "../../src/ttfs/checkpoint.ts";
import { LIF_MODELS } from "../../src/lif/models.ts";
import type { NirArray, NirNode } from "../../src/io/nir.ts";
import { runCli, withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("nir-cli", fn);

test("CLI: export --format nir then import --format nir gives back the checkpoint (lif-conv), with --json reports", () =>
  withDir(async (dir) => {
    const ckpt = join(dir, "conv.safetensors"),
      nir = join(dir, "conv.nir"),
      back = join(dir, "back.safetensors");
    const net = initLifNetwork(
      buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"]),
      new Rng(4),
      {
        lambda: 0.75,
        vth: 0.5,
        surrogateSlope: 2,
      },
    );
    await saveLifNetwork(ckpt, net);
    const ex = await runCli(["export", "--model", ckpt, "--format", "nir", "--out", nir, "--json"]);
    assert.equal(ex.code, 0, ex.stderr.join("\n"));
    const report = JSON.parse(ex.stdout[ex.stdout.length - 1]);
    assert.equal(report.nodes, 12); // input, output, 2 x (conv, LIF, pool), 2 x (affine, LIF)
    assert.equal(report.bytes, (await readFile(nir)).length);
    const im = await runCli(["import", "--format", "nir", nir, "--out", back]);
    assert.equal(im.code, 0, im.stderr.join("\n"));
    assert.match(
      im.stdout[0],
      /^wrote .*back\.safetensors: LIF 28x28x1-conv16k3p1\/pool2-conv32k3p1\/pool2-fc128-fc10, lambda 0\.75, V_th 0\.5/,
    );
    const loaded = await loadLifNetwork(back);
    assert.deepEqual(loaded, await loadLifNetwork(ckpt));
  }));

test("CLI: export and import refuse bad options, missing, foreign, corrupt and truncated files and unwritable outputs, writing nothing", () =>
  withDir(async (dir) => {
    const ckpt = join(dir, "m.safetensors"), nir = join(dir, "m.nir"), out = join(dir, "out");
    await saveLifNetwork(ckpt, initLifNetwork([6, 4, 3], new Rng(0)));
    assert.equal((await runCli(["export", "--model", ckpt, "--out", nir])).code, 0);
    const ttfs = join(dir, "ttfs.safetensors");
    await saveB1Network(ttfs, initB1Network([6, 4, 3], new Rng(0)));
    const bytes = await readFile(nir);
    await writeFile(join(dir, "cut.nir"), bytes.subarray(0, bytes.length >> 1));
    await writeFile(join(dir, "text.nir"), "not hdf5\n");
    const cases: [string[], number, RegExp][] = [
      [
        ["export", "--model", ckpt, "--out", out, "--bogus"],
        2,
        /OptionError: export: Unknown option '--bogus'/,
      ],
      [
        ["export", "--model", ckpt, "--out", out, "--format", "onnx"],
        2,
        /OptionError: unknown --format 'onnx'; known: nir/,
      ],
      [["export", "--out", out], 2, /OptionError: --model FILE is required/],
      [
        ["export", "--model", ckpt, "--out", out, "--dt", "0"],
        2,
        /OptionError: --dt must be a number/,
      ],
      [
        ["export", "--model", join(dir, "none.safetensors"), "--out", out],
        1,
        /DataError: cannot read .*none\.safetensors/,
      ],
      [
        ["export", "--model", ttfs, "--out", out],
        1,
        /DataError: .*ttfs\.safetensors holds a 'ttfs-b1' network, not a LIF network/,
      ],
      [
        ["export", "--model", ckpt, "--out", join(dir, "no", "x.nir")],
        1,
        /OutputError: cannot write .*x\.nir/,
      ],
      [
        ["import", "--format", "nir", "--out", out],
        2,
        /OptionError: import: need one NIR file, got 0/,
      ],
      [["import", nir, nir, "--out", out], 2, /OptionError: import: need one NIR file, got 2/],
      [
        ["import", nir, "--out", out, "--lossy"],
        2,
        /OptionError: import: Unknown option '--lossy'/,
      ],
      [
        ["import", "--format", "onnx", nir, "--out", out],
        2,
        /OptionError: unknown --format 'onnx'/,
      ],
      [["import", join(dir, "none.nir"), "--out", out], 1, /DataError: cannot read .*none\.nir/],
      [
        ["import", join(dir, "cut.nir"), "--out", out],
        1,
        /DataError: .*cut\.nir: truncated: \d+ bytes, the file says \d+/,
      ],
      [
        ["import", join(dir, "text.nir"), "--out", out],
        1,
        /DataError: .*text\.nir: not an HDF5 file/,
      ],
      [["import", nir, "--out", join(dir, "no", "x.safetensors")], 1, /OutputError: cannot write/],
      [["import", nir, "--out", dir], 1, /OutputError: .*is a directory/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.stderr.join("\n")}`);
      assert.equal(r.stderr.length, 1, argv.join(" "));
      assert.match(r.stderr[0], new RegExp(`^spikeproof: ${message.source}`), argv.join(" "));
      assert.equal(existsSync(out), false, argv.join(" "));
    }
  }));

test("CLI: import names the node it refuses (a NaN weight, a hard reset without --lossy-reset)", () =>
  withDir(async (dir) => {
    const { lifToNir } = await import("../../src/lif/nir.ts");
    const { writeNir } = await import("../../src/io/nir_hdf5.ts");
    const doc = lifToNir(initLifNetwork([5, 4, 2], new Rng(2)));
    const lif = doc.graph.nodes.lif1 as { metadata?: unknown };
    delete lif.metadata;
    const hard = join(dir, "hard.nir"), out = join(dir, "x.safetensors");
    await writeNir(hard, doc);
    const r = await runCli(["import", hard, "--out", out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr[0], /^spikeproof: DataError: NIR node 'lif1' \(LIF\) resets to v_reset/);
    assert.equal(existsSync(out), false);
    assert.equal((await runCli(["import", hard, "--out", out, "--lossy-reset"])).code, 0);
    const fc2 = doc.graph.nodes.fc2 as NirNode;
    (fc2.attrs.weight as NirArray).data[3] = NaN;
    await writeNir(hard, doc);
    const nan = await runCli(["import", hard, "--out", join(dir, "y.safetensors")]);
    assert.equal(nan.code, 1);
    assert.match(
      nan.stderr[0],
      /^spikeproof: ValueError: NIR node 'fc2' \(Affine\): weight\[3\] is NaN/,
    );
  }));
