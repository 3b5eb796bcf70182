import { test } from "node:test";
import assert from "node:assert/strict";
import { OptionError, ShapeError } from "../../src/errors.ts";
import { gatherBatch, toFloatImages } from "../../src/data/batching.ts";
import type { ImageSet } from "../../src/data/fashion_mnist.ts";

/** Five 2x3 images; pixel p of image i is 10 * i + p, label of image i is i. */
function tinySet(): ImageSet {
  const count = 5, rows = 2, cols = 3;
  const images = Uint8Array.from({ length: count * rows * cols }, (_, k) => {
    const i = Math.floor(k / (rows * cols));
    return 10 * i + (k % (rows * cols));
  });
  return { images, labels: Uint8Array.from([0, 1, 2, 3, 4]), count, rows, cols };
}

test("gatherBatch takes images in the given order, scaled by 1/255", () => {
  const set = tinySet();
  const b = gatherBatch(set, [4, 0, 2, 1, 3], 1, 2);
  assert.equal(b.size, 2);
  assert.deepEqual(Array.from(b.labels), [0, 2]);
  assert.equal(b.x.length, 2 * 6);
  const expected = [0, 1, 2, 3, 4, 5, 20, 21, 22, 23, 24, 25].map((p) => p / 255);
  assert.deepEqual(Array.from(b.x), expected);
});

test("gatherBatch clips the last batch at the end of the order", () => {
  const set = tinySet();
  const order = Int32Array.from([3, 1, 4]);
  const b = gatherBatch(set, order, 2, 10);
  assert.equal(b.size, 1);
  assert.deepEqual(Array.from(b.labels), [4]);
  assert.equal(b.x.length, 6);
  assert.equal(gatherBatch(set, order, 3, 10).size, 0);
});

test("gatherBatch maps 0 and 255 exactly to 0 and 1", () => {
  const set: ImageSet = {
    images: new Uint8Array([0, 255]),
    labels: new Uint8Array([7]),
    count: 1,
    rows: 1,
    cols: 2,
  };
  assert.deepEqual(Array.from(gatherBatch(set, [0], 0, 1).x), [0, 1]);
});

test("gatherBatch rejects bad start, size and out-of-range indices with OptionError", () => {
  const set = tinySet();
  const order = [0, 1, 2];
  assert.throws(() => gatherBatch(set, order, -1, 2), OptionError);
  assert.throws(() => gatherBatch(set, order, 4, 2), OptionError);
  assert.throws(() => gatherBatch(set, order, 0.5, 2), OptionError);
  assert.throws(() => gatherBatch(set, order, 0, 0), OptionError);
  assert.throws(() => gatherBatch(set, order, 0, 1.5), OptionError);
  assert.throws(() => gatherBatch(set, [0, 5], 0, 2), /order\[1\] is 5/);
  assert.throws(() => gatherBatch(set, [0, -1], 0, 2), OptionError);
});

test("gatherBatch and toFloatImages reject a set whose arrays do not match its sizes", () => {
  const set = { ...tinySet(), count: 6 };
  assert.throws(() => gatherBatch(set, [0], 0, 1), ShapeError);
  assert.throws(() => toFloatImages(set), ShapeError);
  const short = { ...tinySet(), labels: new Uint8Array(4) };
  assert.throws(() => toFloatImages(short), ShapeError);
});

test("toFloatImages converts the whole set, row-major, as pixel / 255", () => {
  const set = tinySet();
  const x = toFloatImages(set);
  assert.equal(x.length, 30);
  for (let k = 0; k < 30; k++) assert.equal(x[k], set.images[k] / 255);
  const whole = gatherBatch(set, [0, 1, 2, 3, 4], 0, 5);
  assert.deepEqual(Array.from(whole.x), Array.from(x));
});
