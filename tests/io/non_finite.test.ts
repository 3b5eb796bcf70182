import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataError, ValueError } from "../../src/errors.ts";
import { firstNonFinite } from "../../src/io/finite.ts";
import { readSafetensors, tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { initReluMlp } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { initB1Network } from "../../src/ttfs/b1.ts";
import {
  loadB1Network,
  loadGeneralNetwork,
  loadReluMlp,
  loadTtfsNetwork,
  saveB1Network,
  saveGeneralNetwork,
  saveReluMlp,
} from "../../src/ttfs/checkpoint.ts";
import { withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("nonfinite", fn);

/** Rewrites `path` with element `index` of tensor `name` set to `value`, as `dtype`. */
async function plant(path: string, name: string, index: number, value: number, f32 = false) {
  const { tensors, metadata } = await readSafetensors(path);
  const data = f32 ? Float32Array.from(tensors[name].data) : tensors[name].data;
  data[index] = value;
  tensors[name] = tensor(data, tensors[name].shape);
  await writeSafetensors(path, tensors, metadata);
}

/** A rejection that is a DataError whose message holds every fragment. */
function dataError(...fragments: string[]): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  };
}

const general = () => ({
  hidden: [{ nIn: 3, nOut: 2, alpha: new Float64Array(2), J: new Float64Array(6).fill(0.5) }]
    .map((l) => ({ ...l, theta: new Float64Array(2).fill(0.25) })),
  readout: { nIn: 2, nOut: 2, W: new Float64Array(4).fill(1), D: new Float64Array(2) },
  intervals: { tmin: [0, 1], tmax: [1, 2] },
});

test("firstNonFinite names the first NaN or infinite element by tensor and flat index", () => {
  const t = {
    a: tensor(new Float64Array([1, 2]), [2]),
    n: tensor(new Int32Array([7]), [1]),
    b: tensor(new Float32Array([0, 0, -Infinity, NaN]), [2, 2]),
  };
  assert.deepEqual(firstNonFinite(t), { tensor: "b", index: 2, value: -Infinity });
  assert.equal(firstNonFinite({ a: t.a, n: t.n }), undefined);
});

test("every checkpoint loader rejects a planted NaN or Inf, naming the file, tensor and index", () =>
  withDir(async (dir) => {
    const path = join(dir, "m.safetensors");
    const b1 = initB1Network([5, 4, 3], new Rng(1));
    const cases: [string, () => Promise<void>, () => Promise<unknown>, string, number][] = [
      ["B = 1", () => saveB1Network(path, b1), () => loadB1Network(path), "fc1.weight", 13],
      ["B = 1 (any)", () => saveB1Network(path, b1), () => loadTtfsNetwork(path), "fc2.bias", 2],
      [
        "ReLU",
        () => saveReluMlp(path, initReluMlp([5, 4, 3], new Rng(2))),
        () => loadReluMlp(path),
        "fc2.weight",
        7,
      ],
      [
        "general",
        () => saveGeneralNetwork(path, general()),
        () => loadGeneralNetwork(path),
        "fc1.theta",
        1,
      ],
      [
        "LIF",
        () => saveLifNetwork(path, initLifNetwork([5, 4, 3], new Rng(3))),
        () => loadLifNetwork(path),
        "fc1.bias",
        3,
      ],
    ];
    for (const [kind, save, load, name, index] of cases) {
      for (const [value, f32] of [[NaN, false], [Infinity, true], [-Infinity, false]] as const) {
        await save();
        await load(); // loads as saved
        await plant(path, name, index, value, f32);
        await assert.rejects(load(), dataError(path, `${name}[${index}] is ${value}`), kind);
      }
    }
  }));

test("the savers refuse a NaN or infinite weight or interval bound and write nothing", () =>
  withDir(async (dir) => {
    const path = join(dir, "out.safetensors");
    const isValueError = (...fragments: string[]) => (e: unknown) => {
      assert.ok(e instanceof ValueError, `expected a ValueError, got ${e}`);
      for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
      return true;
    };
    const b1 = initB1Network([5, 4, 3], new Rng(1));
    b1.intervals.tmax[1] = NaN; // what a NaN bias made train save as "tmax": [1, null]
    await assert.rejects(saveB1Network(path, b1), isValueError("intervals.tmax[1] is NaN"));
    const relu = initReluMlp([5, 4, 3], new Rng(2));
    relu.layers[1].b[0] = Infinity;
    await assert.rejects(saveReluMlp(path, relu), isValueError(path, "fc2.bias[0] is Infinity"));
    const g = general();
    g.hidden[0].alpha[1] = NaN;
    await assert.rejects(saveGeneralNetwork(path, g), isValueError("fc1.alpha[1] is NaN"));
    const lif = initLifNetwork([5, 4, 3], new Rng(3));
    lif.layers[0].w[6] = NaN;
    await assert.rejects(saveLifNetwork(path, lif), isValueError("fc1.weight[6] is NaN"));
    assert.equal(existsSync(path), false);
  }));
