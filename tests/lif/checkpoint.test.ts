import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError } from "../../src/errors.ts";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.ts";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { buildLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("lif-ckpt", fn);

const CONV = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
/** conv 4x4x1 -> 4x4x2, 2x2 average pooling (8 outputs), then dense 8 -> 3. */
const CONV_NET = [{ nIn: 16, nOut: 8, conv: CONV, pool: 2 }, { nIn: 8, nOut: 3 }];

test("LIF checkpoints: a conv net with average pooling round-trips exactly", () =>
  withDir(async (dir) => {
    const net = initLifNetwork(CONV_NET, new Rng(3));
    assert.equal(net.layers[0].avgPool, 2);
    await saveLifNetwork(join(dir, "c.safetensors"), net);
    assert.deepEqual(await loadLifNetwork(join(dir, "c.safetensors")), net);
  }));

test("LIF checkpoints: a conv net from buildLayers round-trips exactly with its average pool and neuron constants (lambda, V_th, surrogate slope)", () =>
  withDir(async (dir) => {
    const path = join(dir, "c.safetensors");
    const layers = buildLayers({ h: 6, w: 6, c: 1 }, [{ conv: 2, k: 3, pad: "same", pool: 2 }, {
      dense: 3,
    }]);
    const net = initLifNetwork(layers, new Rng(2), { lambda: 0.8, vth: 1.5, surrogateSlope: 3 });
    await saveLifNetwork(path, net);
    const back = await loadLifNetwork(path);
    assert.deepEqual(back, net);
    assert.equal(back.layers[0].avgPool, 2);
  }));

test("LIF checkpoints: layers metadata of the wrong JSON shape, or no layers, is a DataError naming it", () =>
  withDir(async (dir) => {
    const path = join(dir, "c.safetensors");
    await saveLifNetwork(path, initLifNetwork(CONV_NET, new Rng(3)));
    const { tensors, metadata } = await readSafetensors(path);
    const cases: [string, RegExp][] = [
      ["5", /bad layers metadata \(no layers\)/],
      ["[]", /bad layers metadata \(no layers\)/],
      ['{"nIn":16}', /bad layers metadata \(no layers\)/],
      ["[null, 3]", /bad layers metadata \(layer 1 is null\)/],
      [
        '[{"nIn":16,"nOut":8,"conv":[1]},{"nIn":8,"nOut":3}]',
        /conv geometry \[1\] is not an object/,
      ],
      ['[{"nIn":16,"nOut":"8"},{"nIn":8,"nOut":3}]', /bad layers metadata \(bad size "8"\)/],
      ['[{"nIn":16,"nOut":8},{"nIn":9,"nOut":3}]', /the sizes do not chain/],
    ];
    for (const [layers, re] of cases) {
      await writeSafetensors(path, tensors, { ...metadata, layers });
      await assert.rejects(loadLifNetwork(path), (e: unknown) => {
        assert.ok(e instanceof DataError, `${layers}: expected a DataError, got ${e}`);
        assert.match(e.message, re, layers);
        assert.doesNotMatch(e.message, /Cannot read|is not (iterable|a function)/);
        return true;
      });
    }
  }));
