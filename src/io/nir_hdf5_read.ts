/**
 * The reading half of `nir_hdf5.ts`: an open h5wasm group turned into a NIR node or graph, the
 * way NIR's `hdf2dict` reads it (every dataset by value, every sub-group as a dict). Integer
 * datasets of up to 32 bits read as int32 and wider ones as int64; float32 and float64 stay
 * what they are; an array counts as compressed when it has the deflate filter.
 *
 * @module
 */
import { DataError } from "../errors.ts";
import {
  isNirArray,
  type NirArray,
  nirArray,
  type NirArrayData,
  type NirGraph,
  type NirNode,
  type NirRecord,
  type NirValue,
} from "./nir.ts";

type H5 = typeof import("h5wasm");
type H5Group = InstanceType<H5["Group"]>;
type H5Dataset = InstanceType<H5["Dataset"]>;

const H5T_INTEGER = 0, H5T_FLOAT = 1, H5T_STRING = 3;

/** Integers of up to 32 bits as Int32Array, wider ones as BigInt64Array. */
function integers(value: unknown, size: number, signed: boolean, where: string): NirArrayData {
  const list = ArrayBuffer.isView(value) ? value as unknown as ArrayLike<number | bigint> : [
    value as number | bigint,
  ];
  if (size < 4 || (size === 4 && signed)) return Int32Array.from(list, Number);
  const wide = BigInt64Array.from(list, (v) => BigInt(v));
  if (!signed && size === 8 && wide.some((v) => v < 0n)) {
    throw new DataError(`${where}: an unsigned 64-bit value does not fit int64`);
  }
  return wide;
}

/** A dataset's value as a NIR field: a scalar string, or an array. */
function readDataset(ds: H5Dataset, where: string): NirValue {
  const meta = ds.metadata, shape = ds.shape ?? [], value = ds.value;
  if (meta.type === H5T_STRING) {
    if (shape.length === 0) return String(value);
    const strings = (Array.isArray(value) ? value : [value]).map(String);
    return nirArray(strings, shape);
  }
  let data: NirArrayData;
  if (meta.type === H5T_FLOAT && (meta.size === 4 || meta.size === 8)) {
    const list = ArrayBuffer.isView(value) ? value as unknown as ArrayLike<number> : [
      Number(value),
    ];
    data = meta.size === 4 ? Float32Array.from(list) : Float64Array.from(list);
  } else if (meta.type === H5T_INTEGER) {
    data = integers(value, meta.size, meta.signed, where);
  } else {
    throw new DataError(`${where}: unsupported HDF5 type (class ${meta.type}, ${meta.size} bytes)`);
  }
  const array: NirArray = nirArray(data, shape);
  if (shape.length > 0 && !ds.filters.some((f) => f.id === 1)) array.compressed = false;
  return array;
}

/** A group of fields (metadata, or a nested group), every entry read. */
function readRecord(h5: H5, group: H5Group, where: string): NirRecord {
  const out: NirRecord = {};
  for (const key of group.keys()) out[key] = readEntry(h5, group, key, `${where}/${key}`);
  return out;
}

/** One entry of a group: a dataset's value or a sub-group's fields. */
function readEntry(h5: H5, group: H5Group, key: string, where: string): NirValue {
  const entry = group.get(key);
  if (entry instanceof h5.Dataset) return readDataset(entry, where);
  if (entry instanceof h5.Group) return readRecord(h5, entry, where);
  throw new DataError(`${where} is neither a dataset nor a group`);
}

/** A graph's `edges`: [N, 2] strings (an empty list may be any empty array). */
function readEdges(h5: H5, group: H5Group, where: string): [string, string][] {
  if (!group.keys().includes("edges")) throw new DataError(`${where} has no 'edges'`);
  const edges = readEntry(h5, group, "edges", `${where}/edges`);
  if (isNirArray(edges) && edges.data.length === 0) return [];
  if (!isNirArray(edges) || edges.dtype !== "string" || edges.shape.length !== 2) {
    throw new DataError(`${where}/edges is not an [N, 2] array of node names`);
  }
  if (edges.shape[1] !== 2) throw new DataError(`${where}/edges has shape [${edges.shape}]`);
  const s = edges.data as string[];
  return Array.from({ length: edges.shape[0] }, (_, k) => [s[2 * k], s[2 * k + 1]]);
}

/**
 * The NIR node (or graph, with its nodes read in turn) stored in an h5wasm group; `where`
 * names the group in errors. Throws DataError for a node without a scalar string `type`, a
 * graph without `nodes` or `edges`, and dataset types NIR does not write.
 *
 * @example
 * ```ts ignore
 * import { readNirGroup } from "./nir_hdf5_read.ts";
 * const graph = readNirGroup(h5, file.get("node"), "net.nir: node");
 * ```
 */
export function readNirGroup(h5: H5, group: H5Group, where: string): NirNode | NirGraph {
  const keys = group.keys();
  const type = keys.includes("type") ? readEntry(h5, group, "type", `${where}/type`) : undefined;
  if (typeof type !== "string") throw new DataError(`${where} has no 'type' string`);
  const metadata = keys.includes("metadata")
    ? readEntry(h5, group, "metadata", `${where}/metadata`)
    : undefined;
  if (metadata !== undefined && (typeof metadata !== "object" || isNirArray(metadata))) {
    throw new DataError(`${where}/metadata is not a group`);
  }
  const meta = metadata ? { metadata: metadata as NirRecord } : {};
  if (type === "NIRGraph") {
    const nodes = group.get("nodes");
    if (!(nodes instanceof h5.Group)) throw new DataError(`${where} has no 'nodes' group`);
    const graph: NirGraph = { type, nodes: {}, edges: readEdges(h5, group, where), ...meta };
    for (const name of nodes.keys()) {
      const child = nodes.get(name);
      if (!(child instanceof h5.Group)) throw new DataError(`${where}/nodes/${name} is no group`);
      graph.nodes[name] = readNirGroup(h5, child, `${where}/nodes/${name}`);
    }
    return graph;
  }
  const attrs: Record<string, NirValue> = {};
  for (const key of keys) {
    if (key !== "type" && key !== "metadata") {
      attrs[key] = readEntry(h5, group, key, `${where}/${key}`);
    }
  }
  return { type, attrs, ...meta };
}
