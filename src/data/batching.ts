/**
 * Turns an {@link ImageSet} of raw bytes into float64 inputs: whole sets, or mini-batches in a
 * given (e.g. shuffled) order. Pixels are scaled to [0, 1] as `pixel / 255`.
 *
 * @module
 */

import { assertLength, OptionError } from "../errors.ts";
import type { ImageSet } from "./fashion_mnist.ts";

/** A mini-batch: inputs and labels of `size` images. */
export interface Batch {
  /** Pixels / 255, row-major `[size, rows * cols]`. */
  x: Float64Array;
  /** The class of each image. */
  labels: Int32Array;
  /** Number of images in the batch (less than asked for at the end of `order`). */
  size: number;
}

/** `SCALE[p] === p / 255` for every byte value p. */
const SCALE: Float64Array = Float64Array.from({ length: 256 }, (_, p) => p / 255);

function checkSet(set: ImageSet): void {
  for (const key of ["count", "rows", "cols"] as const) {
    const v = set[key];
    if (!Number.isInteger(v) || v < 0) {
      throw new OptionError(`set.${key} is ${v}; expected a non-negative integer`);
    }
  }
  assertLength(set.images, set.count * set.rows * set.cols, "set.images");
  assertLength(set.labels, set.count, "set.labels");
}

/**
 * Gathers the images `order[start]`, ..., `order[start + size - 1]` of `set` into a batch; the
 * range is clipped at the end of `order`, so the last batch may be smaller.
 *
 * Throws {@link OptionError} if `start` is not an integer in 0..order.length, `size` is not a
 * positive integer, or an index in the range is not an integer in 0..set.count-1; throws
 * `ShapeError` if the set's arrays do not match its count and sizes.
 *
 * @param set The images.
 * @param order Indices into `set` (e.g. a shuffled permutation).
 * @param start First position in `order`.
 * @param size Batch size.
 * @returns The batch; `x` is `[batch.size, rows * cols]`, row-major, pixels / 255.
 * @example
 * ```ts
 * import { gatherBatch } from "./batching.ts";
 * const set = { images: new Uint8Array([0, 255, 51, 102]), labels: new Uint8Array([4, 7]),
 *   count: 2, rows: 1, cols: 2 };
 * const b = gatherBatch(set, [1, 0], 0, 8);
 * console.log(b.size, b.x, b.labels); // 2 Float64Array [0.2, 0.4, 0, 1] Int32Array [7, 4]
 * ```
 */
export function gatherBatch(
  set: ImageSet,
  order: ArrayLike<number>,
  start: number,
  size: number,
): Batch {
  checkSet(set);
  if (!Number.isInteger(start) || start < 0 || start > order.length) {
    throw new OptionError(`start is ${start}; expected an integer in 0..${order.length}`);
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new OptionError(`size is ${size}; expected a positive integer`);
  }
  const n = Math.min(size, order.length - start);
  const pixels = set.rows * set.cols;
  const x = new Float64Array(n * pixels);
  const labels = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const i = order[start + b];
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new OptionError(
        `order[${start + b}] is ${i}; expected an image index in 0..${set.count - 1}`,
      );
    }
    const src = i * pixels;
    const dst = b * pixels;
    for (let p = 0; p < pixels; p++) x[dst + p] = SCALE[set.images[src + p]];
    labels[b] = set.labels[i];
  }
  return { x, labels, size: n };
}

/**
 * Converts a whole set to float64: `pixel / 255`, row-major `[count, rows * cols]`.
 *
 * Throws `ShapeError` if the set's arrays do not match its count and sizes.
 *
 * @param set The images.
 * @returns `count * rows * cols` values in [0, 1].
 * @example
 * ```ts
 * import { toFloatImages } from "./batching.ts";
 * const set = { images: new Uint8Array([0, 255]), labels: new Uint8Array([1]),
 *   count: 1, rows: 1, cols: 2 };
 * console.log(toFloatImages(set)); // Float64Array [0, 1]
 * ```
 */
export function toFloatImages(set: ImageSet): Float64Array {
  checkSet(set);
  const x = new Float64Array(set.images.length);
  for (let i = 0; i < x.length; i++) x[i] = SCALE[set.images[i]];
  return x;
}
