/**
 * Generates src/data/embedded_subset.ts, the small Fashion-MNIST subset shipped with the
 * library, from the full set in ../shared/data/fashion-mnist (relative to the repository root).
 *
 * Usage, from the repository root (any of the three runtimes gives a valid file; the
 * committed one was made with Deno, whose deflate packs it a little tighter than Node's):
 *
 *     node_modules/.bin/deno run -A scripts/make_embedded_subset.ts
 *     node_modules/.bin/bun scripts/make_embedded_subset.ts
 *     node_modules/.bin/tsx scripts/make_embedded_subset.ts
 *
 * The subset is the first 250 images of each class of the training set (2,500) and the first
 * 100 of each class of the test set (1,000), in their original order. Each of the four arrays
 * is written as an IDX file like the originals, gzip'd at level 9 and base64-encoded into a
 * string constant. The output is written to a temporary file, then renamed into place.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { FASHION_MNIST_FILES, type ImageSet, imageSetFromIdx } from "../src/data/fashion_mnist.ts";
import { readIdxGz } from "../src/data/idx.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";

const SOURCE_DIR = fileURLToPath(new URL("../../shared/data/fashion-mnist/", import.meta.url));
const OUTPUT = fileURLToPath(new URL("../src/data/embedded_subset.ts", import.meta.url));
const TRAIN_PER_CLASS = 250;
const TEST_PER_CLASS = 100;

/** The command that is running this script, for the generated file's header. */
function command(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.deno !== undefined) {
    return `node_modules/.bin/deno run -A scripts/make_embedded_subset.ts  (Deno ${v.deno})`;
  }
  if (v.bun !== undefined) {
    return `node_modules/.bin/bun scripts/make_embedded_subset.ts  (Bun ${v.bun})`;
  }
  return `node_modules/.bin/tsx scripts/make_embedded_subset.ts  (Node ${v.node})`;
}

/** Encodes a uint8 array as an IDX file (type 0x08) with the given sizes. */
function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** The first `perClass` images of each class, in their original order. */
function takeBalanced(set: ImageSet, perClass: number): ImageSet {
  const taken = new Array<number>(10).fill(0);
  const keep: number[] = [];
  for (let i = 0; i < set.count; i++) {
    const c = set.labels[i];
    if (taken[c] < perClass) {
      taken[c]++;
      keep.push(i);
    }
  }
  if (taken.some((t) => t < perClass)) {
    throw new Error(`a class has fewer than ${perClass} images: ${taken.join(", ")}`);
  }
  const size = set.rows * set.cols;
  const images = new Uint8Array(keep.length * size);
  const labels = new Uint8Array(keep.length);
  keep.forEach((src, dst) => {
    images.set(set.images.subarray(src * size, (src + 1) * size), dst * size);
    labels[dst] = set.labels[src];
  });
  return { images, labels, count: keep.length, rows: set.rows, cols: set.cols };
}

async function loadSet(images: string, labels: string, name: string): Promise<ImageSet> {
  const [x, y] = await Promise.all([
    readIdxGz(SOURCE_DIR + images),
    readIdxGz(SOURCE_DIR + labels),
  ]);
  return imageSetFromIdx(x, y, name);
}

async function sha256(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(SOURCE_DIR + file)).digest("hex");
}

function gzBase64(dims: number[], data: Uint8Array): string {
  return Buffer.from(gzipSync(encodeIdx(dims, data), { level: 9 })).toString("base64");
}

function constant(name: string, doc: string, value: string): string {
  return [
    `/**`,
    ` * ${doc}`,
    ` *`,
    ` * @example`,
    " * ```ts",
    ` * import { ${name} } from "./embedded_subset.ts";`,
    ` * console.log(atob(${name}).length); // bytes of the .gz file`,
    " * ```",
    ` */`,
    `export const ${name}: string =`,
    `  "${value}";`,
    ``,
  ].join("\n");
}

async function main(): Promise<void> {
  const f = FASHION_MNIST_FILES;
  const train = takeBalanced(await loadSet(f.trainImages, f.trainLabels, "train"), TRAIN_PER_CLASS);
  const test = takeBalanced(await loadSet(f.testImages, f.testLabels, "test"), TEST_PER_CLASS);
  const hashes = await Promise.all(Object.values(f).map(async (n) => `${await sha256(n)}  ${n}`));
  const dims = (s: ImageSet): number[] => [s.count, s.rows, s.cols];
  const text = [
    `/**`,
    ` * Embedded Fashion-MNIST subset. GENERATED FILE: do not edit; regenerate from the`,
    ` * repository root with`,
    ` *`,
    ` *     ${command()}`,
    ` *`,
    ` * which reads the full set in ../shared/data/fashion-mnist:`,
    ` *`,
    ...hashes.map((h) => ` *     ${h}`),
    ` *`,
    ` * It holds the first ${TRAIN_PER_CLASS} images of each class of the training set`,
    ` * (${train.count} images) and the first ${TEST_PER_CLASS} of each class of the test set`,
    ` * (${test.count} images), in their original order, ${train.rows}x${train.cols} pixels.`,
    ` * Each constant is an IDX file of the original format, gzip'd (level 9), in base64.`,
    ` * Decode with atob, then gunzip and parseIdx from ./idx.ts (see loadFashionMnist).`,
    ` *`,
    ` * Fashion-MNIST: Copyright (c) 2017 Zalando SE, MIT license.`,
    ` *`,
    ` * @module`,
    ` */`,
    ``,
    constant(
      "TRAIN_IMAGES_GZ_BASE64",
      `Training images of the subset: ${dims(train).join(" x ")} unsigned bytes.`,
      gzBase64(dims(train), train.images),
    ),
    constant(
      "TRAIN_LABELS_GZ_BASE64",
      `Training labels of the subset: ${train.count} unsigned bytes, classes 0..9.`,
      gzBase64([train.count], train.labels),
    ),
    constant(
      "TEST_IMAGES_GZ_BASE64",
      `Test images of the subset: ${dims(test).join(" x ")} unsigned bytes.`,
      gzBase64(dims(test), test.images),
    ),
    constant(
      "TEST_LABELS_GZ_BASE64",
      `Test labels of the subset: ${test.count} unsigned bytes, classes 0..9.`,
      gzBase64([test.count], test.labels),
    ),
  ].join("\n");
  await writeFileAtomic(OUTPUT, text);
  console.log(`wrote ${OUTPUT}: ${text.length} bytes (${train.count} + ${test.count} images)`);
}

await main();
