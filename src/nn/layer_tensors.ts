/**
 * Layer geometries and their tensors in a safetensors file, shared by every checkpoint kind:
 * layer n (1-based) is `fc{n}` when dense and `conv{n}` when convolutional; the metadata holds
 * `sizes` and, for a conv net, `layers` (the geometries, which the tensors cannot tell).
 *
 * @module
 */
import { DataError } from "../errors.ts";
import { type Tensor, tensor } from "../io/safetensors.ts";
import { layerSizes, sameLayers } from "./architecture.ts";
import { checkConvGeometry, type ConvGeometry, convOutSize } from "./conv.ts";
import { biasLength, type LayerGeometry, weightShape } from "./layer.ts";

/** A layer as stored: its geometry, weight and bias. */
export type StoredLayer = { geometry: LayerGeometry; weight: Float64Array; bias: Float64Array };

/**
 * The tensor-name prefix of layer n: "fc{n}" or "conv{n}".
 *
 * @example
 * ```ts
 * import { layerPrefix } from "./layer_tensors.ts";
 * console.log(layerPrefix({ nIn: 3, nOut: 2 }, 1)); // "fc1"
 * ```
 */
export function layerPrefix(g: LayerGeometry, n: number): string {
  return `${g.conv ? "conv" : "fc"}${n}`;
}

/**
 * {name}.weight and {name}.bias of every layer.
 *
 * @example
 * ```ts
 * import { layerTensors } from "./layer_tensors.ts";
 * const t = layerTensors([{ geometry: { nIn: 2, nOut: 1 }, weight: new Float64Array(2), bias: new Float64Array(1) }]);
 * console.log(Object.keys(t)); // ["fc1.weight", "fc1.bias"]
 * ```
 */
export function layerTensors(layers: StoredLayer[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  layers.forEach(({ geometry: g, weight, bias }, k) => {
    out[`${layerPrefix(g, k + 1)}.weight`] = tensor(weight, weightShape(g));
    out[`${layerPrefix(g, k + 1)}.bias`] = tensor(bias, [biasLength(g)]);
  });
  return out;
}

/**
 * The metadata that describes the layers: sizes, and the geometries for a conv net.
 *
 * @example
 * ```ts
 * import { layerMetadata } from "./layer_tensors.ts";
 * console.log(layerMetadata([{ nIn: 2, nOut: 1 }])); // { sizes: "[2,1]" }
 * ```
 */
export function layerMetadata(layers: LayerGeometry[]): Record<string, string> {
  const geometry = layers.map(({ nIn, nOut, conv, pool }) => ({ nIn, nOut, conv, pool }));
  return {
    sizes: JSON.stringify(layerSizes(layers)),
    ...(layers.some((l) => l.conv) ? { layers: JSON.stringify(geometry) } : {}),
  };
}

/** Dense geometries from the shapes of fc1.weight, fc2.weight, ..., checking that they chain. */
function denseGeometry(tensors: Record<string, Tensor>, path: string): LayerGeometry[] {
  const layers: LayerGeometry[] = [];
  for (let n = 1; `fc${n}.weight` in tensors; n++) {
    const shape = tensors[`fc${n}.weight`].shape;
    if (shape.length !== 2) throw new DataError(`${path}: fc${n}.weight has shape [${shape}]`);
    const [nOut, nIn] = shape;
    if (n > 1 && nIn !== layers[n - 2].nOut) {
      throw new DataError(
        `${path}: fc${n}.weight takes ${nIn} inputs but fc${n - 1} has ${
          layers[n - 2].nOut
        } outputs`,
      );
    }
    layers.push({ nIn, nOut });
  }
  if (!layers.length) throw new DataError(`${path}: no fc1.weight tensor`);
  return layers;
}

/** A layer as the metadata may hold it, before any check. */
type RawLayer = { nIn?: unknown; nOut?: unknown; conv?: unknown; pool?: unknown };

/** A positive integer. */
function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1;
}

/** The geometry of one checked layer that takes `size` inputs. */
function rebuildLayer(l: RawLayer, size: number): LayerGeometry {
  if (!l.conv) {
    if (!isCount(l.nOut)) throw new Error(`bad size ${JSON.stringify(l.nOut)}`);
    return { nIn: size, nOut: l.nOut };
  }
  const conv = l.conv as ConvGeometry, pool = l.pool ?? 1;
  checkConvGeometry(conv);
  const { inH, inW, inC, outC } = conv, { outH, outW } = convOutSize(conv);
  if (inH * inW * inC !== size) throw new Error(`a conv layer expects ${inH}x${inW}x${inC}`);
  if (!isCount(pool) || pool > Math.min(outH, outW)) {
    throw new Error(`bad pool ${JSON.stringify(pool)}`);
  }
  const nOut = Math.floor(outH / pool) * Math.floor(outW / pool) * outC;
  return { nIn: size, nOut, conv, ...(l.pool ? { pool } : {}) };
}

/**
 * Geometries from a parsed `layers` value, each size recomputed and checked; a DataError
 * names what is wrong. `pool` is the pooling of a conv layer (the LIF files' `avgPool`).
 *
 * @example
 * ```ts
 * import { checkedGeometry } from "./layer_tensors.ts";
 * console.log(checkedGeometry([{ nIn: 2, nOut: 1 }], "f")); // [{ nIn: 2, nOut: 1 }]
 * ```
 */
export function checkedGeometry(value: unknown, path: string): LayerGeometry[] {
  try {
    const layers = value as RawLayer[];
    if (!Array.isArray(layers) || !layers.length) throw new Error("no layers");
    const bad = layers.findIndex((l) => typeof l !== "object" || l === null || Array.isArray(l));
    if (bad >= 0) throw new Error(`layer ${bad + 1} is ${JSON.stringify(layers[bad])}`);
    if (layers[layers.length - 1].conv) throw new Error("the readout must be dense");
    let size = layers[0].nIn;
    if (!isCount(size)) throw new Error(`bad input size ${JSON.stringify(size)}`);
    const rebuilt = layers.map((l) => {
      const g = rebuildLayer(l, size as number);
      size = g.nOut;
      return g;
    });
    if (!sameLayers(rebuilt, layers as LayerGeometry[])) throw new Error("the sizes do not chain");
    return rebuilt;
  } catch (e) {
    throw new DataError(`${path}: bad layers metadata (${(e as Error).message})`);
  }
}

/**
 * Conv-net geometries from the `layers` metadata, each size recomputed and checked; a
 * DataError names what is wrong.
 *
 * @example
 * ```ts
 * import { storedGeometry } from "./layer_tensors.ts";
 * console.log(storedGeometry('[{"nIn":2,"nOut":1}]', "f").length); // 1
 * ```
 */
export function storedGeometry(json: string, path: string): LayerGeometry[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new DataError(`${path}: bad layers metadata (${(e as Error).message})`);
  }
  return checkedGeometry(value, path);
}

/**
 * Every layer's weight and bias as float64, checking dtypes and shapes against the geometry
 * (from the `layers` metadata, or else from the fc{n}.weight shapes).
 *
 * @example
 * ```ts
 * import { tensor } from "../io/safetensors.ts";
 * import { readLayers } from "./layer_tensors.ts";
 * const t = { "fc1.weight": tensor(new Float64Array(2), [1, 2]), "fc1.bias": tensor(new Float64Array(1), [1]) };
 * console.log(readLayers(t, {}, "f")[0].geometry); // { nIn: 2, nOut: 1 }
 * ```
 */
export function readLayers(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  path: string,
): StoredLayer[] {
  const geometry = metadata.layers !== undefined
    ? storedGeometry(metadata.layers, path)
    : denseGeometry(tensors, path);
  const expected = new Set<string>();
  const layers = geometry.map((g, k) => {
    const name = layerPrefix(g, k + 1), w = tensors[`${name}.weight`], b = tensors[`${name}.bias`];
    if (!w) throw new DataError(`${path}: missing ${name}.weight`);
    if (!b) throw new DataError(`${path}: ${name}.weight has no ${name}.bias`);
    for (const t of [w, b]) {
      if (t.dtype !== "F64" && t.dtype !== "F32") {
        throw new DataError(`${path}: ${name} has dtype ${t.dtype}; expected F64 or F32`);
      }
    }
    if (w.shape.join() !== weightShape(g).join() || b.shape.join() !== `${biasLength(g)}`) {
      throw new DataError(
        `${path}: ${name}.weight [${w.shape}] and ${name}.bias [${b.shape}] do not match ` +
          `the layer ([${weightShape(g)}] and [${biasLength(g)}])`,
      );
    }
    expected.add(`${name}.weight`).add(`${name}.bias`);
    return { geometry: g, weight: Float64Array.from(w.data), bias: Float64Array.from(b.data) };
  });
  const extra = Object.keys(tensors).filter((k) => !expected.has(k));
  if (extra.length) throw new DataError(`${path}: unexpected tensors ${extra.join(", ")}`);
  return layers;
}
