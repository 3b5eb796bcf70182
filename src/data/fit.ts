/**
 * Whether an image set can feed a network, checked before any work: the set is not empty
 * (a DataError), and its images have the shape the first layer reads (a ShapeError naming the
 * images' file and both shapes). A conv layer needs images of exactly its inH x inW (one
 * channel: the images are grey); a dense layer needs rows * cols = nIn values per image.
 *
 * @module
 */
import { DataError, ShapeError } from "../errors.ts";
import type { ImageSet } from "./fashion_mnist.ts";

/** What {@link checkImagesFit} reads of a first layer (a `LayerGeometry` fits). */
export interface FirstLayerShape {
  /** Inputs of a dense layer: values per image. */
  nIn: number;
  /** A conv layer's input image: height, width and channels. */
  conv?: { inH: number; inW: number; inC: number };
}

/**
 * Throws unless `set` holds at least one image and its images fit `first`, the network's
 * first layer. `what` names the set ("the test set") when it has no `file`.
 *
 * @example
 * ```ts
 * import { checkImagesFit } from "./fit.ts";
 * const set = { images: new Uint8Array(2 * 784), labels: new Uint8Array(2), count: 2, rows: 14, cols: 56 };
 * checkImagesFit(set, { nIn: 784 }, "the training set"); // fine: 784 values
 * try {
 *   const conv = { inH: 28, inW: 28, inC: 1, outC: 6, k: 5, pad: 2 };
 *   checkImagesFit(set, { nIn: 784, conv }, "the training set");
 * } catch (e) {
 *   console.log((e as Error).message); // "the training set: images are 14x56; the model needs 28x28"
 * }
 * ```
 */
export function checkImagesFit(set: ImageSet, first: FirstLayerShape, what: string): void {
  const name = set.file ?? what, { rows, cols } = set;
  if (set.count < 1) {
    throw new DataError(`${name} holds ${set.count} images; training and testing need at least 1`);
  }
  const conv = first.conv;
  if (conv && (rows !== conv.inH || cols !== conv.inW || conv.inC !== 1)) {
    const needs = `${conv.inH}x${conv.inW}${conv.inC === 1 ? "" : `x${conv.inC}`}`;
    throw new ShapeError(`${name}: images are ${rows}x${cols}; the model needs ${needs}`);
  }
  if (!conv && rows * cols !== first.nIn) {
    throw new ShapeError(
      `${name}: images are ${rows}x${cols} (${rows * cols} values); the model needs ${first.nIn}`,
    );
  }
}
