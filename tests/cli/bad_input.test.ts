// Issue 14, items 2 and 6: NaN/Inf weights and inputs, diverging training, empty and
// mis-shaped data sets, through the CLI's `main` (exit codes and the one-line error).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FASHION_MNIST_FILES } from "../../src/data/fashion_mnist.ts";
import { readSafetensors, tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { Rng } from "../../src/nn/rng.ts";
import { initB1Network } from "../../src/ttfs/b1.ts";
import { initReluMlp } from "../../src/nn/mlp.ts";
import { loadB1Network, saveB1Network, saveReluMlp } from "../../src/ttfs/checkpoint.ts";
import { ttfsModelLayers } from "../../src/ttfs/models.ts";
import { runCli, withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("badinput", fn);

/** A gzip'd IDX file of unsigned bytes. */
async function idxGz(dims: number[], data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(4 + 4 * dims.length + data.length), view = new DataView(raw.buffer);
  raw[2] = 0x08;
  raw[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  raw.set(data, 4 + 4 * dims.length);
  const packed = new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(packed).arrayBuffer());
}

/** Writes the four Fashion-MNIST files: `train` and `test` images of [count, rows, cols]. */
async function fashionDir(dir: string, train: number[], test: number[]): Promise<string> {
  const rng = new Rng(9), f = FASHION_MNIST_FILES;
  const pixels = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
  for (
    const [[count, rows, cols], images, labelFile] of [[train, f.trainImages, f.trainLabels], [
      test,
      f.testImages,
      f.testLabels,
    ]] as const
  ) {
    await writeFile(
      join(dir, images),
      await idxGz([count, rows, cols], pixels(count * rows * cols)),
    );
    await writeFile(join(dir, labelFile), await idxGz([count], labels(count)));
  }
  return dir;
}

const quick = ["--epochs", "1", "--batch", "50"];

test("CLI: train --load of a checkpoint with a NaN or Inf exits 1 naming the file, tensor and index, and saves nothing", () =>
  withDir(async (dir) => {
    const ckpt = join(dir, "nan.safetensors"), save = join(dir, "out.safetensors");
    await saveB1Network(ckpt, initB1Network([784, 16, 10], new Rng(0)));
    const { tensors, metadata } = await readSafetensors(ckpt);
    tensors["fc1.weight"].data[123] = NaN;
    await writeSafetensors(ckpt, tensors, metadata);
    for (const backend of ["ref", "wasm"]) {
      const r = await runCli([
        "train",
        "--data",
        "embedded",
        "--load",
        ckpt,
        "--backend",
        backend,
        ...quick,
        "--save",
        save,
      ]);
      assert.equal(r.code, 1, backend);
      assert.deepEqual(r.stderr, [
        `spikeproof: DataError: ${ckpt}: fc1.weight[123] is NaN; expected finite numbers`,
      ]);
      assert.equal(existsSync(save), false);
    }
    const lif = join(dir, "lif.safetensors"), net = initLifNetwork([784, 16, 10], new Rng(0));
    net.layers[1].b[3] = Infinity;
    await writeSafetensors(lif, {
      "fc1.weight": tensor(net.layers[0].w, [16, 784]),
      "fc1.bias": tensor(net.layers[0].b, [16]),
      "fc2.weight": tensor(net.layers[1].w, [10, 16]),
      "fc2.bias": tensor(net.layers[1].b, [10]),
    });
    const r = await runCli([
      "train",
      "--model",
      "lif-mlp",
      "--data",
      "embedded",
      "--load",
      lif,
      ...quick,
      "--save",
      save,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.join("\n"), /DataError: .*lif\.safetensors: fc2\.bias\[3\] is Infinity/);
    assert.equal(existsSync(save), false);
  }));

test("CLI: training whose loss goes non-finite exits 1 naming epoch and step, and --save holds the last finite network", () =>
  withDir(async (dir) => {
    const huge = join(dir, "huge.safetensors"), save = join(dir, "out.safetensors");
    for (const [backend, value] of [["ref", 1e308], ["wasm", 1e300]] as const) {
      const net = initB1Network([784, 16, 10], new Rng(0));
      net.layers[0].W.fill(value); // finite; the float64 sums or the float32 weights overflow
      await saveB1Network(huge, net);
      const r = await runCli([
        "train",
        "--data",
        "embedded",
        "--load",
        huge,
        "--backend",
        backend,
        ...quick,
        "--save",
        save,
      ]);
      assert.equal(r.code, 1, backend);
      assert.equal(r.stderr.length, 1);
      assert.match(
        r.stderr[0],
        /^spikeproof: NumericalError: epoch 1, step 1: .*(NaN|Infinity).*training stopped/,
      );
      assert.ok(r.stderr[0].endsWith(`${save} holds the starting network, the last finite one`));
      assert.deepEqual(await loadB1Network(save), await loadB1Network(huge));
      await rm(save);
    }
    const lif = initLifNetwork([784, 16, 10], new Rng(0));
    lif.layers[1].b.fill(1e308);
    await saveLifNetwork(huge, lif);
    const r = await runCli([
      "train",
      "--model",
      "lif-mlp",
      "--T",
      "2",
      "--data",
      "embedded",
      "--load",
      huge,
      ...quick,
      "--save",
      save,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr.join("\n"),
      /NumericalError: epoch 1, step 1: .*holds the starting network/,
    );
    assert.deepEqual(await loadLifNetwork(save), await loadLifNetwork(huge));
  }));

test("CLI: grad with a NaN in x exits 1 naming the file and the index, and writes no gradients", () =>
  withDir(async (dir) => {
    const model = join(dir, "m.safetensors"), input = join(dir, "in.safetensors");
    const out = join(dir, "g.safetensors");
    await saveLifNetwork(model, initLifNetwork([6, 4, 3], new Rng(1)));
    const x = new Float64Array(12).fill(0.5);
    x[7] = NaN;
    await writeSafetensors(input, { x: tensor(x, [2, 6]), y: tensor(new Int32Array([0, 2]), [2]) });
    const r = await runCli(["grad", "--model", model, "--input", input, "--out", out]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr, [
      `spikeproof: DataError: ${input}: x[7] is NaN; expected finite numbers`,
    ]);
    assert.equal(existsSync(out), false);
  }));

test("CLI: an empty training or test set exits 1 with a DataError naming its file, before any training", () =>
  withDir(async (dir) => {
    const f = FASHION_MNIST_FILES;
    for (
      const [train, test, file] of [[[20, 28, 28], [0, 28, 28], f.testImages], [[0, 28, 28], [
        10,
        28,
        28,
      ], f.trainImages]]
    ) {
      const data = await fashionDir(dir, train as number[], test as number[]);
      for (const model of ["ttfs-fc2", "lif-mlp"]) {
        const r = await runCli(["train", "--model", model, "--data", data, ...quick]);
        assert.equal(r.code, 1, `${model}, empty ${file}`);
        assert.deepEqual(r.stderr, [
          `spikeproof: DataError: ${join(dir, file as string)} holds 0 images; ${dir} (${
            file === f.testImages ? "test" : "training"
          } set) must not be empty`,
        ]);
      }
    }
  }));

test("CLI: images of another shape than a conv model's 28x28 exit 1 with a ShapeError naming the file and both shapes (train, map, spikes, experiment constraints)", () =>
  withDir(async (dir) => {
    const data = await fashionDir(dir, [20, 28, 28], [10, 14, 56]);
    const testFile = join(dir, FASHION_MNIST_FILES.testImages);
    const lenet = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
    const relu = join(dir, "relu.safetensors"), snn = join(dir, "snn.safetensors");
    await saveReluMlp(relu, initReluMlp(lenet, new Rng(0)));
    await saveB1Network(snn, initB1Network(lenet, new Rng(0)));
    const out = join(dir, "out.safetensors");
    const runs = [
      ["train", "--model", "ttfs-lenet5", ...quick],
      ["train", "--model", "lif-conv", ...quick],
      ["map", "--relu", relu, "--out", out],
      ["spikes", "--model", snn, "--out", out],
      ["experiment", "constraints", "--model", snn, "--out", out],
    ];
    for (const argv of runs) {
      const r = await runCli([...argv, "--data", data]);
      assert.equal(r.code, 1, argv.join(" "));
      assert.deepEqual(r.stderr, [
        `spikeproof: ShapeError: ${testFile}: images are 14x56; the model needs 28x28`,
      ]);
      assert.equal(existsSync(out), false);
    }
  }));
