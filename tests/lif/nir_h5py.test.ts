// The exported layout read by an HDF5 reader independent of ours: Debian's python3-h5py runs
// tests/fixtures/nir_check.py on files the exporter wrote. It checks every node's type, fields,
// dtypes, shapes and compression against what NIR's reader (nir/serialization.py) expects, runs
// the graph with numpy at its dt and compares the Output with lifForward's, and, when the `nir`
// package imports (PYTHONPATH=/path/to/NIR), reads the file with nir.read too. Without h5py at
// /usr/bin/python3 (or $SPIKEPROOF_PYTHON) the test skips and says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { writeNir } from "../../src/io/nir_hdf5.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { lifToNir } from "../../src/lif/nir.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { LIF_MODELS } from "../../src/lif/models.ts";
import { withTempDir } from "../_cli.ts";

const PYTHON = process.env.SPIKEPROOF_PYTHON ?? "/usr/bin/python3";
const CHECK = fileURLToPath(new URL("../fixtures/nir_check.py", import.meta.url));
const probe = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
const skip = probe.status === 0
  ? false
  : `no h5py for ${PYTHON} (apt-get install python3-h5py): ${
    probe.error?.message ?? probe.stderr.trim().split("\n").pop()
  }`;
if (skip) console.log(`# skipped: ${skip}`);

/** Per-step inputs in NIR's [C, H, W] layout and the outputs and spikes of lifForward. */
function io(net: LifNetwork, seed: number): object {
  const rng = new Rng(seed), c = net.layers[0].conv, n = net.layers[0].nIn;
  const xs = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, () => rng.uniform()));
  const run = lifForward(net, xs, 1);
  const chw = (x: Float64Array) => {
    if (!c) return [...x];
    const out: number[] = [];
    for (let k = 0; k < c.inC; k++) {
      for (let i = 0; i < c.inH * c.inW; i++) out.push(x[i * c.inC + k]);
    }
    return out;
  };
  return { inputs: xs.map(chw), outputs: run.outputs.map((o) => [...o]), spikes: run.spikes };
}

test(
  "NIR export read by h5py: lif-mlp, lif-conv, a 3-channel conv net and an IF net have NIR's layout, and numpy runs them to spikeproof's outputs",
  {
    skip,
    timeout: 300_000,
  },
  () =>
    withTempDir("nir-h5py", async (dir) => {
      const rng = new Rng(11);
      const nets: Record<string, LifNetwork> = {
        "lif-mlp": initLifNetwork([784, 512, 10], rng, undefined, 4),
        "lif-conv": initLifNetwork(
          buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"]),
          rng,
          undefined,
          4,
        ),
        "conv-rgb": initLifNetwork(
          buildLayers({ h: 9, w: 8, c: 3 }, [{ conv: 4, k: 3, pad: "valid", pool: 2 }, {
            conv: 5,
            k: 3,
            pad: "same",
          }, {
            dense: 6,
          }, { dense: 3 }]),
          rng,
          { lambda: 0.8125, vth: 0.7, surrogateSlope: 4 },
          4,
        ),
        "if-mlp": initLifNetwork([20, 12, 4], rng, { lambda: 1, vth: 1.5, surrogateSlope: 4 }, 4),
      };
      for (const [name, net] of Object.entries(nets)) {
        const file = join(dir, `${name}.nir`), json = join(dir, `${name}.json`);
        await writeNir(file, lifToNir(net));
        await writeFile(json, JSON.stringify(io(net, 3)));
        const r = spawnSync(PYTHON, [CHECK, file, json], { encoding: "utf8" });
        assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
        const report = JSON.parse(r.stdout.trim().split("\n").pop()!);
        assert.equal(report.ok, true, name);
        assert.ok(report.max_abs_diff <= 1e-9, `${name}: ${report.max_abs_diff}`);
        console.log(
          `# ${name}: ${
            JSON.stringify(report.nodes)
          }, spikes ${report.spikes}, nir.read: ${report.nir_read}`,
        );
      }
    }),
);
