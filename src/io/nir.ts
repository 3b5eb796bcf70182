/**
 * The NIR graph (Neuromorphic Intermediate Representation, neuromorphs/NIR) as plain data: what
 * `nir_hdf5.ts` reads from and writes to a `.nir` file, and what `lif/nir.ts` maps a LIF
 * network to. The layout follows NIR's own `nir/serialization.py`:
 *
 *   version                 scalar UTF-8 string
 *   node/type               "NIRGraph" (scalar UTF-8 string)
 *   node/nodes/<name>/type  the node's type ("Affine", "LIF", ...), then one dataset per field
 *   node/edges              [N, 2] UTF-8 strings: (source, target) node names
 *   <any node>/metadata     an optional group of free-form entries (NIR drops it when empty)
 *
 * A field is a {@link NirArray} (numbers or strings, any rank; rank 0 is a scalar), a scalar
 * string, or a group of fields. Numeric arrays of rank >= 1 are gzip-compressed with explicit
 * chunks unless `compressed` is false (NIR compresses numpy arrays but not Python tuples, such
 * as Conv2d's stride); scalars and strings are never compressed.
 *
 * @module
 */
import { DataError } from "../errors.ts";

/** The NIR version string written to a file's root `version` dataset. */
export const NIR_VERSION = "1.0.7";

/** Element types of a NIR array. */
export type NirDtype = "float32" | "float64" | "int32" | "int64" | "string";

/** The elements of a NIR array, row-major. */
export type NirArrayData = Float32Array | Float64Array | Int32Array | BigInt64Array | string[];

/** One array dataset of a NIR file. */
export interface NirArray {
  /** Element type; it matches the kind of `data`. */
  dtype: NirDtype;
  /** Dimensions, outermost first ([] for a scalar); their product is `data.length`. */
  shape: number[];
  /** The elements, row-major. */
  data: NirArrayData;
  /** Numeric arrays of rank >= 1 are gzip-compressed unless this is false. */
  compressed?: boolean;
}

/** A field of a node: an array, a scalar string, or a group of fields. */
export type NirValue = NirArray | string | NirRecord;

/** A group of named fields (metadata, or a nested group). */
export interface NirRecord {
  /** A field by its name. */
  [key: string]: NirValue;
}

/** A primitive node: its NIR type and its fields by name. */
export interface NirNode {
  /** The NIR type, e.g. "Affine", "LIF", "Conv2d". */
  type: string;
  /** Every field but `type` and `metadata`, by its NIR name. */
  attrs: Record<string, NirValue>;
  /** Free-form entries; NIR says no consumer may rely on them. */
  metadata?: NirRecord;
}

/** A graph: nodes by name and edges between them (itself a node of type "NIRGraph"). */
export interface NirGraph {
  /** Always "NIRGraph". */
  type: "NIRGraph";
  /** The nodes by name; a node may itself be a graph. */
  nodes: Record<string, NirNode | NirGraph>;
  /** (source, target) pairs of node names. */
  edges: [string, string][];
  /** Free-form entries of the graph. */
  metadata?: NirRecord;
}

/** A whole NIR file: its version string and its top-level graph. */
export interface NirDocument {
  /** The root `version` string ("" when a file has none). */
  version: string;
  /** The graph under `node`. */
  graph: NirGraph;
}

const DTYPE_OF: [new (n: number) => NirArrayData, NirDtype][] = [
  [Float64Array, "float64"],
  [Float32Array, "float32"],
  [Int32Array, "int32"],
  [BigInt64Array, "int64"],
];

/**
 * A NIR array of `data` with `shape` (default: one dimension); the dtype follows the data.
 * Throws DataError unless the shape holds exactly `data.length` elements.
 *
 * @example
 * ```ts
 * import { nirArray } from "./nir.ts";
 * console.log(nirArray(new Float64Array(6), [2, 3]).dtype); // "float64"
 * ```
 */
export function nirArray(
  data: NirArrayData,
  shape: number[] = [data.length],
  options: { compressed?: boolean } = {},
): NirArray {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || n !== data.length) {
    throw new DataError(`shape [${shape}] does not hold ${data.length} elements`);
  }
  const dtype = Array.isArray(data) ? "string" : DTYPE_OF.find(([c]) => data instanceof c)?.[1];
  if (!dtype) throw new DataError(`unsupported NIR array type ${data.constructor.name}`);
  return { dtype, shape: [...shape], data, ...options };
}

/**
 * An int64 array (NIR's shapes, strides, paddings, dims); `shape` [] makes a scalar.
 *
 * @example
 * ```ts
 * import { nirInt64 } from "./nir.ts";
 * console.log(nirInt64([1, 28, 28]).data); // BigInt64Array(3) [1n, 28n, 28n]
 * ```
 */
export function nirInt64(
  values: number[],
  shape: number[] = [values.length],
  options: { compressed?: boolean } = {},
): NirArray {
  return nirArray(BigInt64Array.from(values, (v) => BigInt(v)), shape, options);
}

/**
 * True for a {@link NirArray} (as opposed to a scalar string or a group).
 *
 * @example
 * ```ts
 * import { isNirArray, nirInt64 } from "./nir.ts";
 * console.log(isNirArray(nirInt64([1])), isNirArray("LIF")); // true false
 * ```
 */
export function isNirArray(v: NirValue | undefined): v is NirArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v &&
    (ArrayBuffer.isView(v.data) || Array.isArray(v.data));
}

/**
 * True for a graph node (type "NIRGraph", with nodes and edges).
 *
 * @example
 * ```ts
 * import { isNirGraph } from "./nir.ts";
 * console.log(isNirGraph({ type: "LIF", attrs: {} })); // false
 * ```
 */
export function isNirGraph(node: NirNode | NirGraph): node is NirGraph {
  return node.type === "NIRGraph" && "nodes" in node;
}

/**
 * A numeric array's elements as numbers (int64 converted); `where` names it in the error.
 * Throws DataError for a string array or a group.
 *
 * @example
 * ```ts
 * import { nirInt64, nirNumbers } from "./nir.ts";
 * console.log(nirNumbers(nirInt64([2, 2]), "pool.stride")); // [2, 2]
 * ```
 */
export function nirNumbers(v: NirValue | undefined, where: string): number[] {
  if (!isNirArray(v) || v.dtype === "string") {
    throw new DataError(`${where} is ${v === undefined ? "missing" : "not a numeric array"}`);
  }
  return Array.from(v.data as ArrayLike<number | bigint>, Number);
}

/**
 * Throws DataError unless every edge joins two nodes of the graph (naming the edge).
 *
 * @example
 * ```ts
 * import { checkNirEdges } from "./nir.ts";
 * checkNirEdges({ type: "NIRGraph", nodes: { a: { type: "Input", attrs: {} } }, edges: [] });
 * ```
 */
export function checkNirEdges(graph: NirGraph): void {
  for (const [a, b] of graph.edges) {
    for (const end of [a, b]) {
      if (!Object.hasOwn(graph.nodes, end)) {
        throw new DataError(`edge (${a}, ${b}) names node '${end}', which the graph lacks`);
      }
    }
  }
}

/**
 * The node names of a graph that is one chain from its single Input node to its single Output
 * node, in order. Throws DataError naming the node where the graph branches, merges, loops,
 * or leaves nodes off the chain.
 *
 * @example
 * ```ts
 * import { nirChain } from "./nir.ts";
 * const node = (type: string) => ({ type, attrs: {} });
 * const g = { type: "NIRGraph" as const, nodes: { i: node("Input"), o: node("Output") }, edges: [["i", "o"]] as [string, string][] };
 * console.log(nirChain(g)); // ["i", "o"]
 * ```
 */
export function nirChain(graph: NirGraph): string[] {
  checkNirEdges(graph);
  const ofType = (t: string) => Object.keys(graph.nodes).filter((k) => graph.nodes[k].type === t);
  const [inputs, outputs] = [ofType("Input"), ofType("Output")];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new DataError(
      `the graph has ${inputs.length} Input and ${outputs.length} Output nodes; need one each`,
    );
  }
  const next = new Map<string, string>(), into = new Map<string, string>();
  for (const [a, b] of graph.edges) {
    if (next.has(a)) throw new DataError(`node '${a}' has more than one outgoing edge`);
    if (into.has(b)) throw new DataError(`node '${b}' has more than one incoming edge`);
    next.set(a, b), into.set(b, a);
  }
  const chain = [inputs[0]];
  while (chain[chain.length - 1] !== outputs[0]) {
    const at = chain[chain.length - 1], to = next.get(at);
    if (to === undefined) throw new DataError(`node '${at}' has no edge on to the Output node`);
    if (chain.includes(to)) throw new DataError(`node '${to}' closes a loop`);
    chain.push(to);
  }
  const off = Object.keys(graph.nodes).find((k) => !chain.includes(k));
  if (off !== undefined) throw new DataError(`node '${off}' is not on the Input-Output chain`);
  if (next.has(outputs[0])) throw new DataError(`the Output node '${outputs[0]}' has an edge out`);
  return chain;
}
