import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError } from "../../src/errors.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  tensor,
  writeSafetensors,
} from "../../src/io/safetensors.ts";

/** A file built by hand, the way another implementation would: header, then little-endian data. */
function handBuilt(header: Record<string, unknown>, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json), out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

test("safetensors: F64, F32, I32 and U8 tensors and metadata round-trip exactly", () => {
  const tensors = {
    "fc1.weight": tensor(Float64Array.from([1.5, -2, Math.PI, 1e-300, -0, Infinity]), [2, 3]),
    "fc1.bias": tensor(Float32Array.from([0.25, -7]), [2]),
    labels: tensor(Int32Array.from([3, -1, 2 ** 31 - 1]), [3]),
    mask: tensor(Uint8Array.from([0, 255]), [2, 1]),
    empty: tensor(new Float64Array(0), [0, 4]),
  };
  const bytes = encodeSafetensors(tensors, { kind: "ttfs-b1", sizes: "[3,2]" });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0, "the header is padded to 8 bytes");
  const back = decodeSafetensors(bytes, "t");
  assert.deepEqual({ ...back.metadata }, { kind: "ttfs-b1", sizes: "[3,2]" });
  for (const [k, t] of Object.entries(tensors)) {
    assert.equal(back.tensors[k].dtype, t.dtype);
    assert.deepEqual(back.tensors[k].shape, t.shape);
    assert.deepEqual([...back.tensors[k].data], [...t.data], k);
  }
});

test("safetensors: reads a hand-built file with its own key order and no padding", () => {
  const data = new Uint8Array(8 + 4);
  new DataView(data.buffer).setFloat32(0, 1.5, true);
  new DataView(data.buffer).setFloat32(4, -2, true);
  new DataView(data.buffer).setInt32(8, 42, true);
  const file = handBuilt(
    {
      b: { dtype: "I32", shape: [1], data_offsets: [8, 12] },
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    },
    data,
    false,
  );
  const { tensors, metadata } = decodeSafetensors(file, "hand");
  assert.deepEqual([...tensors.a.data], [1.5, -2]);
  assert.deepEqual([...tensors.b.data], [42]);
  assert.deepEqual({ ...metadata }, {});
});

test("safetensors: truncated files, bad headers, dtypes, shapes and offsets are DataErrors naming the file", () => {
  const good = encodeSafetensors({ w: tensor(new Float64Array([1, 2]), [2]) });
  const bad = (bytes: Uint8Array, re: RegExp) =>
    assert.throws(
      () => decodeSafetensors(bytes, "m.safetensors"),
      (e: unknown) => e instanceof DataError && re.test((e as Error).message),
    );
  bad(good.subarray(0, 5), /m\.safetensors: truncated/);
  bad(good.subarray(0, 20), /truncated: header/);
  bad(good.subarray(0, good.length - 3), /truncated: data ends/);
  bad(handBuilt({ w: 1 }, new Uint8Array()).fill(0x7b, 9, 10), /not valid JSON/);
  bad(
    handBuilt({ w: { dtype: "BF16", shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)),
    /dtype "BF16"/,
  );
  bad(
    handBuilt({ w: { dtype: "F64", shape: [3], data_offsets: [0, 16] } }, new Uint8Array(16)),
    /needs 24 bytes/,
  );
  bad(
    handBuilt({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
    /bad shape/,
  );
  bad(
    handBuilt({
      a: { dtype: "U8", shape: [2], data_offsets: [0, 2] },
      b: { dtype: "U8", shape: [2], data_offsets: [1, 3] },
    }, new Uint8Array(3)),
    /gap or overlap/,
  );
  bad(
    handBuilt({ a: { dtype: "U8", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(2)),
    /trailing bytes/,
  );
  bad(handBuilt({ __metadata__: { k: 1 } }, new Uint8Array()), /metadata k is not a string/);
  assert.throws(() => tensor(new Float64Array(5), [2, 3]), DataError);
});

test("safetensors: null entries, a null or non-object __metadata__ and non-object entries are DataErrors, not TypeErrors", () => {
  const cases: [string, RegExp][] = [
    ['{"w":null}', /tensor w is null, not a JSON object/],
    ['{"w":[1,2]}', /tensor w is \[1,2\], not a JSON object/],
    ['{"w":7}', /tensor w is 7/],
    ['{"__metadata__":null}', /__metadata__ is null, not a JSON object/],
    ['{"__metadata__":["a"]}', /__metadata__ is \["a"\]/],
    ['{"__metadata__":"x"}', /__metadata__ is "x"/],
    ['{"w":{"dtype":"constructor","shape":[1],"data_offsets":[0,1]}}', /dtype "constructor"/],
    ['{"w":{"dtype":"U8","shape":[1e300],"data_offsets":[0,1]}}', /bad shape/],
    ['{"w":{"dtype":"U8","shape":null,"data_offsets":[0,1]}}', /bad shape null/],
    ['{"w":{"dtype":"U8","shape":[1],"data_offsets":null}}', /bad data_offsets null/],
  ];
  for (const [json, re] of cases) {
    const head = new TextEncoder().encode(json), file = new Uint8Array(8 + head.length + 1);
    new DataView(file.buffer).setBigUint64(0, BigInt(head.length), true);
    file.set(head, 8);
    assert.throws(
      () => decodeSafetensors(file, "n.safetensors"),
      (e: unknown) => {
        assert.ok(e instanceof DataError, `${json}: expected a DataError, got ${e}`);
        assert.match(e.message, /^n\.safetensors: /);
        assert.match(e.message, re, json);
        assert.doesNotMatch(e.message, /Cannot (read|convert)|undefined/, json);
        return true;
      },
    );
  }
});

test("safetensors: a tensor named __proto__ is an ordinary tensor of prototype-free maps", () => {
  // A computed ["__proto__"] key is an own property, so the JSON holds it as a key.
  const bytes = handBuilt(
    {
      ["__proto__"]: { dtype: "U8", shape: [1], data_offsets: [0, 1] },
      w: { dtype: "U8", shape: [1], data_offsets: [1, 2] },
      __metadata__: { ["__proto__"]: "m", kind: "k" },
    },
    Uint8Array.from([5, 6]),
  );
  assert.equal(new TextDecoder().decode(bytes).split('"__proto__"').length, 3);
  const { tensors, metadata } = decodeSafetensors(bytes, "p");
  assert.equal(Object.getPrototypeOf(tensors), null);
  assert.equal(Object.getPrototypeOf(metadata), null);
  assert.deepEqual(Object.keys(tensors).sort(), ["__proto__", "w"]);
  assert.deepEqual([...tensors["__proto__"].data], [5]);
  assert.equal(metadata["__proto__"], "m");
  assert.ok(!("toString" in tensors) && !("constructor" in metadata), "no inherited keys");
  const again = decodeSafetensors(encodeSafetensors(tensors, metadata), "again");
  assert.deepEqual(Object.keys(again.tensors).sort(), ["__proto__", "w"], "it round-trips");
  assert.equal(again.metadata["__proto__"], "m");
});

test("safetensors: files are written atomically and a missing file is a DataError", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-st-"));
  const path = join(dir, "model.safetensors");
  await writeFile(path, "old contents");
  await writeSafetensors(path, { w: tensor(new Float64Array([3]), [1]) }, { a: "b" });
  assert.deepEqual(await readdir(dir), ["model.safetensors"]);
  assert.equal((await readSafetensors(path)).tensors.w.data[0], 3);
  await assert.rejects(readSafetensors(join(dir, "none.safetensors")), DataError);
  await rm(dir, { recursive: true });
});
