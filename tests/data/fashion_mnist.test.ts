import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError, OptionError } from "../../src/errors.ts";
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  type ImageSet,
  imageSetFromIdx,
  loadFashionMnist,
} from "../../src/data/fashion_mnist.ts";

const FULL_DIR = fileURLToPath(new URL("../../../shared/data/fashion-mnist", import.meta.url));
const FULL_FILES = Object.values(FASHION_MNIST_FILES);
const fullMissing = FULL_FILES.filter((n) => !existsSync(join(FULL_DIR, n)));
const fullSkip: string | false = fullMissing.length === 0
  ? false
  : `full Fashion-MNIST not found in ${FULL_DIR} (missing ${fullMissing.join(", ")})`;
if (fullSkip) console.log(`skipping the full-set tests: ${fullSkip}`);

/** Number of images of each class 0..9. */
function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < set.count; i++) counts[set.labels[i]]++;
  return counts;
}

function assertWellFormed(set: ImageSet, count: number): void {
  assert.equal(set.count, count);
  assert.equal(set.rows, 28);
  assert.equal(set.cols, 28);
  assert.equal(set.images.length, count * 28 * 28);
  assert.equal(set.labels.length, count);
  assert.ok(set.labels.every((l) => l <= 9), "labels in 0..9");
}

function isDataError(...fragments: string[]): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" lacks "${f}"`);
    return true;
  };
}

test("embedded subset holds 2,500 training and 1,000 test images of 28x28", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  assert.equal(data.source, "embedded");
  assertWellFormed(data.train, 2500);
  assertWellFormed(data.test, 1000);
});

test("embedded subset has 250 training and 100 test images of each class 0..9", async () => {
  const data = await loadFashionMnist({ dir: "embedded" });
  assert.deepEqual(classCounts(data.train), new Array(10).fill(250));
  assert.deepEqual(classCounts(data.test), new Array(10).fill(100));
  // Real images, not blank ones: pixels span the whole 0..255 range.
  assert.equal(Math.max(...data.train.images.subarray(0, 784 * 10)), 255);
});

test("default load uses the Debian directory if complete, else the embedded subset", async () => {
  const data = await loadFashionMnist();
  const debianComplete = FULL_FILES.every((n) => existsSync(join(DEBIAN_FASHION_MNIST_DIR, n)));
  assert.equal(data.source, debianComplete ? DEBIAN_FASHION_MNIST_DIR : "embedded");
});

test("dir pointing at a directory missing files is a DataError naming dir and file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-fmnist-"));
  try {
    await writeFile(join(dir, FASHION_MNIST_FILES.trainImages), new Uint8Array(0));
    await writeFile(join(dir, FASHION_MNIST_FILES.trainLabels), new Uint8Array(0));
    await assert.rejects(
      loadFashionMnist({ dir }),
      isDataError(dir, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("dir pointing at a nonexistent directory is a DataError, not a fallback", async () => {
  const dir = join(tmpdir(), "spikeproof-no-such-fashion-mnist-dir");
  await assert.rejects(loadFashionMnist({ dir }), isDataError(dir, "does not exist"));
});

test("a corrupt file in a complete directory is a DataError naming that file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-fmnist-"));
  try {
    for (const n of FULL_FILES) await writeFile(join(dir, n), new Uint8Array([1, 2, 3, 4]));
    await assert.rejects(loadFashionMnist({ dir }), isDataError(dir, ".gz"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("bad dir option is an OptionError", async () => {
  await assert.rejects(loadFashionMnist({ dir: "" }), OptionError);
  await assert.rejects(
    loadFashionMnist({ dir: 42 } as unknown as { dir: string }),
    OptionError,
  );
});

test("image set validation rejects disagreeing counts, wrong ranks and labels above 9", () => {
  const images = { dims: [2, 1, 2], data: new Uint8Array(4) };
  const labels = { dims: [2], data: new Uint8Array([0, 9]) };
  assert.equal(imageSetFromIdx(images, labels, "ok").count, 2);
  assert.throws(
    () => imageSetFromIdx(images, { dims: [3], data: new Uint8Array(3) }, "n"),
    isDataError("2 images but 3 labels"),
  );
  assert.throws(
    () => imageSetFromIdx({ dims: [2, 2], data: new Uint8Array(4) }, labels, "r"),
    isDataError("expected 3"),
  );
  assert.throws(
    () => imageSetFromIdx(images, { dims: [2, 1], data: new Uint8Array(2) }, "l"),
    isDataError("expected 1"),
  );
  assert.throws(
    () => imageSetFromIdx(images, { dims: [2], data: new Uint8Array([3, 10]) }, "bad"),
    isDataError("bad", "label 1 is 10"),
  );
});

test(
  "full Fashion-MNIST from ../shared/data/fashion-mnist has 60,000 and 10,000 images",
  { skip: fullSkip },
  async () => {
    const data = await loadFashionMnist({ dir: FULL_DIR });
    assert.equal(data.source, FULL_DIR);
    assertWellFormed(data.train, 60000);
    assertWellFormed(data.test, 10000);
    assert.deepEqual(classCounts(data.train), new Array(10).fill(6000));
    assert.deepEqual(classCounts(data.test), new Array(10).fill(1000));
  },
);

test(
  "embedded subset is the first images of each class of the full set, in order",
  { skip: fullSkip },
  async () => {
    const [full, sub] = await Promise.all([
      loadFashionMnist({ dir: FULL_DIR }),
      loadFashionMnist({ dir: "embedded" }),
    ]);
    const size = 28 * 28;
    for (const [whole, part] of [[full.train, sub.train], [full.test, sub.test]]) {
      const perClass = part.count / 10;
      const taken = new Array<number>(10).fill(0);
      let k = 0;
      for (let i = 0; i < whole.count && k < part.count; i++) {
        const c = whole.labels[i];
        if (taken[c] === perClass) continue;
        taken[c]++;
        assert.equal(part.labels[k], c, `label ${k}`);
        const a = part.images.subarray(k * size, (k + 1) * size);
        const b = whole.images.subarray(i * size, (i + 1) * size);
        assert.ok(a.every((v, j) => v === b[j]), `image ${k} is image ${i} of the full set`);
        k++;
      }
      assert.equal(k, part.count);
    }
  },
);
