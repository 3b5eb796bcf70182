// NIR files (src/io/nir.ts, nir_hdf5.ts): the graph model and its HDF5 encoding with h5wasm.
// Fixtures under tests/fixtures/ were written by h5py (make_nir_fixtures.py), NIR's own way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { DataError } from "../../src/errors.ts";
import {
  isNirArray,
  nirArray,
  nirChain,
  type NirDocument,
  type NirGraph,
  nirInt64,
  type NirNode,
  type NirValue,
} from "../../src/io/nir.ts";
import { checkHdf5Bytes, decodeNir, encodeNir, readNir, writeNir } from "../../src/io/nir_hdf5.ts";
import { withTempDir } from "../_cli.ts";
import { fcParams } from "../_fc.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);
const node = (type: string, attrs: Record<string, NirValue> = {}) => ({ type, attrs });
const chain = (...names: string[]) =>
  names.slice(1).map((b, k) => [names[k], b]) as [string, string][];

/** Every field of a document as plain JSON (typed arrays as arrays, bigints as strings). */
const plain = (doc: unknown) =>
  JSON.parse(
    JSON.stringify(doc, (_, v) =>
      typeof v === "bigint"
        ? `${v}n`
        : ArrayBuffer.isView(v)
        ? Array.from(v as unknown as ArrayLike<number | bigint>, (x) =>
          typeof x === "bigint" ? `${x}n` : Object.is(x, -0) ? "-0" : x)
        : v),
  );

function sampleDoc(): NirDocument {
  const graph: NirGraph = {
    type: "NIRGraph",
    nodes: {
      input: node("Input", { shape: nirInt64([1, 2, 3]) }),
      mid: {
        type: "Conv2d",
        attrs: {
          weight: nirArray(Float32Array.from([0.5, -1.25, 3e-8, 7]), [1, 1, 2, 2]),
          bias: nirArray(Float64Array.of(-0, Math.PI)),
          stride: nirInt64([1, 1], [2], { compressed: false }),
          groups: nirInt64([1], []),
          codes: nirArray(Int32Array.of(-5, 2 ** 31 - 1), [2, 1]),
          padding: "same",
          names: nirArray(["a", "ü", "", "long name"], [2, 2]),
          nested: { deep: { x: nirArray(Float64Array.of(1.5), []) } },
        },
        metadata: { note: "µ-metadata", dt: nirArray(Float64Array.of(1e-4), []) },
      },
      output: node("Output", { shape: nirInt64([2]) }),
    },
    edges: chain("input", "mid", "output"),
    metadata: { source: "test" },
  };
  return { version: "1.0.7", graph };
}

test("NIR HDF5: every kind of field (float32/64, int32/64 arrays and scalars, strings, string arrays, groups, metadata) round-trips", async () => {
  const doc = sampleDoc(), back = await decodeNir(await encodeNir(doc), "sample");
  const mid = back.graph.nodes.mid as { attrs: Record<string, NirValue> };
  assert.equal((mid.attrs.stride as { compressed?: boolean }).compressed, false);
  delete (doc.graph.nodes.mid as { attrs: Record<string, NirValue> }).attrs.stride;
  delete mid.attrs.stride;
  assert.deepEqual(plain(back), plain(doc));
  const weight = mid.attrs.weight;
  assert.ok(isNirArray(weight) && weight.data instanceof Float32Array, "float32 stays float32");
});

test("NIR HDF5: random numeric arrays round-trip with dtype, shape and values (large ones chunked)", async () => {
  const dims = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 });
  await fc.assert(
    fc.asyncProperty(
      dims,
      fc.constantFrom("float64", "float32", "int32", "int64"),
      fc.boolean(),
      fc.integer(),
      async (shape, dtype, compressed, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, k) => ((seed + k * 7919) % 2001) - 1000);
        const data = dtype === "float64"
          ? Float64Array.from(values, (v) => v / 7)
          : dtype === "float32"
          ? Float32Array.from(values, (v) => v / 3)
          : dtype === "int32"
          ? Int32Array.from(values)
          : BigInt64Array.from(values, (v) => BigInt(v) * 2n ** 40n);
        const a = nirArray(data, shape, { compressed });
        const graph: NirGraph = { type: "NIRGraph", nodes: { x: node("X", { a }) }, edges: [] };
        const back = await decodeNir(await encodeNir({ version: "v", graph }), "random");
        const b = (back.graph.nodes.x as NirNode).attrs.a;
        assert.ok(isNirArray(b));
        assert.equal(b.dtype, dtype);
        assert.deepEqual(b.shape, shape);
        assert.deepEqual(plain(b.data), plain(data));
        assert.deepEqual(back.graph.edges, []);
      },
    ),
    fcParams(40),
  );
  const big = nirArray(new Float64Array(300_000).map((_, k) => k), [600, 500]);
  const graph: NirGraph = { type: "NIRGraph", nodes: { x: node("X", { big }) }, edges: [] };
  const back = await decodeNir(await encodeNir({ version: "v", graph }), "big");
  assert.deepEqual((back.graph.nodes.x as NirNode).attrs.big, big);
});

test("NIR HDF5: reads the h5py-written fixtures (NIR's layout), their optional fields absent", async () => {
  const doc = await readNir(new URL("lif_mlp_small.nir", FIXTURES).pathname);
  assert.equal(doc.version, "1.0.7");
  assert.deepEqual(doc.graph.edges, chain("input", "fc1", "lif1", "fc2", "output"));
  const lif = doc.graph.nodes.lif1 as {
    type: string;
    attrs: Record<string, NirValue>;
    metadata?: unknown;
  };
  assert.equal(lif.type, "LIF");
  assert.deepEqual(Object.keys(lif.attrs).sort(), ["r", "tau", "v_leak", "v_threshold"]);
  assert.equal(doc.graph.metadata, undefined);
  const fc1 = (doc.graph.nodes.fc1 as { attrs: Record<string, NirValue> }).attrs.weight;
  assert.ok(isNirArray(fc1) && fc1.dtype === "float32" && fc1.compressed !== false);
  const conv = await readNir(new URL("lif_conv_small.nir", FIXTURES).pathname);
  const c = conv.graph.nodes.conv1 as { attrs: Record<string, NirValue> };
  assert.deepEqual(
    plain(c.attrs.groups),
    plain({ dtype: "int64", shape: [], data: BigInt64Array.of(1n) }),
  );
  assert.equal(
    (c.attrs.stride as { compressed?: boolean }).compressed,
    false,
    "a tuple is not compressed",
  );
  assert.ok(!("input_type" in (conv.graph.nodes.flatten as { attrs: object }).attrs));
});

test("NIR HDF5: a truncated file, a non-HDF5 file and a file without a graph are DataErrors naming the file", async () => {
  const bytes = await readFile(new URL("lif_conv_small.nir", FIXTURES));
  for (const n of [0, 7, 100, 2000, bytes.length - 1]) {
    await assert.rejects(
      decodeNir(bytes.subarray(0, n), "cut.nir"),
      (e: Error) =>
        e instanceof DataError && /^cut\.nir: (not an HDF5 file|truncated)/.test(e.message),
    );
  }
  assert.throws(
    () => checkHdf5Bytes(new TextEncoder().encode('{"json": true}'), "j.nir"),
    /not an HDF5 file/,
  );
  const h5 = await import("h5wasm"), fs = (await h5.ready).FS;
  const noGraph = new h5.File("/no-graph.h5", "w");
  noGraph.create_dataset({ name: "version", data: "1.0.7" });
  noGraph.create_group("node").create_group("nodes");
  noGraph.close();
  await assert.rejects(
    decodeNir(fs.readFile("/no-graph.h5"), "n.nir"),
    (e: Error) => e instanceof DataError && e.message === "n.nir: node has no 'type' string",
  );
  fs.unlink("/no-graph.h5");
  const empty = await encodeNir({
    version: "1",
    graph: { type: "NIRGraph", nodes: {}, edges: [] },
  });
  assert.equal((await decodeNir(empty, "e.nir")).graph.edges.length, 0);
  await withTempDir("nir-io", async (dir) => {
    const path = join(dir, "g.nir");
    await writeNir(path, sampleDoc());
    assert.equal((await readNir(path)).graph.type, "NIRGraph");
    await assert.rejects(
      readNir(join(dir, "missing.nir")),
      (e: Error) =>
        e instanceof DataError && e.message.startsWith(`cannot read ${join(dir, "missing.nir")}`),
    );
  });
});

test("nirChain: the Input-Output chain in order; branches, loops, stray nodes and unknown names are DataErrors naming the node", () => {
  const nodes = { i: node("Input"), a: node("Affine"), b: node("LIF"), o: node("Output") };
  const g = (edges: [string, string][], extra = {}): NirGraph => ({
    type: "NIRGraph",
    nodes: { ...nodes, ...extra },
    edges,
  });
  assert.deepEqual(nirChain(g(chain("i", "a", "b", "o"))), ["i", "a", "b", "o"]);
  const cases: [[string, string][], object, RegExp][] = [
    [[...chain("i", "a", "b", "o"), ["a", "o"]], {}, /node 'a' has more than one outgoing edge/],
    [[...chain("i", "a", "b", "o"), ["i", "b"]], {}, /node 'i' has more than one outgoing edge/],
    [[...chain("i", "a", "o"), ["b", "a"]], {}, /node 'a' has more than one incoming edge/],
    [[...chain("i", "a", "b", "a")], {}, /node 'a' has more than one incoming edge/],
    [chain("i", "a", "b", "o"), { z: node("Affine") }, /node 'z' is not on the Input-Output chain/],
    [chain("i", "a", "x"), {}, /edge \(a, x\) names node 'x'/],
    [chain("i", "a"), {}, /node 'a' has no edge on to the Output node/],
    [chain("i", "a", "b", "o"), { i2: node("Input") }, /2 Input and 1 Output/],
  ];
  for (const [edges, extra, message] of cases) {
    assert.throws(
      () => nirChain(g(edges, extra)),
      (e: Error) => e instanceof DataError && message.test(e.message),
    );
  }
});
