/**
 * LIF checkpoints in safetensors (`io/safetensors.ts`), named like a PyTorch stack of
 * `nn.Linear` / `nn.Conv2d` layers (the same names as the TTFS checkpoints):
 *
 *   fc{n}.weight    [nOut, nIn]         float64 (float32 accepted)
 *   conv{n}.weight  [outC, k, k, inC]   OHWI; PyTorch's OIHW is .permute(0, 3, 1, 2) of it
 *   fc{n}.bias / conv{n}.bias           [nOut] / [outC]
 *
 * n = 1..L counts weight layers. Metadata: format "spikeproof", kind "lif", lambda, vth,
 * surrogateSlope (numbers as strings) and layers (JSON geometries with `avgPool`). Every
 * float must be finite: the loader refuses a NaN or infinite element (DataError naming the
 * file, tensor and flat index), the saver refuses to write one (ValueError).
 *
 * @module
 */
import { DataError } from "../errors.ts";
import { assertFiniteTensors } from "../io/finite.ts";
import { readSafetensors, type Tensor, tensor, writeSafetensors } from "../io/safetensors.ts";
import { denseLayers } from "../nn/architecture.ts";
import { biasLength, checkLayerArrays, type LayerGeometry, weightShape } from "../nn/layer.ts";
import { checkedGeometry } from "../nn/layer_tensors.ts";
import type { LifLayer, LifNetwork } from "./network.ts";
import { checkLifParams, SPEC_LIF } from "./neuron.ts";

/**
 * The tensor name prefix of layer n (1-based): "fc3" or "conv1".
 *
 * @example
 * ```ts
 * import { lifTensorPrefix } from "./checkpoint.ts";
 * console.log(lifTensorPrefix({ nIn: 784, nOut: 512 }, 1)); // "fc1"
 * ```
 */
export function lifTensorPrefix(l: LayerGeometry, n: number): string {
  return `${l.conv ? "conv" : "fc"}${n}`;
}

/**
 * The network's tensors by name (weights and biases, as above).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { lifTensors } from "./checkpoint.ts";
 * console.log(Object.keys(lifTensors(initLifNetwork([3, 2], new Rng(0))))); // ["fc1.weight", "fc1.bias"]
 * ```
 */
export function lifTensors(net: LifNetwork): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  net.layers.forEach((l, k) => {
    out[`${lifTensorPrefix(l, k + 1)}.weight`] = tensor(l.w, weightShape(l));
    out[`${lifTensorPrefix(l, k + 1)}.bias`] = tensor(l.b, [biasLength(l)]);
  });
  return out;
}

/**
 * Save a LIF network atomically.
 *
 * @example
 * ```ts ignore
 * await saveLifNetwork("lif.safetensors", net);
 * ```
 */
export async function saveLifNetwork(path: string, net: LifNetwork): Promise<void> {
  const layers = net.layers.map(({ nIn, nOut, conv, avgPool }) => ({ nIn, nOut, conv, avgPool }));
  const tensors = lifTensors(net);
  assertFiniteTensors(tensors, path, true);
  await writeSafetensors(path, tensors, {
    format: "spikeproof",
    kind: "lif",
    lambda: String(net.lambda),
    vth: String(net.vth),
    surrogateSlope: String(net.surrogateSlope),
    layers: JSON.stringify(layers),
  });
}

/**
 * Load a LIF network. A file without metadata (e.g. written from PyTorch) is read as dense
 * fc1, fc2, ... layers with SPEC B1's neuron constants.
 *
 * @example
 * ```ts ignore
 * const net = await loadLifNetwork("lif.safetensors");
 * ```
 */
export async function loadLifNetwork(path: string): Promise<LifNetwork> {
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.kind !== undefined && metadata.kind !== "lif") {
    throw new DataError(`${path} holds a '${metadata.kind}' network, not a LIF network`);
  }
  assertFiniteTensors(tensors, path);
  let geometry: (LayerGeometry & { avgPool?: number })[];
  if (metadata.layers) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(metadata.layers);
    } catch {
      throw new DataError(`${path}: metadata 'layers' is not JSON`);
    }
    // checkedGeometry knows a conv layer's pooling as `pool`; a LIF file calls it `avgPool`.
    const asPool = (l: unknown) => {
      if (typeof l !== "object" || l === null || Array.isArray(l)) return l;
      const { avgPool, ...g } = l as { avgPool?: unknown };
      return { ...g, pool: avgPool };
    };
    geometry = checkedGeometry(Array.isArray(parsed) ? parsed.map(asPool) : parsed, path)
      .map(({ pool, ...g }) => (pool && pool > 1 ? { ...g, avgPool: pool } : g));
  } else {
    const sizes = [];
    for (let n = 1; `fc${n}.weight` in tensors; n++) {
      const [nOut, nIn] = tensors[`fc${n}.weight`].shape;
      if (n === 1) sizes.push(nIn);
      sizes.push(nOut);
    }
    if (sizes.length < 2) throw new DataError(`${path}: no fc1.weight tensor`);
    geometry = denseLayers(sizes);
  }
  const num = (
    key: keyof typeof SPEC_LIF,
  ) => (metadata[key] !== undefined ? Number(metadata[key]) : SPEC_LIF[key]);
  const params = { lambda: num("lambda"), vth: num("vth"), surrogateSlope: num("surrogateSlope") };
  checkLifParams(params);
  const layers: LifLayer[] = geometry.map((g, k) => {
    const p = lifTensorPrefix(g, k + 1), w = tensors[`${p}.weight`], b = tensors[`${p}.bias`];
    if (!w || !b) throw new DataError(`${path}: missing ${p}.weight or ${p}.bias`);
    const layer = { ...g, w: Float64Array.from(w.data), b: Float64Array.from(b.data) };
    checkLayerArrays(layer, layer.w, layer.b, `${path}: ${p}`);
    if (k > 0 && g.nIn !== geometry[k - 1].nOut) {
      throw new DataError(`${path}: ${p} does not chain`);
    }
    return layer;
  });
  return { ...params, layers };
}
