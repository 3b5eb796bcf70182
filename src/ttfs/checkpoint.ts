/**
 * TTFS and ReLU checkpoints in safetensors (see `io/safetensors.ts`), named the way PyTorch
 * names a stack of `nn.Linear` / `nn.Conv2d` layers, so weights move both ways. Layer n
 * (n = 1..L, counting every weight layer) is stored as
 *
 *   fc{n}.weight     [nOut, nIn]        W (B = 1 SNN) or w (ReLU), float64 (float32 accepted)
 *   fc{n}.bias       [nOut]             D (B = 1 SNN) or b (ReLU)
 *   conv{n}.weight   [outC, k, k, inC]  a conv layer (OHWI: PyTorch's OIHW is permute(0,3,1,2))
 *   conv{n}.bias     [outC]
 *
 * A general network (the exact mapping's alpha, J, theta; kind "ttfs-general") stores each
 * hidden layer n as fc{n}.alpha [nOut], fc{n}.J [nOut, nIn], fc{n}.theta [nOut], and its
 * readout as fc{L}.weight / fc{L}.bias.
 *
 * Metadata (strings): format = "spikeproof", kind = "ttfs-b1" | "ttfs-general" | "relu-mlp",
 * sizes = JSON layer sizes, layers = JSON layer geometries ({nIn, nOut, conv?, pool?}; needed
 * for conv nets, whose padding and pooling the tensors cannot tell), and for the TTFS kinds
 * intervals = JSON {tmin, tmax}. A dense ReLU file without metadata (written by other code) is
 * read from its fc{n} tensors alone; the flattening between conv and dense layers is NHWC.
 *
 * Every float must be finite: a loader refuses a NaN or infinite element with a DataError
 * naming the file, the tensor and its flat index ("m.safetensors: fc1.weight[123] is NaN"),
 * and a saver refuses to write one (ValueError), intervals included.
 *
 * @module
 */
import { assertFinite, DataError, IntervalError } from "../errors.ts";
import { assertFiniteTensors } from "../io/finite.ts";
import {
  readSafetensors,
  type Safetensors,
  type Tensor,
  tensor,
  writeSafetensors,
} from "../io/safetensors.ts";
import { biasLength, type LayerGeometry, weightShape } from "../nn/layer.ts";
import {
  layerMetadata,
  layerPrefix,
  layerTensors,
  readLayers,
  storedGeometry,
} from "../nn/layer_tensors.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import type { B1Network } from "./b1.ts";
import type { GeneralNetwork } from "./general.ts";
import { type CodingIntervals, validateIntervals } from "./intervals.ts";

/** Parse and check the intervals metadata of a network with `layerCount` layers. */
function intervalsOf(
  metadata: Record<string, string>,
  path: string,
  layerCount: number,
): CodingIntervals {
  let intervals: CodingIntervals;
  try {
    intervals = JSON.parse(metadata.intervals ?? "");
    const { tmin, tmax } = (intervals ?? {}) as Partial<CodingIntervals>;
    if (!Array.isArray(tmin) || !Array.isArray(tmax)) throw new Error("need {tmin: [], tmax: []}");
    validateIntervals(intervals);
  } catch (e) {
    throw new DataError(`${path}: bad intervals metadata (${(e as Error).message})`);
  }
  if (intervals.tmin.length !== layerCount) {
    throw new IntervalError(
      `${path}: ${intervals.tmin.length} intervals for ${layerCount - 1} hidden layers + input`,
    );
  }
  return intervals;
}

/** Throws a ValueError, before anything is written, if a tensor or an interval bound is not finite. */
function assertFiniteToWrite(
  tensors: Record<string, Tensor>,
  intervals: CodingIntervals,
  path: string,
): void {
  assertFiniteTensors(tensors, path, true);
  assertFinite(intervals.tmin, `not writing ${path}: intervals.tmin`);
  assertFinite(intervals.tmax, `not writing ${path}: intervals.tmax`);
}

/**
 * Save a B = 1 TTFS network with its coding intervals.
 *
 * @example
 * ```ts ignore
 * import { saveB1Network } from "./checkpoint.ts";
 * await saveB1Network("fc2.safetensors", net);
 * ```
 */
export async function saveB1Network(path: string, net: B1Network): Promise<void> {
  const layers = net.layers.map(({ W, D, ...geometry }) => ({ geometry, weight: W, bias: D }));
  const tensors = layerTensors(layers);
  assertFiniteToWrite(tensors, net.intervals, path);
  await writeSafetensors(path, tensors, {
    format: "spikeproof",
    kind: "ttfs-b1",
    ...layerMetadata(net.layers),
    intervals: JSON.stringify(net.intervals),
  });
}

/**
 * Load a B = 1 TTFS network saved by {@link saveB1Network}.
 *
 * @example
 * ```ts ignore
 * import { loadB1Network } from "./checkpoint.ts";
 * const net = await loadB1Network("fc2.safetensors");
 * ```
 */
export async function loadB1Network(path: string): Promise<B1Network> {
  return b1FromSafetensors(await readSafetensors(path), path);
}

function b1FromSafetensors({ tensors, metadata }: Safetensors, path: string): B1Network {
  if (metadata.kind !== "ttfs-b1") {
    throw new DataError(`${path}: kind is ${JSON.stringify(metadata.kind)}, not "ttfs-b1"`);
  }
  assertFiniteTensors(tensors, path);
  const layers = readLayers(tensors, metadata, path);
  const intervals = intervalsOf(metadata, path, layers.length);
  return {
    layers: layers.map(({ geometry, weight, bias }) => ({ ...geometry, W: weight, D: bias })),
    intervals,
  };
}

/**
 * Save a ReLU MLP.
 *
 * @example
 * ```ts ignore
 * import { saveReluMlp } from "./checkpoint.ts";
 * await saveReluMlp("relu.safetensors", net);
 * ```
 */
export async function saveReluMlp(path: string, net: ReluMlp): Promise<void> {
  const layers = net.layers.map(({ w, b, ...geometry }) => ({ geometry, weight: w, bias: b }));
  const tensors = layerTensors(layers);
  assertFiniteTensors(tensors, path, true);
  await writeSafetensors(path, tensors, {
    format: "spikeproof",
    kind: "relu-mlp",
    ...layerMetadata(net.layers),
  });
}

/**
 * Load a ReLU MLP: a file from {@link saveReluMlp}, or any safetensors file whose tensors are
 * fc1.weight, fc1.bias, fc2.weight, ... (float32 or float64).
 *
 * @example
 * ```ts ignore
 * import { loadReluMlp } from "./checkpoint.ts";
 * const relu = await loadReluMlp("from_pytorch.safetensors");
 * ```
 */
export async function loadReluMlp(path: string): Promise<ReluMlp> {
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.kind !== undefined && metadata.kind !== "relu-mlp") {
    throw new DataError(`${path}: kind is ${JSON.stringify(metadata.kind)}, not "relu-mlp"`);
  }
  assertFiniteTensors(tensors, path);
  return {
    layers: readLayers(tensors, metadata, path).map(({ geometry, weight, bias }) => ({
      ...geometry,
      w: weight,
      b: bias,
    })),
  };
}

/**
 * Save a general TTFS network (alpha, J, theta hidden layers and a readout).
 *
 * @example
 * ```ts ignore
 * import { saveGeneralNetwork } from "./checkpoint.ts";
 * await saveGeneralNetwork("mapped.safetensors", mapReluExactly(relu, x, n).snn);
 * ```
 */
export async function saveGeneralNetwork(path: string, net: GeneralNetwork): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  net.hidden.forEach((l, k) => {
    const name = layerPrefix(l, k + 1);
    tensors[`${name}.alpha`] = tensor(l.alpha, [biasLength(l)]);
    tensors[`${name}.J`] = tensor(l.J, weightShape(l));
    tensors[`${name}.theta`] = tensor(l.theta, [biasLength(l)]);
  });
  const { W, D, ...readout } = net.readout, L = net.hidden.length + 1;
  tensors[`fc${L}.weight`] = tensor(W, weightShape(readout));
  tensors[`fc${L}.bias`] = tensor(D, [readout.nOut]);
  assertFiniteToWrite(tensors, net.intervals, path);
  await writeSafetensors(path, tensors, {
    format: "spikeproof",
    kind: "ttfs-general",
    ...layerMetadata([...net.hidden, readout]),
    intervals: JSON.stringify(net.intervals),
  });
}

/**
 * Load a general TTFS network saved by {@link saveGeneralNetwork}.
 *
 * @example
 * ```ts ignore
 * import { loadGeneralNetwork } from "./checkpoint.ts";
 * const snn = await loadGeneralNetwork("mapped.safetensors");
 * ```
 */
export async function loadGeneralNetwork(path: string): Promise<GeneralNetwork> {
  return generalFromSafetensors(await readSafetensors(path), path);
}

function generalFromSafetensors({ tensors, metadata }: Safetensors, path: string): GeneralNetwork {
  if (metadata.kind !== "ttfs-general") {
    throw new DataError(`${path}: kind is ${JSON.stringify(metadata.kind)}, not "ttfs-general"`);
  }
  assertFiniteTensors(tensors, path);
  const f64 = (name: string, shape: number[]): Float64Array => {
    const t = tensors[name];
    if (!t) throw new DataError(`${path}: missing tensor ${name}`);
    if (t.shape.join() !== shape.join() || (t.dtype !== "F64" && t.dtype !== "F32")) {
      throw new DataError(`${path}: ${name} is ${t.dtype} [${t.shape}], expected F64 [${shape}]`);
    }
    return Float64Array.from(t.data);
  };
  const layers: LayerGeometry[] = [];
  if (metadata.layers !== undefined) layers.push(...storedGeometry(metadata.layers, path));
  else {
    for (let n = 1; `fc${n}.J` in tensors || `fc${n}.weight` in tensors; n++) {
      const t = tensors[`fc${n}.J`] ?? tensors[`fc${n}.weight`], [nOut, nIn] = t.shape;
      if (t.shape.length !== 2 || (n > 1 && nIn !== layers[n - 2].nOut)) {
        throw new DataError(`${path}: fc${n} [${t.shape}] does not follow fc${n - 1}`);
      }
      layers.push({ nIn, nOut });
    }
    if (!layers.length) throw new DataError(`${path}: no fc1.J or fc1.weight tensor`);
  }
  const hidden = layers.slice(0, -1).map((g, k) => {
    const name = layerPrefix(g, k + 1), rows = [biasLength(g)];
    const alpha = f64(`${name}.alpha`, rows), theta = f64(`${name}.theta`, rows);
    return { ...g, alpha, J: f64(`${name}.J`, weightShape(g)), theta };
  });
  const L = layers.length, last = layers[L - 1];
  const readout = {
    ...last,
    W: f64(`fc${L}.weight`, weightShape(last)),
    D: f64(`fc${L}.bias`, [last.nOut]),
  };
  if (Object.keys(tensors).length !== 3 * hidden.length + 2) {
    throw new DataError(`${path}: unexpected tensors beside layers 1..${L}`);
  }
  return { hidden, readout, intervals: intervalsOf(metadata, path, L) };
}

/** A TTFS network of either parametrization, as {@link loadTtfsNetwork} returns it. */
export type AnyTtfsNetwork =
  | { kind: "ttfs-b1"; net: B1Network }
  | { kind: "ttfs-general"; net: GeneralNetwork };

/**
 * Load any TTFS checkpoint: a B = 1 network or a general one, by its `kind` metadata.
 *
 * @example
 * ```ts ignore
 * import { loadTtfsNetwork } from "./checkpoint.ts";
 * const { kind, net } = await loadTtfsNetwork("model.safetensors");
 * ```
 */
export async function loadTtfsNetwork(path: string): Promise<AnyTtfsNetwork> {
  const file = await readSafetensors(path);
  if (file.metadata.kind === "ttfs-general") {
    return { kind: "ttfs-general", net: generalFromSafetensors(file, path) };
  }
  return { kind: "ttfs-b1", net: b1FromSafetensors(file, path) };
}
