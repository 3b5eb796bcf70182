/**
 * Network architectures as lists of layer geometries (see `layer.ts`), built from a short
 * description: conv layers on an NHWC image, then dense layers, the last one the readout.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { checkConvGeometry, convOutSize } from "./conv.ts";
import type { LayerGeometry } from "./layer.ts";

/** An input image: height, width, channels. Fashion-MNIST is { h: 28, w: 28, c: 1 }. */
export interface ImageShape {
  /** Height in pixels. */
  h: number;
  /** Width in pixels. */
  w: number;
  /** Channels (1 for grey-scale). */
  c: number;
}

/** One layer of a description: a conv layer (optionally max-pooled) or a dense layer. */
export type LayerSpec =
  | { conv: number; k: number; pad?: "same" | "valid"; pool?: number }
  | { dense: number };

/**
 * Layer geometries for a description. Conv layers must come before dense ones, and the last
 * layer (the readout) must be dense.
 *
 * @example
 * ```ts
 * import { buildLayers } from "./architecture.ts";
 * const lenet = buildLayers({ h: 28, w: 28, c: 1 }, [
 *   { conv: 6, k: 5, pad: "same", pool: 2 }, { conv: 16, k: 5, pool: 2 },
 *   { dense: 120 }, { dense: 84 }, { dense: 10 },
 * ]);
 * console.log(lenet.map((l) => l.nOut)); // [1176, 400, 120, 84, 10]
 * ```
 */
export function buildLayers(input: ImageShape, specs: LayerSpec[]): LayerGeometry[] {
  if (specs.length === 0 || !("dense" in specs[specs.length - 1])) {
    throw new OptionError("an architecture needs a dense readout as its last layer");
  }
  const layers: LayerGeometry[] = [];
  let { h, w, c } = input, flat = false;
  for (const s of specs) {
    const nIn = h * w * c;
    if ("dense" in s) {
      if (!Number.isInteger(s.dense) || s.dense < 1) {
        throw new OptionError(`dense layer size ${s.dense} is not >= 1`);
      }
      layers.push({ nIn, nOut: s.dense });
      (h = 1), (w = 1), (c = s.dense), (flat = true);
      continue;
    }
    if (flat) throw new OptionError("a conv layer cannot follow a dense layer");
    const pad = s.pad === "same" ? (s.k - 1) / 2 : 0;
    const conv = { inH: h, inW: w, inC: c, outC: s.conv, k: s.k, pad };
    checkConvGeometry(conv);
    const pool = s.pool ?? 1, { outH, outW } = convOutSize(conv);
    if (!Number.isInteger(pool) || pool < 1 || pool > Math.min(outH, outW)) {
      throw new OptionError(`pool ${pool} does not fit a ${outH}x${outW} map`);
    }
    (h = Math.floor(outH / pool)), (w = Math.floor(outW / pool)), (c = s.conv);
    layers.push({ nIn, nOut: h * w * c, conv, ...(pool > 1 ? { pool } : {}) });
  }
  return layers;
}

/**
 * Dense layers for the sizes [nIn, hidden..., classes].
 *
 * @example
 * ```ts
 * import { denseLayers } from "./architecture.ts";
 * console.log(denseLayers([784, 340, 10])); // [{ nIn: 784, nOut: 340 }, { nIn: 340, nOut: 10 }]
 * ```
 */
export function denseLayers(sizes: number[]): LayerGeometry[] {
  if (sizes.length < 2) throw new OptionError(`need at least 2 layer sizes, got ${sizes.length}`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1) throw new OptionError(`layer size ${s} is not >= 1`);
  }
  return sizes.slice(1).map((nOut, k) => ({ nIn: sizes[k], nOut }));
}

/**
 * [nIn, nOut of every layer]: the sizes of the spike-time vectors of a network.
 *
 * @example
 * ```ts
 * import { layerSizes } from "./architecture.ts";
 * console.log(layerSizes([{ nIn: 4, nOut: 3 }, { nIn: 3, nOut: 2 }])); // [4, 3, 2]
 * ```
 */
export function layerSizes(layers: LayerGeometry[]): number[] {
  return [layers[0].nIn, ...layers.map((l) => l.nOut)];
}

/**
 * A short human-readable description, e.g. "conv6k5p2/pool2-conv16k5-fc120-fc10".
 *
 * @example
 * ```ts
 * import { describeLayers } from "./architecture.ts";
 * console.log(describeLayers([{ nIn: 784, nOut: 10 }])); // "784-fc10"
 * ```
 */
export function describeLayers(layers: LayerGeometry[]): string {
  return [
    layers[0].conv
      ? `${layers[0].conv.inH}x${layers[0].conv.inW}x${layers[0].conv.inC}`
      : `${layers[0].nIn}`,
    ...layers.map((l) =>
      l.conv
        ? `conv${l.conv.outC}k${l.conv.k}${l.conv.pad ? `p${l.conv.pad}` : ""}${
          l.pool ? `/pool${l.pool}` : ""
        }`
        : `fc${l.nOut}`
    ),
  ].join("-");
}

/**
 * Layers from either sizes [nIn, hidden..., classes] (a dense net) or geometries (kept).
 *
 * @example
 * ```ts
 * import { toLayers } from "./architecture.ts";
 * console.log(toLayers([3, 2]).length); // 1
 * ```
 */
export function toLayers(sizesOrLayers: number[] | LayerGeometry[]): LayerGeometry[] {
  return sizesOrLayers.every((s) => typeof s === "number")
    ? denseLayers(sizesOrLayers as number[])
    : sizesOrLayers as LayerGeometry[];
}

/**
 * Same geometry (sizes, conv shapes and pools)?
 *
 * @example
 * ```ts
 * import { denseLayers, sameLayers } from "./architecture.ts";
 * console.log(sameLayers(denseLayers([3, 2]), [{ nIn: 3, nOut: 2 }])); // true
 * ```
 */
export function sameLayers(a: LayerGeometry[], b: LayerGeometry[]): boolean {
  const key = (ls: LayerGeometry[]) =>
    JSON.stringify(ls.map(({ nIn, nOut, conv: c, pool }) => [
      nIn,
      nOut,
      c ? [c.inH, c.inW, c.inC, c.outC, c.k, c.pad] : null,
      pool ?? 1,
    ]));
  return key(a) === key(b);
}
