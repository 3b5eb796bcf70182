/**
 * The safetensors format, so weights move to and from PyTorch and JAX:
 *
 *   bytes 0..8        N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N      a JSON object, UTF-8, padded with spaces to a multiple of 8 bytes:
 *                       { "<name>": { "dtype": "F64", "shape": [r, c], "data_offsets": [b, e] },
 *                         ..., "__metadata__": { "<key>": "<string value>" } }
 *   bytes 8+N..       the data section; tensor <name> is bytes [b, e) of it, row-major,
 *                     little-endian; the tensors tile the section with no gap or overlap.
 *
 * Supported dtypes: F64, F32, I32, U8. Every violation (truncated file, bad JSON, unknown
 * dtype, a shape that does not match its byte range, overlapping ranges) is a DataError that
 * names the file and the tensor.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { DataError } from "../errors.ts";
import { writeFileAtomic } from "./atomic.ts";

/** Element types this module reads and writes. */
export type DType = "F64" | "F32" | "I32" | "U8";

/** A typed array of one of the supported dtypes. */
export type TensorData = Float64Array | Float32Array | Int32Array | Uint8Array;

/** One named tensor. */
export interface Tensor {
  /** Element type; it matches the typed array of `data`. */
  dtype: DType;
  /** Dimensions, outermost first; their product is `data.length`. */
  shape: number[];
  /** The elements, row-major. */
  data: TensorData;
}

/** A decoded file: its tensors by name and its string metadata. */
export interface Safetensors {
  /** Every tensor of the file, by its header name. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` entries ({} if it has none). */
  metadata: Record<string, string>;
}

const BYTES: Record<DType, number> = { F64: 8, F32: 4, I32: 4, U8: 1 };
const CTOR = { F64: Float64Array, F32: Float32Array, I32: Int32Array, U8: Uint8Array } as const;
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Int32Array) return "I32";
  return "U8";
}

/** Reverse the byte order of each `size`-byte element, in place (big-endian hosts only). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let k = 0; k < bytes.length; k += size) bytes.subarray(k, k + size).reverse();
}

/**
 * A tensor from a typed array and a shape (checked against the length).
 *
 * @example
 * ```ts
 * import { tensor } from "./safetensors.ts";
 * console.log(tensor(new Float64Array(6), [2, 3]).dtype); // "F64"
 * ```
 */
export function tensor(data: TensorData, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || n !== data.length) {
    throw new DataError(`shape [${shape}] does not hold ${data.length} elements`);
  }
  return { dtype: dtypeOf(data), shape: [...shape], data };
}

/**
 * Encode tensors and string metadata as safetensors bytes.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors, tensor } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ w: tensor(new Float32Array([1, 2]), [2]) }, { kind: "demo" });
 * console.log(decodeSafetensors(bytes, "demo").metadata.kind); // "demo"
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header = emptyMap<unknown>(); // prototype-free: a tensor may be named __proto__
  header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === "__metadata__") throw new DataError(`a tensor cannot be named __metadata__`);
    tensor(t.data, t.shape); // checks the shape
    const size = t.data.length * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at);
    if (!LITTLE) swapBytes(out.subarray(at, at + bytes.length), BYTES[t.dtype]);
    at += bytes.length;
  }
  return out;
}

/** The header JSON of `bytes`, checked to be an object; its entries are not yet checked. */
function readHeader(bytes: Uint8Array, name: string): { header: object; n: number } {
  if (bytes.length < 8) {
    throw new DataError(`${name}: truncated: ${bytes.length} bytes, no header length`);
  }
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.length) {
    throw new DataError(
      `${name}: truncated: header of ${n} bytes but the file has ${bytes.length}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new DataError(`${name}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw new DataError(`${name}: the header is not a JSON object`);
  return { header, n };
}

/** True for a JSON object (not null, not an array). */
function isObject(v: unknown): v is object {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A prototype-free map, so that a key like `__proto__` is an ordinary key. */
function emptyMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The `__metadata__` entry: absent, or an object of strings. */
function readMetadata(meta: unknown, name: string): Record<string, string> {
  const metadata = emptyMap<string>();
  if (meta === undefined) return metadata;
  if (!isObject(meta)) {
    throw new DataError(`${name}: __metadata__ is ${JSON.stringify(meta)}, not a JSON object`);
  }
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== "string") throw new DataError(`${name}: metadata ${k} is not a string`);
    metadata[k] = v;
  }
  return metadata;
}

/** A non-negative safe integer (a size or a byte offset). */
function isSize(d: unknown): d is number {
  return Number.isSafeInteger(d) && (d as number) >= 0;
}

/** One header entry, every field checked before use, and its byte range [b, end). */
function readEntry(
  raw: unknown,
  where: string,
): { dtype: DType; shape: number[]; b: number; end: number; count: number } {
  if (!isObject(raw)) throw new DataError(`${where} is ${JSON.stringify(raw)}, not a JSON object`);
  const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e.dtype !== "string" || !Object.hasOwn(BYTES, e.dtype)) {
    throw new DataError(
      `${where} has dtype ${JSON.stringify(e.dtype)}; supported: F64, F32, I32, U8`,
    );
  }
  const dtype = e.dtype as DType, shape = e.shape, offs = e.data_offsets;
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new DataError(`${where} has a bad shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isSize)) {
    throw new DataError(`${where} has bad data_offsets ${JSON.stringify(offs)}`);
  }
  const [b, end] = offs as number[], count = shape.reduce((p: number, d: number) => p * d, 1);
  if (end < b || end - b !== count * BYTES[dtype]) {
    throw new DataError(
      `${where}: shape [${shape}] of ${dtype} needs ${count * BYTES[dtype]} bytes, offsets give ${
        end - b
      }`,
    );
  }
  return { dtype, shape: [...shape], b, end, count };
}

/**
 * Decode safetensors bytes; `name` (a path, say) appears in every error. The returned maps
 * have no prototype: a tensor named `__proto__` is an ordinary key.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors, tensor } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ x: tensor(new Int32Array([7]), [1]) });
 * console.log(decodeSafetensors(bytes, "x.safetensors").tensors.x.data[0]); // 7
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, name: string): Safetensors {
  const { header, n } = readHeader(bytes, name);
  const data = bytes.subarray(8 + n);
  let metadata = emptyMap<string>();
  const tensors = emptyMap<Tensor>();
  const ranges: [number, number, string][] = [];
  for (const [key, raw] of Object.entries(header)) {
    if (key === "__metadata__") {
      metadata = readMetadata(raw, name);
      continue;
    }
    const where = `${name}: tensor ${key}`;
    const { dtype, shape, b, end, count } = readEntry(raw, where);
    if (end > data.length) {
      throw new DataError(
        `${where}: truncated: data ends at byte ${end}, the section has ${data.length}`,
      );
    }
    const copy = new Uint8Array(data.subarray(b, end)); // a copy (Buffer#slice would be a view)
    if (!LITTLE) swapBytes(copy, BYTES[dtype]);
    tensors[key] = { dtype, shape, data: new CTOR[dtype](copy.buffer, 0, count) };
    ranges.push([b, end, key]);
  }
  ranges.sort((p, q) => p[0] - q[0]);
  let at = 0;
  for (const [b, end, key] of ranges) {
    if (b !== at) {
      throw new DataError(`${name}: tensor ${key} starts at ${b}, expected ${at} (gap or overlap)`);
    }
    at = end;
  }
  if (at !== data.length) {
    throw new DataError(`${name}: ${data.length - at} trailing bytes after the tensors`);
  }
  return { tensors, metadata };
}

/**
 * Write a safetensors file atomically (temp file, then rename).
 *
 * @example
 * ```ts ignore
 * import { tensor, writeSafetensors } from "./safetensors.ts";
 * await writeSafetensors("w.safetensors", { w: tensor(new Float64Array([1]), [1]) });
 * ```
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Read a safetensors file.
 *
 * @example
 * ```ts ignore
 * import { readSafetensors } from "./safetensors.ts";
 * const { tensors, metadata } = await readSafetensors("model.safetensors");
 * ```
 */
export async function readSafetensors(path: string): Promise<Safetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DataError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}
