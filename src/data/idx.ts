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
 * The `.gz` files are plain gzip streams, decompressed with the web-standard
 * `DecompressionStream` (see `inflate.ts`), so this module runs unchanged in Deno, Bun and Node.
 * {@link gunzipIdx} decompresses only as far as the header's sizes say: it allocates the
 * declared size once (refusing one that the compressed bytes cannot hold, more than 1032 times
 * their length), and stops at the first {@link IDX_TRAILING_ALLOWANCE} bytes past it, so a gzip
 * bomb behind a small header is a DataError after a few MiB of work, not gigabytes.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { DataError } from "../errors.ts";
import { inflateChunks, MAX_DEFLATE_RATIO } from "./inflate.ts";

export { gunzip } from "./inflate.ts";

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

/** An IDX header: the sizes, the header's length in bytes and the data's (their product). */
interface IdxHeader {
  dims: number[];
  headerLength: number;
  expected: number;
}

/**
 * The header length that `prefix` (the file's first bytes, at least 4) announces: 4 + 4n for
 * n dimensions, or 4 if n is out of range (so that {@link idxHeader} reports it).
 */
function headerLengthOf(prefix: Uint8Array): number {
  const ndims = prefix[3];
  return ndims < 1 || ndims > MAX_DIMS ? 4 : 4 + 4 * ndims;
}

/**
 * Checks and reads the header at the start of `bytes`: magic, type code, number of dimensions,
 * then the sizes; throws {@link DataError} naming `name` at the first thing wrong.
 */
function idxHeader(bytes: Uint8Array, name: string): IdxHeader {
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
  return { dims, headerLength, expected };
}

/** The DataError for `found` data bytes where the header says `h.expected`. */
function sizeMismatch(h: IdxHeader, found: number | string, name: string): DataError {
  const sizes = `(sizes ${h.dims.join(" x ")})`;
  return typeof found === "number" && found < h.expected
    ? new DataError(
      `${name}: truncated: expected ${h.expected} bytes of data, found ${found} ${sizes}`,
    )
    : new DataError(
      `${name}: ${typeof found === "number" ? found - h.expected : found} trailing bytes ` +
        `after the ${h.expected} bytes of data ${sizes}`,
    );
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
  const h = idxHeader(bytes, name);
  const found = bytes.length - h.headerLength;
  if (found !== h.expected) throw sizeMismatch(h, found, name);
  return { dims: h.dims, data: bytes.subarray(h.headerLength) };
}

/**
 * Trailing bytes that {@link gunzipIdx} counts exactly before it stops decompressing; past
 * this it reports "more than" this many.
 *
 * @example
 * ```ts
 * import { IDX_TRAILING_ALLOWANCE } from "./idx.ts";
 * console.log(IDX_TRAILING_ALLOWANCE); // 65536
 * ```
 */
export const IDX_TRAILING_ALLOWANCE = 65536;

/** Options of {@link gunzipIdx} and {@link readIdxGz}. */
export interface GunzipIdxOptions {
  /**
   * Called after each decompressed chunk with the bytes decompressed so far (to watch the
   * work a file costs; a gzip bomb stops within a few MiB past its declared size).
   */
  onInflate?: (inflated: number) => void;
}

/**
 * Decompresses and parses a gzip'd IDX file, decompressing no further than the header says:
 * the data go straight into one array of the declared size, and decompression stops at the
 * first {@link IDX_TRAILING_ALLOWANCE} bytes past it. Throws {@link DataError} naming `name`
 * for everything {@link parseIdx} and gunzip refuses, and for a declared size more
 * than 1032 times the compressed length (which deflate cannot produce).
 *
 * @param bytes The compressed file.
 * @param name What the bytes are (a file path), for error messages.
 * @param options A progress callback.
 * @returns The parsed array.
 * @example
 * ```ts
 * import { gunzipIdx } from "./idx.ts";
 * const raw = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]);
 * const packed = new Uint8Array(
 *   await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip")))
 *     .arrayBuffer(),
 * );
 * console.log((await gunzipIdx(packed, "labels.gz")).data); // Uint8Array(2) [ 3, 7 ]
 * ```
 */
export async function gunzipIdx(
  bytes: Uint8Array,
  name: string,
  options: GunzipIdxOptions = {},
): Promise<IdxArray> {
  const head = new Uint8Array(4 + 4 * MAX_DIMS);
  let h: IdxHeader | undefined, out: Uint8Array = new Uint8Array(0), inflated = 0, have = 0;
  for await (const chunk of inflateChunks(bytes, name)) {
    inflated += chunk.length;
    options.onInflate?.(inflated);
    let rest = chunk;
    if (h === undefined) {
      const take = Math.min(rest.length, head.length - have);
      head.set(rest.subarray(0, take), have);
      have += take;
      if (have < 4 || have < headerLengthOf(head)) continue;
      h = idxHeader(head.subarray(0, headerLengthOf(head)), name);
      out = allocate(h, bytes.length, name);
      rest = chunk.subarray(take - (have - h.headerLength));
      have = 0; // from here on: data bytes received
    }
    if (have < out.length) out.set(rest.subarray(0, out.length - have), have);
    have += rest.length;
    if (have - out.length > IDX_TRAILING_ALLOWANCE) {
      throw sizeMismatch(h, `more than ${IDX_TRAILING_ALLOWANCE}`, name);
    }
  }
  if (h === undefined) return parseIdx(head.subarray(0, have), name); // throws: a short header
  if (have !== h.expected) throw sizeMismatch(h, have, name);
  return { dims: h.dims, data: out };
}

/** The array for the data `h` declares, refused if `compressed` bytes cannot hold it. */
function allocate(h: IdxHeader, compressed: number, name: string): Uint8Array {
  const most = MAX_DEFLATE_RATIO * compressed;
  if (h.headerLength + h.expected > most) {
    throw new DataError(
      `${name}: truncated: the header declares ${h.expected} bytes of data ` +
        `(sizes ${h.dims.join(" x ")}) but ${compressed} gzip'd bytes hold at most ${most}`,
    );
  }
  try {
    return new Uint8Array(h.expected);
  } catch (e) { // a RangeError: more than this runtime can allocate
    throw new DataError(`${name}: cannot hold ${h.expected} bytes of data (${(e as Error).name})`);
  }
}

/**
 * Reads a gzip-compressed IDX file: reads it, decompresses it (no further than its header
 * says, see {@link gunzipIdx}) and parses it.
 *
 * Throws {@link DataError} naming `path` if the file is missing or unreadable, or if its
 * content is not a valid gzip'd IDX file of unsigned bytes.
 *
 * @param path The file's path, e.g. `.../train-labels-idx1-ubyte.gz`.
 * @param options A progress callback.
 * @returns The parsed array.
 * @example
 * ```ts
 * import { readIdxGz } from "./idx.ts";
 * const labels = await readIdxGz("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
 * console.log(labels.dims); // [ 10000 ]
 * ```
 */
export async function readIdxGz(path: string, options: GunzipIdxOptions = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT") throw new DataError(`${path}: file not found`);
    const why = e instanceof Error ? e.message : String(e);
    throw new DataError(`${path}: cannot read file (${why})`);
  }
  return gunzipIdx(bytes, path, options);
}
