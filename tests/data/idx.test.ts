import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError } from "../../src/errors.ts";
import {
  gunzip,
  gunzipIdx,
  IDX_TRAILING_ALLOWANCE,
  parseIdx,
  readIdxGz,
} from "../../src/data/idx.ts";
import { INFLATE_INPUT_CHUNK, MAX_DEFLATE_RATIO } from "../../src/data/inflate.ts";

/** An IDX file of unsigned bytes with the given sizes and data. */
function idxBytes(dims: number[], data: Uint8Array, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Rejects if `promise` has not settled within `ms` milliseconds. */
function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Asserts that `promise` rejects with a DataError whose message contains every fragment. */
async function rejectsWithData(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(withinTime(promise, 5000), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

function throwsData(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  });
}

const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);

test("IDX round trip: a gzip'd synthetic 3-D file reads back with its sizes and data", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-idx-"));
  try {
    const path = join(dir, "images-idx3-ubyte.gz");
    await writeFile(path, await gzip(idxBytes([2, 3, 4], pixels)));
    const a = await readIdxGz(path);
    assert.deepEqual(a.dims, [2, 3, 4]);
    assert.deepEqual(Array.from(a.data), Array.from(pixels));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("IDX reader parses 1-D and 4-D headers with big-endian sizes", () => {
  const labels = parseIdx(idxBytes([3], new Uint8Array([9, 0, 5])), "labels");
  assert.deepEqual(labels.dims, [3]);
  assert.deepEqual(Array.from(labels.data), [9, 0, 5]);
  const big = new Uint8Array(300);
  const four = parseIdx(idxBytes([1, 1, 1, 300], big), "4d");
  assert.deepEqual(four.dims, [1, 1, 1, 300]);
  assert.equal(four.data.length, 300);
});

test("IDX reader rejects a bad magic number", () => {
  const bytes = idxBytes([3], new Uint8Array(3));
  bytes[1] = 0x01;
  throwsData(() => parseIdx(bytes, "bad.idx"), "bad.idx", "magic");
});

test("IDX reader rejects an unsupported type code, naming it", () => {
  throwsData(
    () => parseIdx(idxBytes([2], new Uint8Array(2), 0x0d), "float.idx"),
    "float.idx",
    "0x0d",
  );
});

test("IDX reader rejects 0 or more than 4 dimensions", () => {
  throwsData(() => parseIdx(new Uint8Array([0, 0, 8, 0]), "zero.idx"), "zero.idx", "0 dim");
  throwsData(() => parseIdx(idxBytes([1, 1, 1, 1, 1], new Uint8Array(1)), "five.idx"), "5 dim");
});

test("IDX reader rejects a file shorter than its header", () => {
  throwsData(() => parseIdx(new Uint8Array([0, 0]), "tiny.idx"), "tiny.idx", "header");
  throwsData(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), "short.idx"), "header");
});

test("IDX reader rejects truncated data, with expected and found byte counts", () => {
  const full = idxBytes([2, 3, 4], pixels);
  throwsData(
    () => parseIdx(full.subarray(0, full.length - 5), "cut.idx"),
    "cut.idx",
    "truncated: expected 24 bytes of data, found 19",
  );
});

test("IDX reader rejects trailing bytes after the data", () => {
  const full = idxBytes([2, 3, 4], pixels);
  const longer = new Uint8Array(full.length + 3);
  longer.set(full);
  throwsData(() => parseIdx(longer, "long.idx"), "long.idx", "3 trailing bytes");
});

test("gunzip rejects corrupt gzip data with a DataError naming the input", async () => {
  const garbage = Uint8Array.from({ length: 64 }, (_, i) => (i * 91 + 7) % 256);
  await rejectsWithData(gunzip(garbage, "garbage.gz"), "garbage.gz");
  const packed = await gzip(idxBytes([2, 3, 4], pixels));
  packed[packed.length - 6] ^= 0xff; // break the CRC-32
  await rejectsWithData(gunzip(packed, "badcrc.gz"), "badcrc.gz");
});

test("gunzip rejects a gzip stream cut in half instead of hanging", async () => {
  const data = Uint8Array.from({ length: 50000 }, (_, i) => (i * i) % 251);
  const packed = await gzip(data);
  await rejectsWithData(gunzip(packed.subarray(0, packed.length >> 1), "half.gz"), "half.gz");
  await rejectsWithData(gunzip(new Uint8Array(0), "empty.gz"), "empty.gz");
});

test("readIdxGz rejects a truncated .gz file with a DataError naming the path", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-idx-"));
  try {
    const path = join(dir, "cut-idx3-ubyte.gz");
    const packed = await gzip(idxBytes([2, 3, 4], pixels));
    await writeFile(path, packed.subarray(0, packed.length >> 1));
    await rejectsWithData(readIdxGz(path), path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("readIdxGz rejects a missing file with a DataError naming the path", async () => {
  const path = join(tmpdir(), "spikeproof-no-such-dir", "missing-idx1-ubyte.gz");
  await rejectsWithData(readIdxGz(path), path, "not found");
});

test("a gzip bomb behind a 10-label header is a DataError after inflating a bounded prefix, not 64 MiB", async () => {
  const labels = idxBytes([10], Uint8Array.from({ length: 10 }, (_, i) => i));
  const stream = new Blob([new Uint8Array(labels), new Uint8Array(64 << 20)]).stream();
  const bomb = new Uint8Array(
    await new Response(stream.pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
  );
  // The most a reader that stops right after the allowance can have inflated: one pull more.
  const bound = labels.length + IDX_TRAILING_ALLOWANCE + MAX_DEFLATE_RATIO * INFLATE_INPUT_CHUNK;
  assert.ok(bound < 32 << 20, "the bound is well under the bomb's 64 MiB");
  let inflated = 0;
  const onInflate = (n: number) => (inflated = n);
  await rejectsWithData(gunzipIdx(bomb, "bomb.gz", { onInflate }), "bomb.gz", "trailing bytes");
  assert.ok(inflated > 0 && inflated <= bound, `inflated ${inflated} bytes; bound ${bound}`);
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-idx-"));
  try {
    await writeFile(join(dir, "bomb-idx1-ubyte.gz"), bomb);
    inflated = 0;
    await rejectsWithData(readIdxGz(join(dir, "bomb-idx1-ubyte.gz"), { onInflate }), "trailing");
    assert.ok(inflated > 0 && inflated <= bound, `readIdxGz inflated ${inflated} bytes`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("gunzipIdx refuses a declared size the compressed bytes cannot hold, before inflating it", async () => {
  const packed = await gzip(idxBytes([60000, 28, 28], new Uint8Array(100)));
  let inflated = 0;
  await rejectsWithData(
    gunzipIdx(packed, "short.gz", { onInflate: (n) => (inflated = n) }),
    "short.gz",
    `declares ${60000 * 28 * 28} bytes`,
    `hold at most ${MAX_DEFLATE_RATIO * packed.length}`,
  );
  assert.ok(inflated > 0 && inflated <= 16 + 100, `inflated ${inflated} bytes`);
});

test("gunzipIdx reads what parseIdx reads and counts a few trailing bytes exactly", async () => {
  const full = idxBytes([2, 3, 4], pixels);
  const a = await gunzipIdx(await gzip(full), "ok.gz");
  assert.deepEqual(a, parseIdx(full, "ok.gz"));
  const longer = new Uint8Array(full.length + 3);
  longer.set(full);
  await rejectsWithData(gunzipIdx(await gzip(longer), "long.gz"), "long.gz", "3 trailing bytes");
  await rejectsWithData(
    gunzipIdx(await gzip(full.subarray(0, full.length - 5)), "cut.gz"),
    "truncated: expected 24 bytes of data, found 19",
  );
  await rejectsWithData(gunzipIdx(await gzip(full.subarray(0, 9)), "head.gz"), "truncated header");
  await rejectsWithData(gunzipIdx(await gzip(new Uint8Array(0)), "none.gz"), "4-byte IDX header");
});

test("gunzipIdx turns a declared size beyond what the runtime can allocate into a DataError", async () => {
  // 2^32 - 1 rows of 4: 16 GiB, more than a Uint8Array holds; the padding passes the ratio check.
  const head = new Uint8Array([0, 0, 8, 2, 255, 255, 255, 255, 0, 0, 0, 4]);
  const packed = await gzip(head);
  const padded = new Uint8Array(Math.ceil((2 ** 32 * 4) / MAX_DEFLATE_RATIO) + 1);
  padded.set(packed);
  // Node and Bun reach the allocation; Deno refuses the zero padding after the gzip member.
  await rejectsWithData(gunzipIdx(padded, "huge.gz"), "huge.gz");
});
