/**
 * NIR files (HDF5) read and written with h5wasm, the HDF5 C library compiled to WebAssembly, in
 * Node, Deno and Bun alike: bytes go into h5wasm's in-memory file system, HDF5 works on them
 * there, and the bytes come back out (`encodeNir` / `decodeNir`); `writeNir` puts them on disk
 * atomically (`atomic.ts`). The layout is NIR's own (`nir/serialization.py`, see `nir.ts`):
 * `version` and every `type` are scalar UTF-8 string datasets, `edges` an [N, 2] string
 * dataset, numeric arrays gzip-compressed (level 4, h5py's default) in explicit chunks of at
 * most 1 MiB. Files use the HDF5 1.10 format (libver v110), which any HDF5 >= 1.10 reads: it
 * indexes a one-chunk array compactly, so a graph of small arrays takes a quarter of the bytes
 * the 1.8 format needs.
 *
 * h5wasm is loaded on first use (a dynamic import), so that importing spikeproof does not load
 * it. Before HDF5 sees a file, its signature and the end-of-file address of its superblock are
 * checked, so that a truncated file is a DataError that says so (HDF5 itself would print a
 * stack of diagnostics). Every error reading a file is a DataError naming it.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { DataError, SpikeproofError } from "../errors.ts";
import { writeFileAtomic } from "./atomic.ts";
import {
  isNirArray,
  isNirGraph,
  type NirArray,
  type NirDocument,
  type NirGraph,
  type NirNode,
  type NirRecord,
  type NirValue,
} from "./nir.ts";
import { readNirGroup } from "./nir_hdf5_read.ts";

type H5 = typeof import("h5wasm");
type H5Group = InstanceType<H5["Group"]>;

let loading: Promise<{ h5: H5; fs: NonNullable<H5["FS"]> }> | undefined;
let fileCount = 0;

/** h5wasm, loaded once, and its in-memory file system. */
function h5wasm(): Promise<{ h5: H5; fs: NonNullable<H5["FS"]> }> {
  loading ??= import("h5wasm").then(async (h5) => {
    const module = await h5.ready;
    return { h5, fs: module.FS };
  }, (e) => {
    loading = undefined;
    throw new SpikeproofError(
      `NIR files need the h5wasm package (npm h5wasm@0.10.3; in Deno without spikeproof's ` +
        `deno.json, map "h5wasm" to "npm:h5wasm@0.10.3"): ${e instanceof Error ? e.message : e}`,
    );
  });
  return loading;
}

const H5_DTYPE = { float64: "<d", float32: "<f", int32: "<i", int64: "<q" } as const;
const ITEM_BYTES = { float64: 8, float32: 4, int32: 4, int64: 8 } as const;
const CHUNK_BYTES = 1 << 20;

/** Chunk dimensions of at most 1 MiB: the whole array, or its largest dimension halved. */
function chunkShape(shape: number[], itemBytes: number): number[] {
  const c = [...shape];
  while (c.reduce((a, b) => a * b, itemBytes) > CHUNK_BYTES) {
    const k = c.indexOf(Math.max(...c));
    c[k] = Math.ceil(c[k] / 2);
  }
  return c;
}

/** One field of a node, as NIR's `write_recursive` writes it. */
function writeValue(group: H5Group, name: string, v: NirValue): void {
  if (typeof v === "string") {
    group.create_dataset({ name, data: v });
  } else if (!isNirArray(v)) {
    const sub = group.create_group(name);
    for (const [k, x] of Object.entries(v)) writeValue(sub, k, x);
  } else if (v.dtype === "string") {
    group.create_dataset({ name, data: v.data as string[], shape: v.shape });
  } else {
    writeNumeric(group, name, v);
  }
}

/** A numeric array: compressed in chunks when it has rank >= 1, elements, and no opt-out. */
function writeNumeric(group: H5Group, name: string, v: NirArray): void {
  const dtype = v.dtype as keyof typeof H5_DTYPE;
  const compress = v.compressed !== false && v.shape.length > 0 && v.data.length > 0;
  group.create_dataset({
    name,
    data: v.data as Float64Array,
    shape: v.shape,
    dtype: H5_DTYPE[dtype],
    ...(compress
      ? { chunks: chunkShape(v.shape, ITEM_BYTES[dtype]), compression: "gzip", compression_opts: 4 }
      : {}),
  });
}

/** A node's group: `type`, its fields, `metadata` when not empty; a graph's nodes and edges. */
function writeNode(group: H5Group, node: NirNode | NirGraph): void {
  group.create_dataset({ name: "type", data: node.type });
  if (isNirGraph(node)) {
    const nodes = group.create_group("nodes");
    for (const [name, n] of Object.entries(node.nodes)) writeNode(nodes.create_group(name), n);
    if (node.edges.length === 0) {
      // h5py writes an empty edge list as an empty float64 array
      group.create_dataset({ name: "edges", data: new Float64Array(0), shape: [0] });
    } else {
      group.create_dataset({
        name: "edges",
        data: node.edges.flat(),
        shape: [node.edges.length, 2],
      });
    }
  } else {
    for (const [k, v] of Object.entries(node.attrs)) writeValue(group, k, v);
  }
  const metadata: NirRecord = node.metadata ?? {};
  if (Object.keys(metadata).length > 0) writeValue(group, "metadata", metadata);
}

/**
 * A NIR document (or a bare graph, with version {@link NIR_VERSION}) as the bytes of an HDF5
 * file, laid out as NIR's `nir.write` lays it out.
 *
 * @example
 * ```ts
 * import { encodeNir } from "./nir_hdf5.ts";
 * import { nirInt64 } from "./nir.ts";
 * const graph = {
 *   type: "NIRGraph" as const,
 *   nodes: { input: { type: "Input", attrs: { shape: nirInt64([2]) } }, output: { type: "Output", attrs: { shape: nirInt64([2]) } } },
 *   edges: [["input", "output"]] as [string, string][],
 * };
 * console.log((await encodeNir({ version: "1.0.7", graph })).length > 0); // true
 * ```
 */
export async function encodeNir(doc: NirDocument): Promise<Uint8Array> {
  const { h5, fs } = await h5wasm();
  const path = `/spikeproof-write-${++fileCount}.nir`;
  try {
    const file = new h5.File(path, "w", { libver: ["v110", "v110"] });
    try {
      file.create_dataset({ name: "version", data: doc.version });
      writeNode(file.create_group("node"), doc.graph);
    } finally {
      file.close();
    }
    return new Uint8Array(fs.readFile(path));
  } catch (e) {
    if (e instanceof SpikeproofError) throw e;
    throw new DataError(`cannot encode the NIR graph: ${e instanceof Error ? e.message : e}`);
  } finally {
    if (fs.analyzePath(path).exists) fs.unlink(path);
  }
}

/** An unsigned little-endian integer of `size` bytes at `at`. */
function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let k = size - 1; k >= 0; k--) v = v * 256 + bytes[at + k];
  return v;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Throws DataError unless `bytes` start an HDF5 file (its signature at 0, 512, 1024, ...) whose
 * superblock's end-of-file address is within the bytes (a truncated file is caught here).
 *
 * @example
 * ```ts
 * import { checkHdf5Bytes } from "./nir_hdf5.ts";
 * try { checkHdf5Bytes(new Uint8Array(4), "x.nir"); } catch (e) { console.log((e as Error).name); } // "DataError"
 * ```
 */
export function checkHdf5Bytes(bytes: Uint8Array, name: string): void {
  let base = 0;
  while (base + 8 <= bytes.length && SIGNATURE.some((b, k) => bytes[base + k] !== b)) {
    base = base === 0 ? 512 : base * 2;
  }
  if (base + 8 > bytes.length) {
    throw new DataError(`${name}: not an HDF5 file (no HDF5 signature in ${bytes.length} bytes)`);
  }
  const version = bytes[base + 8];
  const offsets = version <= 1 ? bytes[base + 13] : bytes[base + 9];
  const at = base + (version === 0 ? 24 : version === 1 ? 28 : 12) + 2 * offsets;
  if (version > 3 || ![2, 4, 8].includes(offsets) || at + offsets > bytes.length) {
    throw new DataError(`${name}: truncated or corrupt HDF5 superblock (${bytes.length} bytes)`);
  }
  const end = base + readUint(bytes, at, offsets);
  if (end > bytes.length) {
    throw new DataError(`${name}: truncated: ${bytes.length} bytes, the file says ${end}`);
  }
}

/**
 * The NIR document in the bytes of a `.nir` (HDF5) file; `name` (a path, say) appears in every
 * error. A missing `version` reads as ""; fields NIR treats as optional (such as LIF's
 * `v_reset`) are simply absent from the node. Throws DataError for bytes that are not a whole
 * HDF5 file, a file without a `node` graph, a node without a `type`, or bad edges.
 *
 * @example
 * ```ts ignore
 * import { decodeNir } from "./nir_hdf5.ts";
 * const doc = await decodeNir(bytes, "net.nir");
 * console.log(Object.keys(doc.graph.nodes));
 * ```
 */
export async function decodeNir(bytes: Uint8Array, name: string): Promise<NirDocument> {
  checkHdf5Bytes(bytes, name);
  const { h5, fs } = await h5wasm();
  const path = `/spikeproof-read-${++fileCount}.nir`;
  fs.writeFile(path, bytes);
  let file: InstanceType<H5["File"]> | undefined;
  try {
    file = new h5.File(path, "r");
    if (file.file_id < 0n) throw new DataError(`${name}: HDF5 cannot open it`);
    const version = file.get("version");
    const node = file.get("node");
    if (!(node instanceof h5.Group)) throw new DataError(`${name}: no 'node' group`);
    const graph = readNirGroup(h5, node, `${name}: node`);
    if (!isNirGraph(graph)) throw new DataError(`${name}: 'node' is a ${graph.type}, not a graph`);
    const v = version instanceof h5.Dataset ? version.value : "";
    return { version: typeof v === "string" ? v : String(v), graph };
  } catch (e) {
    if (e instanceof SpikeproofError) throw e;
    throw new DataError(
      `${name}: cannot read the NIR graph (${e instanceof Error ? e.message : e})`,
    );
  } finally {
    if (file && file.file_id >= 0n) file.close();
    fs.unlink(path);
  }
}

/**
 * Write a NIR document to `path` atomically (temp file, then rename).
 *
 * @example
 * ```ts ignore
 * import { writeNir } from "./nir_hdf5.ts";
 * await writeNir("net.nir", doc);
 * ```
 */
export async function writeNir(path: string, doc: NirDocument): Promise<void> {
  await writeFileAtomic(path, await encodeNir(doc));
}

/**
 * Read the NIR document of the file at `path` (DataError if it cannot be read or decoded).
 *
 * @example
 * ```ts ignore
 * import { readNir } from "./nir_hdf5.ts";
 * const { version, graph } = await readNir("net.nir");
 * ```
 */
export async function readNir(path: string): Promise<NirDocument> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DataError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeNir(bytes, path);
}
