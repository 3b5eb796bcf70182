/**
 * Reader for IDX files, the format of MNIST and Fashion-MNIST, usually gzip-compressed.
 *
 * ## The IDX format
 *
 * An IDX file is a header followed by the array's elements, with no padding:
 *
 * | offset       | size      | content                                                  |
 * | ------------ | --------- | -------------------------------------------------------- |
 * | 0            | 2 bytes   | zero, zero (the magic number)                            |
 * | 2            | 1 byte    | element type: 0x08 unsigned byte, 0x09 signed byte,      |
 * |              |           | 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64       |
 * | 3            | 1 byte    | number of dimensions `n`                                 |
 * | 4            | 4n bytes  | the `n` sizes, each a big-endian uint32, outermost first |
 * | 4 + 4n       | the rest  | the elements, row-major (last index varies fastest)      |
 *
 * So the training images of Fashion-MNIST start `00 00 08 03`, then 60000, 28, 28, then
 * 60000 * 28 * 28 bytes of pixels; the labels start `00 00 08 01`, then 60000, then one byte
 * per label. Only type 0x08 (unsigned byte) with 1 to 4 dimensions is supported here, which
 * covers every MNIST-like set. The file must hold exactly the product of the sizes in bytes
 * after the header: short data (a truncated download) and trailing bytes are both errors.
 *
 * The `.gz` files are plain gzip streams; {@link gunzip} decompresses them with the
 * web-standard `DecompressionStream`, so this module runs unchanged in Deno, Bun and Node.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { DataError } from "../errors.ts";

/** An IDX array of unsigned bytes: its sizes (outermost first) and its row-major elements. */
export interface IdxArray {
  /** The size of each dimension, outermost first (e.g. `[60000, 28, 28]`). */
  dims: number[];
  /** The elements, row-major; `data.length` is the product of `dims`. May be a view. */
  data: Uint8Array;
}

/** The only element type supported: unsigned byte. */
const TYPE_UBYTE = 0x08;

/** Names of the IDX type codes, for error messages. */
const TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
};

/** Most dimensions accepted. */
const MAX_DIMS = 4;

function hex(byte: number): string {
  return "0x" + byte.toString(16).padStart(2, "0");
}

/**
 * Decompresses a gzip stream with the web-standard `DecompressionStream("gzip")`.
 *
 * Corrupt or truncated input becomes a {@link DataError} naming `name`. The input is written
 * and the output read concurrently, so a truncated stream rejects instead of hanging.
 *
 * @param bytes The compressed bytes.
 * @param name What the bytes are (a file path), for error messages.
 * @returns The decompressed bytes.
 * @example
 * ```ts
 * import { gunzip } from "./idx.ts";
 * const packed = new Uint8Array(
 *   await new Response(
 *     new Blob([new Uint8Array([1, 2, 3])]).stream().pipeThrough(new CompressionStream("gzip")),
 *   ).arrayBuffer(),
 * );
 * console.log(await gunzip(packed, "example")); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  // Blob needs bytes backed by a plain ArrayBuffer; copy only if they are not.
  const part = bytes.buffer instanceof ArrayBuffer
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  try {
    // pipeThrough writes in the background while Response reads; an error on either side
    // rejects the arrayBuffer() promise, and pipeThrough marks its own promise as handled.
    const stream = new Blob([part]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(`${name}: corrupt or truncated gzip data (${why})`);
  }
}

/**
 * Parses an uncompressed IDX file of unsigned bytes (see the module comment for the format).
 *
 * Throws {@link DataError} naming `name` if the file is shorter than its header, has a bad
 * magic number, an unsupported type code or number of dimensions, fewer data bytes than its
 * sizes say, or trailing bytes.
 *
 * @param bytes The whole file, uncompressed.
 * @param name What the bytes are (a file path), for error messages.
 * @returns The sizes and a view of the elements inside `bytes`.
 * @example
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * // Two labels, 3 and 7: magic 00 00, type 08, 1 dimension, size 2, then the data.
 * const a = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]), "labels");
 * console.log(a.dims, a.data); // [ 2 ] Uint8Array(2) [ 3, 7 ]
 * ```
 */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(
      `${name}: ${bytes.length} bytes is shorter than the 4-byte IDX header; not an IDX file`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(
      `${name}: bad magic number ${hex(bytes[0])} ${hex(bytes[1])}; ` +
        `an IDX file starts with 0x00 0x00`,
    );
  }
  const type = bytes[2];
  if (type !== TYPE_UBYTE) {
    const known = TYPE_NAMES[type];
    throw new DataError(
      `${name}: unsupported IDX type code ${hex(type)}` +
        (known === undefined ? " (unknown)" : ` (${known})`) +
        `; only ${hex(TYPE_UBYTE)} (unsigned byte) is supported`,
    );
  }
  const ndims = bytes[3];
  if (ndims < 1 || ndims > MAX_DIMS) {
    throw new DataError(
      `${name}: IDX header says ${ndims} dimensions; expected 1 to ${MAX_DIMS}`,
    );
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new DataError(
      `${name}: truncated header: ${ndims} dimensions need a ${headerLength}-byte header, ` +
        `found ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let expected = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    expected *= size;
  }
  const found = bytes.length - headerLength;
  if (found < expected) {
    throw new DataError(
      `${name}: truncated: expected ${expected} bytes of data, found ${found} ` +
        `(sizes ${dims.join(" x ")})`,
    );
  }
  if (found > expected) {
    throw new DataError(
      `${name}: ${found - expected} trailing bytes after the ${expected} bytes of data ` +
        `(sizes ${dims.join(" x ")})`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

/**
 * Reads a gzip-compressed IDX file: reads it, decompresses it and parses it.
 *
 * Throws {@link DataError} naming `path` if the file is missing or unreadable, or if its
 * content is not a valid gzip'd IDX file of unsigned bytes.
 *
 * @param path The file's path, e.g. `.../train-labels-idx1-ubyte.gz`.
 * @returns The parsed array.
 * @example
 * ```ts
 * import { readIdxGz } from "./idx.ts";
 * const labels = await readIdxGz("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
 * console.log(labels.dims); // [ 10000 ]
 * ```
 */
export async function readIdxGz(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT") throw new DataError(`${path}: file not found`);
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(`${path}: cannot read file (${why})`);
  }
  return parseIdx(await gunzip(bytes, path), path);
}
