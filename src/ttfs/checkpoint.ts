/**
 * TTFS and ReLU checkpoints in safetensors (see `io/safetensors.ts`), named the way PyTorch
 * names a stack of `nn.Linear` layers, so weights move both ways:
 *
 *   fc{n}.weight   [nOut, nIn]   W (B = 1 SNN) or w (ReLU), n = 1..L, float64 (float32 accepted)
 *   fc{n}.bias     [nOut]        D (B = 1 SNN) or b (ReLU)
 *
 * A general network (the exact mapping's alpha, J, theta; kind "ttfs-general") stores each
 * hidden layer n as fc{n}.alpha [nOut], fc{n}.J [nOut, nIn], fc{n}.theta [nOut], and its
 * readout as fc{L}.weight / fc{L}.bias.
 *
 * Metadata (strings): format = "spikeproof", kind = "ttfs-b1" | "ttfs-general" | "relu-mlp",
 * sizes = JSON layer sizes, and for the TTFS kinds intervals = JSON {tmin, tmax}.
 * A ReLU file without metadata (written by other code) is read from its fc{n} tensors alone.
 *
 * @module
 */
import { DataError, IntervalError } from "../errors.ts";
import {
  readSafetensors,
  type Safetensors,
  type Tensor,
  tensor,
  writeSafetensors,
} from "../io/safetensors.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import type { B1Network } from "./b1.ts";
import type { GeneralNetwork } from "./general.ts";
import { type CodingIntervals, validateIntervals } from "./intervals.ts";

type Dense = { nIn: number; nOut: number; weight: Float64Array; bias: Float64Array };

function denseTensors(layers: Dense[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  layers.forEach((l, k) => {
    out[`fc${k + 1}.weight`] = tensor(l.weight, [l.nOut, l.nIn]);
    out[`fc${k + 1}.bias`] = tensor(l.bias, [l.nOut]);
  });
  return out;
}

/** Read fc1, fc2, ... as float64 dense layers, checking that shapes chain. */
function denseLayers(tensors: Record<string, Tensor>, path: string): Dense[] {
  const layers: Dense[] = [];
  for (let n = 1; `fc${n}.weight` in tensors; n++) {
    const w = tensors[`fc${n}.weight`], b = tensors[`fc${n}.bias`];
    if (!b) throw new DataError(`${path}: fc${n}.weight has no fc${n}.bias`);
    for (const t of [w, b]) {
      if (t.dtype !== "F64" && t.dtype !== "F32") {
        throw new DataError(`${path}: fc${n} has dtype ${t.dtype}; expected F64 or F32`);
      }
    }
    if (w.shape.length !== 2 || b.shape.length !== 1 || b.shape[0] !== w.shape[0]) {
      throw new DataError(
        `${path}: fc${n}.weight [${w.shape}] and fc${n}.bias [${b.shape}] do not match`,
      );
    }
    const [nOut, nIn] = w.shape;
    if (n > 1 && nIn !== layers[n - 2].nOut) {
      throw new DataError(
        `${path}: fc${n}.weight takes ${nIn} inputs but fc${n - 1} has ${
          layers[n - 2].nOut
        } outputs`,
      );
    }
    layers.push({ nIn, nOut, weight: Float64Array.from(w.data), bias: Float64Array.from(b.data) });
  }
  if (!layers.length) throw new DataError(`${path}: no fc1.weight tensor`);
  const expected = new Set(layers.flatMap((_, k) => [`fc${k + 1}.weight`, `fc${k + 1}.bias`]));
  const extra = Object.keys(tensors).filter((k) => !expected.has(k));
  if (extra.length) throw new DataError(`${path}: unexpected tensors ${extra.join(", ")}`);
  return layers;
}

/** Parse and check the intervals metadata of a network with `layerCount` layers. */
function intervalsOf(
  metadata: Record<string, string>,
  path: string,
  layerCount: number,
): CodingIntervals {
  let intervals: CodingIntervals;
  try {
    intervals = JSON.parse(metadata.intervals ?? "");
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

function sizesOf(layers: Dense[]): number[] {
  return [layers[0].nIn, ...layers.map((l) => l.nOut)];
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
  const layers = net.layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, weight: l.W, bias: l.D }));
  await writeSafetensors(path, denseTensors(layers), {
    format: "spikeproof",
    kind: "ttfs-b1",
    sizes: JSON.stringify(sizesOf(layers)),
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
  const layers = denseLayers(tensors, path);
  const intervals = intervalsOf(metadata, path, layers.length);
  return {
    layers: layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, W: l.weight, D: l.bias })),
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
  const layers = net.layers.map((l) => ({ nIn: l.nIn, nOut: l.nOut, weight: l.w, bias: l.b }));
  await writeSafetensors(path, denseTensors(layers), {
    format: "spikeproof",
    kind: "relu-mlp",
    sizes: JSON.stringify(sizesOf(layers)),
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
  return {
    layers: denseLayers(tensors, path).map((l) => ({
      nIn: l.nIn,
      nOut: l.nOut,
      w: l.weight,
      b: l.bias,
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
    tensors[`fc${k + 1}.alpha`] = tensor(l.alpha, [l.nOut]);
    tensors[`fc${k + 1}.J`] = tensor(l.J, [l.nOut, l.nIn]);
    tensors[`fc${k + 1}.theta`] = tensor(l.theta, [l.nOut]);
  });
  const { nIn, nOut, W, D } = net.readout, L = net.hidden.length + 1;
  tensors[`fc${L}.weight`] = tensor(W, [nOut, nIn]);
  tensors[`fc${L}.bias`] = tensor(D, [nOut]);
  const sizes = [
    net.hidden.length ? net.hidden[0].nIn : nIn,
    ...net.hidden.map((l) => l.nOut),
    nOut,
  ];
  await writeSafetensors(path, tensors, {
    format: "spikeproof",
    kind: "ttfs-general",
    sizes: JSON.stringify(sizes),
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
  const f64 = (name: string, shape: number[]): Float64Array => {
    const t = tensors[name];
    if (!t) throw new DataError(`${path}: missing tensor ${name}`);
    if (t.shape.join() !== shape.join() || (t.dtype !== "F64" && t.dtype !== "F32")) {
      throw new DataError(`${path}: ${name} is ${t.dtype} [${t.shape}], expected F64 [${shape}]`);
    }
    return Float64Array.from(t.data);
  };
  const hidden: GeneralNetwork["hidden"] = [];
  for (let n = 1; `fc${n}.J` in tensors; n++) {
    const [nOut, nIn] = tensors[`fc${n}.J`].shape;
    if (n > 1 && nIn !== hidden[n - 2].nOut) {
      throw new DataError(
        `${path}: fc${n}.J takes ${nIn} inputs but fc${n - 1} has ${hidden[n - 2].nOut}`,
      );
    }
    const alpha = f64(`fc${n}.alpha`, [nOut]), theta = f64(`fc${n}.theta`, [nOut]);
    hidden.push({ nIn, nOut, alpha, J: f64(`fc${n}.J`, [nOut, nIn]), theta });
  }
  const L = hidden.length + 1, w = tensors[`fc${L}.weight`];
  if (!w || w.shape.length !== 2) throw new DataError(`${path}: missing readout fc${L}.weight`);
  const [nOut, nIn] = w.shape;
  if (hidden.length && nIn !== hidden[L - 2].nOut) {
    throw new DataError(
      `${path}: fc${L}.weight takes ${nIn} inputs but fc${L - 1} has ${hidden[L - 2].nOut}`,
    );
  }
  const readout = {
    nIn,
    nOut,
    W: f64(`fc${L}.weight`, [nOut, nIn]),
    D: f64(`fc${L}.bias`, [nOut]),
  };
  if (Object.keys(tensors).length !== 3 * hidden.length + 2) {
    throw new DataError(`${path}: unexpected tensors beside fc1..fc${L}`);
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
