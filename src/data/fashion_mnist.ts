/**
 * Fashion-MNIST loader: 28x28 grey images of clothes in 10 classes (Xiao, Rasul and Vollgraf,
 * 2017; Zalando SE, MIT license).
 *
 * The full set (60,000 training and 10,000 test images) is read from a directory holding the
 * four original gzip'd IDX files. Without one, a small subset embedded in the library (2,500
 * training and 1,000 test images, balanced over the classes) is used, so the demo runs with no
 * file or network access.
 *
 * @module
 */

import { access } from "node:fs/promises";
import { join } from "node:path";
import { DataError, OptionError } from "../errors.ts";
import { gunzipIdx, type IdxArray, readIdxGz } from "./idx.ts";

/** A set of images with their labels. */
export interface ImageSet {
  /** Raw pixels 0..255, row-major: `count * rows * cols` bytes, image after image. */
  images: Uint8Array;
  /** One class label 0..9 per image. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
  /** Image height in pixels. */
  rows: number;
  /** Image width in pixels. */
  cols: number;
  /** The file the images came from, for messages (set by {@link loadFashionMnist}). */
  file?: string;
}

/** Fashion-MNIST, training and test sets. */
export interface FashionMnist {
  /** The training set. */
  train: ImageSet;
  /** The test set. */
  test: ImageSet;
  /** The directory the set was read from, or `"embedded"` for the embedded subset. */
  source: string;
}

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /**
   * A directory holding the four gzip'd IDX files, or `"embedded"` for the embedded subset.
   * Default: {@link DEBIAN_FASHION_MNIST_DIR} if it holds the four files, else the subset.
   */
  dir?: string;
}

/**
 * Where Debian's package `dataset-fashion-mnist` installs the four files.
 *
 * @example
 * ```ts
 * import { DEBIAN_FASHION_MNIST_DIR, loadFashionMnist } from "./fashion_mnist.ts";
 * const data = await loadFashionMnist({ dir: DEBIAN_FASHION_MNIST_DIR });
 * ```
 */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/**
 * The names of the four files of Fashion-MNIST, as distributed.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_FILES } from "./fashion_mnist.ts";
 * console.log(FASHION_MNIST_FILES.trainImages); // "train-images-idx3-ubyte.gz"
 * ```
 */
export const FASHION_MNIST_FILES: {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
} = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
};

/** Number of classes; labels are 0 .. NUM_CLASSES - 1. */
const NUM_CLASSES = 10;

/**
 * Builds an {@link ImageSet} from parsed IDX arrays of images and labels, checking that the
 * images are 3-D (count x rows x cols), the labels 1-D, their counts agree and every label is
 * in 0..9. Throws {@link DataError} naming `name` otherwise.
 *
 * @param images The images, sizes `[count, rows, cols]`.
 * @param labels The labels, sizes `[count]`.
 * @param name What the pair is (e.g. a directory and "train"), for error messages.
 * @returns The image set, sharing the arrays' data.
 * @example
 * ```ts
 * import { imageSetFromIdx } from "./fashion_mnist.ts";
 * const set = imageSetFromIdx(
 *   { dims: [2, 1, 2], data: new Uint8Array([0, 255, 128, 64]) },
 *   { dims: [2], data: new Uint8Array([3, 9]) },
 *   "tiny",
 * );
 * console.log(set.count, set.rows, set.cols); // 2 1 2
 * ```
 */
export function imageSetFromIdx(images: IdxArray, labels: IdxArray, name: string): ImageSet {
  if (images.dims.length !== 3) {
    throw new DataError(
      `${name}: images have ${images.dims.length} dimensions (${images.dims.join(" x ")}); ` +
        `expected 3 (count x rows x cols)`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new DataError(
      `${name}: labels have ${labels.dims.length} dimensions (${labels.dims.join(" x ")}); ` +
        `expected 1`,
    );
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError(`${name}: ${count} images but ${labels.dims[0]} labels`);
  }
  if (images.data.length !== count * rows * cols || labels.data.length !== count) {
    throw new DataError(`${name}: data lengths do not match the IDX sizes`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] >= NUM_CLASSES) {
      throw new DataError(
        `${name}: label ${i} is ${labels.data[i]}; expected a class 0..${NUM_CLASSES - 1}`,
      );
    }
  }
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/** True if `path` exists (and can be seen). */
async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The four file names missing from `dir`, in the order of {@link FASHION_MNIST_FILES}. */
async function missingFiles(dir: string): Promise<string[]> {
  const names = Object.values(FASHION_MNIST_FILES);
  const present = await Promise.all(names.map((n) => exists(join(dir, n))));
  return names.filter((_, i) => !present[i]);
}

/** The set of `images` and `labels` (from `file`), refused if it holds no image. */
function nonEmptySet(images: IdxArray, labels: IdxArray, name: string, file: string): ImageSet {
  const set = imageSetFromIdx(images, labels, name);
  if (set.count === 0) throw new DataError(`${file} holds 0 images; ${name} must not be empty`);
  return { ...set, file };
}

/** Reads the full set from a directory that holds the four files. */
async function loadFromDir(dir: string): Promise<FashionMnist> {
  const f = FASHION_MNIST_FILES;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [f.trainImages, f.trainLabels, f.testImages, f.testLabels].map((n) => readIdxGz(join(dir, n))),
  );
  return {
    train: nonEmptySet(trainImages, trainLabels, `${dir} (training set)`, join(dir, f.trainImages)),
    test: nonEmptySet(testImages, testLabels, `${dir} (test set)`, join(dir, f.testImages)),
    source: dir,
  };
}

/** Decodes one embedded base64 string of a gzip'd IDX file. */
function decodeEmbedded(base64: string, name: string): Promise<IdxArray> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return gunzipIdx(bytes, name);
}

/** Decodes the embedded subset; the 2 MB module is imported only now. */
async function loadEmbedded(): Promise<FashionMnist> {
  const subset = await import("./embedded_subset.ts");
  const f = FASHION_MNIST_FILES;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    decodeEmbedded(subset.TRAIN_IMAGES_GZ_BASE64, `embedded ${f.trainImages}`),
    decodeEmbedded(subset.TRAIN_LABELS_GZ_BASE64, `embedded ${f.trainLabels}`),
    decodeEmbedded(subset.TEST_IMAGES_GZ_BASE64, `embedded ${f.testImages}`),
    decodeEmbedded(subset.TEST_LABELS_GZ_BASE64, `embedded ${f.testLabels}`),
  ]);
  const name = (set: string) => `embedded subset (${set} set)`;
  return {
    train: nonEmptySet(trainImages, trainLabels, name("training"), `embedded ${f.trainImages}`),
    test: nonEmptySet(testImages, testLabels, name("test"), `embedded ${f.testImages}`),
    source: "embedded",
  };
}

/**
 * Loads Fashion-MNIST.
 *
 * - `dir: "embedded"`: the embedded subset (2,500 training images, 250 per class, and 1,000
 *   test images, 100 per class); needs no file or network permission.
 * - `dir: <path>`: the four gzip'd IDX files in that directory. A missing file is a
 *   {@link DataError} naming the directory and the file; there is no fallback.
 * - no `dir`: {@link DEBIAN_FASHION_MNIST_DIR} if it holds the four files, else the subset.
 *
 * Throws {@link DataError} on corrupt data (bad gzip or IDX, counts that disagree, labels out
 * of 0..9) or an empty set (0 images), and {@link OptionError} on bad options. Each set's
 * `file` names its images' file (see `data/fit.ts` for the check against a model).
 *
 * @param options Where to read the set from.
 * @returns The training and test sets and where they came from.
 * @example
 * ```ts
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * console.log(data.train.count, data.test.count); // 2500 1000
 * ```
 */
export async function loadFashionMnist(
  options: LoadFashionMnistOptions = {},
): Promise<FashionMnist> {
  if (typeof options !== "object" || options === null) {
    throw new OptionError(`loadFashionMnist: options must be an object, got ${options}`);
  }
  const dir = options.dir;
  if (dir === undefined) {
    const missing = await missingFiles(DEBIAN_FASHION_MNIST_DIR);
    return missing.length === 0 ? loadFromDir(DEBIAN_FASHION_MNIST_DIR) : loadEmbedded();
  }
  if (typeof dir !== "string" || dir === "") {
    throw new OptionError(
      `loadFashionMnist: dir must be a directory path or "embedded", got ${JSON.stringify(dir)}`,
    );
  }
  if (dir === "embedded") return loadEmbedded();
  const missing = await missingFiles(dir);
  if (missing.length > 0) {
    const what = (await exists(dir))
      ? `is missing ${missing.join(", ")}`
      : `does not exist (looked for ${missing.join(", ")})`;
    throw new DataError(`Fashion-MNIST directory ${dir} ${what}`);
  }
  return loadFromDir(dir);
}
