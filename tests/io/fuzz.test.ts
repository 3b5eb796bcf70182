/**
 * Seeded fuzzing of every reader of untrusted files: the safetensors decoder, the TTFS and LIF
 * checkpoint loaders, the IDX parser and the gzip'd IDX reader. Each mutant (tests/io/mutants.ts)
 * must give a valid result or a spikeproof error (a SpikeproofError whose message is not a
 * runtime's internal one); any other exception fails the test, naming the seed and the mutant.
 * Mutant n of a format uses `new Rng(SEED * 100003 + n)`, so one mutant can be rebuilt alone.
 * SPIKEPROOF_FUZZ_SEED and SPIKEPROOF_FUZZ_SCALE (a multiplier of the counts) explore further;
 * SPIKEPROOF_FUZZ_VERBOSE prints every outcome.
 * Runaway work is bounded by the inputs' size (a few KiB) and, for gzip, by a check on the
 * bytes inflated; no case is timed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { SpikeproofError } from "../../src/errors.ts";
import { gunzipIdx, parseIdx } from "../../src/data/idx.ts";
import { MAX_DEFLATE_RATIO } from "../../src/data/inflate.ts";
import { decodeSafetensors } from "../../src/io/safetensors.ts";
import { loadLifNetwork, saveLifNetwork } from "../../src/lif/checkpoint.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import type { LayerGeometry } from "../../src/nn/layer.ts";
import { weightShape } from "../../src/nn/layer.ts";
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
import { byteMutant, idxMutant, safetensorsMutant } from "./mutants.ts";

const SEED = Number(process.env.SPIKEPROOF_FUZZ_SEED ?? 14);
const SCALE = Number(process.env.SPIKEPROOF_FUZZ_SCALE ?? 1);
const VERBOSE = process.env.SPIKEPROOF_FUZZ_VERBOSE !== undefined; // print every refusal and failure
/** Mutants per format (per loader for the checkpoint loaders). */
const COUNT = { safetensors: 400, loader: 200, idx: 400, gzip: 300 };

/** Messages a runtime gives its own TypeErrors and RangeErrors: never a spikeproof message. */
const INTERNAL =
  /Cannot (read|set) propert|Cannot (convert|destructure)|is not (a function|iterable|a constructor)|(undefined|null) is not an object|Invalid (typed )?array length|Maximum call stack|out of bounds/;

/** Runs `count` mutants through `run`; returns the failures and the outcome counts. */
async function fuzz(
  format: string,
  count: number,
  run: (rng: Rng) => Promise<void> | void,
): Promise<{ failures: string[]; valid: number; refused: number }> {
  const failures: string[] = [];
  let valid = 0, refused = 0;
  for (let n = 0; n < count * SCALE; n++) {
    try {
      await run(new Rng(SEED * 100003 + n));
      valid++;
    } catch (e) {
      if (e instanceof SpikeproofError && !INTERNAL.test(e.message)) {
        refused++;
        if (VERBOSE) console.error(`refused ${format}: ${e.name}: ${e.message}`);
      } else {
        failures.push(`${format}: seed ${SEED}, mutant ${n}: ${describe(e)}`);
        if (VERBOSE) console.error(`FAILED ${failures[failures.length - 1]}`);
      }
    }
  }
  return { failures, valid, refused };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
}

/** Asserts no failures, and that both outcomes occurred (the mutants are not all one kind). */
function check(r: { failures: string[]; valid: number; refused: number }, what: string): void {
  assert.deepEqual(r.failures.slice(0, 10), [], `${r.failures.length} ${what} mutants failed`);
  assert.ok(r.refused > 0, `${what}: no mutant was refused`);
  assert.ok(r.valid > 0, `${what}: no mutant was accepted`);
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-fuzz-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CONV = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
/** A small conv net: conv 4x4x1 -> 4x4x2, 2x2 pooling, then a dense readout 8 -> 3. */
const CONV_NET: LayerGeometry[] = [{ nIn: 16, nOut: 8, conv: CONV, pool: 2 }, { nIn: 8, nOut: 3 }];

/** Every checkpoint kind, dense and conv, saved by spikeproof itself, with its loaders. */
async function checkpointFiles(dir: string) {
  const file = async (name: string, save: (p: string) => Promise<void>) => {
    await save(join(dir, name));
    return new Uint8Array(await readFile(join(dir, name)));
  };
  const b1 = (sizes: number[] | LayerGeometry[]) => {
    const net = initB1Network(sizes, new Rng(1));
    net.intervals = {
      tmin: net.layers.map((_, n) => n),
      tmax: net.layers.map((_, n) => n + 1),
    };
    return net;
  };
  const general = {
    hidden: [{
      nIn: 3,
      nOut: 2,
      alpha: Float64Array.of(1, 2),
      J: Float64Array.of(1, -1, 0.5, 0, 2, 1),
      theta: Float64Array.of(1, 1),
    }],
    readout: { nIn: 2, nOut: 2, W: Float64Array.of(1, 0, 0, 1), D: Float64Array.of(0, 1) },
    intervals: { tmin: [0, 1], tmax: [1, 3] },
  };
  const ttfs = [loadTtfsNetwork];
  return [
    {
      name: "b1",
      bytes: await file("b1", (p) => saveB1Network(p, b1([4, 3, 2]))),
      loaders: [loadB1Network, ...ttfs],
    },
    {
      name: "b1-conv",
      bytes: await file("b1c", (p) => saveB1Network(p, b1(CONV_NET))),
      loaders: [loadB1Network, ...ttfs],
    },
    {
      name: "general",
      bytes: await file("g", (p) => saveGeneralNetwork(p, general)),
      loaders: [loadGeneralNetwork, ...ttfs],
    },
    {
      name: "relu",
      bytes: await file("r", (p) => saveReluMlp(p, initReluMlp([4, 3, 2], new Rng(2)))),
      loaders: [loadReluMlp],
    },
    {
      name: "relu-conv",
      bytes: await file("rc", (p) => saveReluMlp(p, initReluMlp(CONV_NET, new Rng(2)))),
      loaders: [loadReluMlp],
    },
    {
      name: "lif",
      bytes: await file("l", (p) => saveLifNetwork(p, initLifNetwork([4, 3, 2], new Rng(3)))),
      loaders: [loadLifNetwork],
    },
    {
      name: "lif-conv",
      bytes: await file("lc", (p) => saveLifNetwork(p, initLifNetwork(CONV_NET, new Rng(3)))),
      loaders: [loadLifNetwork],
    },
  ] as { name: string; bytes: Uint8Array; loaders: ((path: string) => Promise<unknown>)[] }[];
}

/** Whatever a loader returns must hold layers whose arrays fit their geometry. */
function assertLayersFit(net: unknown): void {
  const n = net as { layers?: unknown[]; net?: unknown; hidden?: unknown[]; readout?: unknown };
  if (n.net) return assertLayersFit(n.net);
  const layers = (n.layers ?? [...(n.hidden ?? []), n.readout]) as (LayerGeometry & {
    w?: Float64Array;
    W?: Float64Array;
    J?: Float64Array;
  })[];
  assert.ok(layers.length > 0, "a network without layers");
  for (const l of layers) {
    const size = weightShape(l).reduce((a, b) => a * b, 1);
    assert.equal((l.w ?? l.W ?? l.J)!.length, size, "weights fit the geometry");
  }
}

test("fuzz: safetensors mutants decode to valid tensors or give a spikeproof error", () =>
  withDir(async (dir) => {
    const bases = (await checkpointFiles(dir)).map((f) => f.bytes);
    const r = await fuzz("safetensors", COUNT.safetensors, (rng) => {
      const { tensors, metadata } = decodeSafetensors(
        safetensorsMutant(rng, bases[rng.int(bases.length)]),
        "m",
      );
      assert.equal(Object.getPrototypeOf(tensors), null);
      assert.equal(Object.getPrototypeOf(metadata), null);
      for (const t of Object.values(tensors)) {
        assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), "data fit the shape");
      }
      for (const v of Object.values(metadata)) assert.equal(typeof v, "string");
    });
    check(r, "safetensors");
  }));

test("fuzz: checkpoint mutants load as valid TTFS, ReLU and LIF networks or give a spikeproof error", () =>
  withDir(async (dir) => {
    const path = join(dir, "mutant.safetensors"), results = [];
    for (const { name, bytes, loaders } of await checkpointFiles(dir)) {
      const r = await fuzz(`checkpoint ${name}`, COUNT.loader, async (rng) => {
        await writeFile(path, safetensorsMutant(rng, bytes));
        assertLayersFit(await loaders[rng.int(loaders.length)](path));
      });
      results.push({ name, ...r });
    }
    const failures = results.flatMap((r) => r.failures);
    for (const r of results) check({ ...r, failures }, `checkpoint ${r.name}`);
  }));

/** An IDX file of unsigned bytes. */
function idxFile(dims: number[], rng: Rng): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1), out = new Uint8Array(4 + 4 * dims.length + size);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d, false));
  for (let i = 4 + 4 * dims.length; i < out.length; i++) out[i] = rng.int(256);
  return out;
}

const IDX_BASES = [[10], [3, 4, 5], [2, 3, 2, 2]].map((d) => idxFile(d, new Rng(5)));

test("fuzz: IDX mutants parse to arrays of their declared size or give a spikeproof error", async () => {
  const r = await fuzz("idx", COUNT.idx, (rng) => {
    const a = parseIdx(idxMutant(rng, IDX_BASES[rng.int(IDX_BASES.length)]), "m.idx");
    assert.equal(a.data.length, a.dims.reduce((p, d) => p * d, 1));
  });
  check(r, "idx");
});

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

test("fuzz: gzip'd IDX mutants (of the IDX or of the gzip bytes) read or give a spikeproof error", async () => {
  const packed = await Promise.all(IDX_BASES.map(gzip));
  const r = await fuzz("gzip", COUNT.gzip, async (rng) => {
    const k = rng.int(IDX_BASES.length);
    const bytes = rng.int(2)
      ? await gzip(idxMutant(rng, IDX_BASES[k]))
      : byteMutant(rng, packed[k]);
    let inflated = 0;
    try {
      const a = await gunzipIdx(bytes, "m.gz", { onInflate: (n) => (inflated = n) });
      assert.equal(a.data.length, a.dims.reduce((p, d) => p * d, 1));
    } finally { // the work stays within what deflate can expand the mutant to
      assert.ok(inflated <= MAX_DEFLATE_RATIO * bytes.length, `inflated ${inflated} bytes`);
    }
  });
  check(r, "gzip");
});
