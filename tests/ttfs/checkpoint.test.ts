import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError, IntervalError } from "../../src/errors.ts";
import { readSafetensors, tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { initReluMlp } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { initB1Network } from "../../src/ttfs/b1.ts";
import {
  loadB1Network,
  loadGeneralNetwork,
  loadReluMlp,
  saveB1Network,
  saveGeneralNetwork,
  saveReluMlp,
} from "../../src/ttfs/checkpoint.ts";
import { main } from "../../src/cli/main.ts";
import { ttfsModelLayers } from "../../src/ttfs/models.ts";
import { withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("ckpt", fn);

test("checkpoints: a B = 1 network and a ReLU MLP round-trip exactly through safetensors", () =>
  withDir(async (dir) => {
    const net = initB1Network([7, 5, 4, 3], new Rng(4));
    net.intervals = { tmin: [0, 1, 2.5], tmax: [1, 2.5, 9] };
    await saveB1Network(join(dir, "snn.safetensors"), net);
    assert.deepEqual(await loadB1Network(join(dir, "snn.safetensors")), net);
    const relu = initReluMlp([6, 4, 2], new Rng(5));
    await saveReluMlp(join(dir, "relu.safetensors"), relu);
    assert.deepEqual(await loadReluMlp(join(dir, "relu.safetensors")), relu);
  }));

test("checkpoints: conv nets round-trip exactly, geometry included (conv{n}.weight is [outC, k, k, inC])", () =>
  withDir(async (dir) => {
    const layers = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
    const net = initB1Network(layers, new Rng(4));
    net.intervals = { tmin: [0, 1, 2.5, 4, 5], tmax: [1, 2.5, 4, 5, 9] };
    await saveB1Network(join(dir, "lenet.safetensors"), net);
    assert.deepEqual(await loadB1Network(join(dir, "lenet.safetensors")), net);
    const file = await readSafetensors(join(dir, "lenet.safetensors"));
    assert.deepEqual(file.tensors["conv1.weight"].shape, [6, 5, 5, 1]);
    assert.deepEqual(file.tensors["fc3.weight"].shape, [120, 400]);
    const relu = initReluMlp(layers, new Rng(5));
    await saveReluMlp(join(dir, "relu.safetensors"), relu);
    assert.deepEqual(await loadReluMlp(join(dir, "relu.safetensors")), relu);
  }));

test("checkpoints: a conv file with broken layers metadata or a mis-shaped kernel is refused with a DataError", () =>
  withDir(async (dir) => {
    const layers = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
    const relu = initReluMlp(layers, new Rng(5)), path = join(dir, "r.safetensors");
    await saveReluMlp(path, relu);
    const { tensors, metadata } = await readSafetensors(path);
    const broken = JSON.parse(metadata.layers);
    broken[1].conv.inC = 7; // no longer chains with conv1's 6 channels
    await writeSafetensors(path, tensors, { ...metadata, layers: JSON.stringify(broken) });
    await assert.rejects(loadReluMlp(path), /bad layers metadata \(a conv layer expects 14x14x7\)/);
    await writeSafetensors(path, tensors, { ...metadata, layers: "[{" });
    await assert.rejects(loadReluMlp(path), DataError);
    const wrong = {
      ...tensors,
      "conv2.weight": tensor(new Float64Array(16 * 25 * 6), [16, 6, 5, 5]),
    };
    await writeSafetensors(path, wrong, metadata);
    await assert.rejects(loadReluMlp(path), /conv2.weight \[16,6,5,5\].*\[16,5,5,6\]/);
  }));

test("checkpoints: a PyTorch-style float32 file without metadata loads as a ReLU MLP", () =>
  withDir(async (dir) => {
    const path = join(dir, "torch.safetensors");
    await writeSafetensors(path, {
      "fc1.weight": tensor(Float32Array.from([0.5, -1, 2, 0.25]), [2, 2]),
      "fc1.bias": tensor(Float32Array.from([0, 1]), [2]),
      "fc2.weight": tensor(Float32Array.from([1, -1]), [1, 2]),
      "fc2.bias": tensor(Float32Array.from([0.5]), [1]),
    });
    const relu = await loadReluMlp(path);
    assert.deepEqual(relu.layers.map((l) => [l.nIn, l.nOut]), [[2, 2], [2, 1]]);
    assert.deepEqual([...relu.layers[0].w], [0.5, -1, 2, 0.25]);
  }));

test("checkpoints: sizes that do not chain, an integer dtype, unexpected tensors, a ReLU file loaded as B = 1, and empty or miscounted intervals are each refused naming the problem", () =>
  withDir(async (dir) => {
    const p = (name: string) => join(dir, name);
    await writeSafetensors(p("chain.safetensors"), {
      "fc1.weight": tensor(new Float64Array(6), [3, 2]),
      "fc1.bias": tensor(new Float64Array(3), [3]),
      "fc2.weight": tensor(new Float64Array(4), [1, 4]),
      "fc2.bias": tensor(new Float64Array(1), [1]),
    });
    await assert.rejects(
      loadReluMlp(p("chain.safetensors")),
      /fc2.weight takes 4 inputs but fc1 has 3 outputs/,
    );
    await writeSafetensors(p("int.safetensors"), {
      "fc1.weight": tensor(new Int32Array(2), [1, 2]),
      "fc1.bias": tensor(new Int32Array(1), [1]),
    });
    await assert.rejects(loadReluMlp(p("int.safetensors")), /dtype I32/);
    await writeSafetensors(p("extra.safetensors"), {
      "fc1.weight": tensor(new Float64Array(2), [1, 2]),
      "fc1.bias": tensor(new Float64Array(1), [1]),
      "conv.weight": tensor(new Float64Array(1), [1]),
    });
    await assert.rejects(loadReluMlp(p("extra.safetensors")), /unexpected tensors conv.weight/);
    await saveReluMlp(p("relu.safetensors"), initReluMlp([2, 2], new Rng(0)));
    await assert.rejects(loadB1Network(p("relu.safetensors")), DataError);
    const net = initB1Network([3, 2, 2], new Rng(1));
    net.intervals = { tmin: [0, 1], tmax: [1, 1] };
    await saveB1Network(p("empty.safetensors"), net);
    await assert.rejects(loadB1Network(p("empty.safetensors")), /empty or inverted/);
    net.intervals = { tmin: [0], tmax: [1] };
    await saveB1Network(p("count.safetensors"), net);
    await assert.rejects(loadB1Network(p("count.safetensors")), IntervalError);
  }));

test("checkpoints: a tensor named __proto__ is an unexpected tensor, in B = 1, ReLU and general files", () =>
  withDir(async (dir) => {
    const path = join(dir, "proto.safetensors");
    const extra = { ["__proto__"]: tensor(new Float64Array(1), [1]) }; // an own key, not a prototype
    const net = initB1Network([3, 2, 2], new Rng(1));
    net.intervals = { tmin: [0, 1], tmax: [1, 2] };
    const general = {
      hidden: [{ nIn: 3, nOut: 2, alpha: new Float64Array(2), J: new Float64Array(6) }]
        .map((l) => ({ ...l, theta: new Float64Array(2) })),
      readout: { nIn: 2, nOut: 2, W: new Float64Array(4), D: new Float64Array(2) },
      intervals: net.intervals,
    };
    const cases: [() => Promise<void>, () => Promise<unknown>][] = [
      [() => saveB1Network(path, net), () => loadB1Network(path)],
      [() => saveReluMlp(path, initReluMlp([3, 2], new Rng(2))), () => loadReluMlp(path)],
      [() => saveGeneralNetwork(path, general), () => loadGeneralNetwork(path)],
    ];
    for (const [save, load] of cases) {
      await save();
      await load(); // loads as saved
      const { tensors, metadata } = await readSafetensors(path);
      await writeSafetensors(path, Object.assign(Object.create(null), tensors, extra), metadata);
      assert.ok(Object.keys((await readSafetensors(path)).tensors).includes("__proto__"));
      await assert.rejects(load(), (e: unknown) => {
        assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
        assert.match(e.message, /unexpected tensors/);
        return true;
      });
    }
  }));

test("checkpoints: intervals and layers metadata of the wrong JSON shape are DataErrors naming it, not TypeErrors", () =>
  withDir(async (dir) => {
    const path = join(dir, "m.safetensors");
    const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
    const net = initB1Network(
      [{ nIn: 16, nOut: 8, conv, pool: 2 }, { nIn: 8, nOut: 3 }],
      new Rng(1),
    );
    net.intervals = { tmin: [0, 1], tmax: [1, 2] };
    await saveB1Network(path, net);
    const { tensors, metadata } = await readSafetensors(path);
    const cases: [Record<string, string>, RegExp][] = [
      [{ intervals: "null" }, /bad intervals metadata \(need \{tmin/],
      [{ intervals: "[]" }, /bad intervals metadata \(need \{tmin/],
      [{ intervals: '{"tmin":[0,1]}' }, /bad intervals metadata \(need \{tmin/],
      [{ layers: "null" }, /bad layers metadata \(no layers\)/],
      [{ layers: "[null]" }, /bad layers metadata \(layer 1 is null\)/],
      [{ layers: '[{"nIn":"16","nOut":3}]' }, /bad layers metadata \(bad input size "16"\)/],
      [{ layers: JSON.stringify([{ nIn: 16, nOut: 8, conv: 5 }, { nIn: 8, nOut: 3 }]) }, /conv/],
      [
        { layers: JSON.stringify([{ nIn: 16, nOut: 8, conv: { ...conv, pad: undefined } }, {}]) },
        /bad layers metadata \(conv pad = undefined is not >= 0\)/,
      ],
    ];
    for (const [edit, re] of cases) {
      await writeSafetensors(path, tensors, { ...metadata, ...edit });
      await assert.rejects(loadB1Network(path), (e: unknown) => {
        assert.ok(e instanceof DataError, `${JSON.stringify(edit)}: got ${e}`);
        assert.match(e.message, re);
        assert.doesNotMatch(e.message, /Cannot read|is not (iterable|a function)/);
        return true;
      });
    }
  }));

test("CLI: train --save writes a checkpoint that --load continues from", () =>
  withDir(async (dir) => {
    const path = join(dir, "fc.safetensors"), log = console.log;
    console.log = () => {};
    try {
      const args = ["--data", "embedded", "--hidden", "8", "--epochs", "1", "--batch", "100"];
      assert.equal(await main(["train", ...args, "--save", path]), 0);
      const saved = await loadB1Network(path);
      assert.deepEqual(saved.layers.map((l) => l.nOut), [8, 10]);
      assert.equal(await main(["train", "--data", "embedded", "--epochs", "1", "--load", path]), 0);
      assert.equal(await main(["train", "--load", path, "--hidden", "8"]), 2);
    } finally {
      console.log = log;
    }
  }));
