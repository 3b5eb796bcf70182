/**
 * LIF networks as NIR graphs (docs/nir.md): `lifToNir` here, `nirToLif` in `nir_import.ts`.
 *
 * Graph. Input -> per hidden layer n: Conv2d "conv{n}" or Affine "fc{n}" (a Flatten "flatten"
 * before the first dense layer after a conv layer), then the neuron "lif{n}" (LIF, or IF when
 * lambda = 1), then AvgPool2d "pool{n}" if the layer pools -> the readout Affine "fc{L}" ->
 * Output. Node names match the checkpoint's tensor names (`checkpoint.ts`). Shapes are NIR's
 * (PyTorch's): images [C, H, W], conv weights [outC, inC, k, k]; spikeproof's NHWC weights are
 * permuted on the way out (and back in), and so are the columns of the first dense layer after
 * a Flatten, which NIR flattens in C, H, W order.
 *
 * Neuron (SPEC B1), at the time step dt = {@link NIR_DT} (1e-4, snnTorch's choice):
 *
 *   spikeproof   u[t] = lambda (u[t-1] - V_th s[t-1]) + I[t],   s[t] = H(u[t] - V_th)
 *   NIR LIF      tau dv/dt = (v_leak - v) + r I,   spike when v > v_threshold, then v = v_reset
 *   Euler at dt  v[t] = (1 - dt/tau) v[t-1] + (dt r / tau) I[t]
 *   so           tau = dt / (1 - lambda),   r = tau / dt,   v_leak = 0,   v_threshold = V_th
 *   lambda = 1   IF (dv/dt = r I): r = 1 / dt
 *
 * Reset. spikeproof subtracts V_th at a spike (soft reset); NIR's LIF and IF set v to v_reset.
 * NIR has no soft reset, so the node carries v_reset = 0 (what a consumer that ignores metadata
 * runs: a hard reset to 0, which differs from spikeproof after any spike with u > V_th) and
 * metadata reset_mechanism = "subtract", spike_condition = "v >= v_threshold" (H(0) = 1, where
 * NIR says v > v_threshold), lambda and dt; `nirToLif` reads a neuron as a soft reset only
 * when its metadata says so, unless told to accept the loss. The graph's metadata keeps dt,
 * lambda, V_th (for a net without hidden layers) and the surrogate slope. TTFS B = 1 nets are not exported (docs/nir.md says why).
 *
 * @module
 */
import { assertFinite, OptionError } from "../errors.ts";
import {
  NIR_VERSION,
  nirArray,
  type NirDocument,
  type NirGraph,
  nirInt64,
  type NirNode,
} from "../io/nir.ts";
import { convOutSize } from "../nn/conv.ts";
import { lifTensorPrefix } from "./checkpoint.ts";
import type { LifLayer, LifNetwork } from "./network.ts";
import { checkLifParams } from "./neuron.ts";

/** The time step of the mapping: NIR's tau = dt / (1 - lambda), r = tau / dt. */
export const NIR_DT = 1e-4;

/** Options of {@link lifToNir}. */
export interface LifToNirOptions {
  /** The time step the NIR time constants are stated at (default {@link NIR_DT}). */
  dt?: number;
}

/** Flat indices of pixel (y, x), channel k: [channels-last (spikeproof), channels-first (NIR)]. */
const chwIndex = (c: number, h: number, w: number) => (y: number, x: number, k: number) => [
  (y * w + x) * c + k,
  (k * h + y) * w + x,
];

/**
 * A weight [rows, H*W*C] with columns in H, W, C order as [rows, C*H*W] (NIR's order), or back
 * with `toNir` false.
 *
 * @example
 * ```ts
 * import { permuteColumns } from "./nir.ts";
 * console.log([...permuteColumns(new Float64Array([1, 2, 3, 4]), 1, [2, 2, 1], true)]); // [1, 3, 2, 4]
 * ```
 */
export function permuteColumns(
  w: Float64Array,
  rows: number,
  [c, h, wd]: number[],
  toNir: boolean,
): Float64Array {
  const n = c * h * wd, out = new Float64Array(w.length), index = chwIndex(c, h, wd);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < wd; x++) {
      for (let k = 0; k < c; k++) {
        const [hwc, chw] = index(y, x, k), [from, to] = toNir ? [hwc, chw] : [chw, hwc];
        for (let r = 0; r < rows; r++) out[r * n + to] = w[r * n + from];
      }
    }
  }
  return out;
}

/**
 * A conv weight [outC, k, k, inC] (OHWI, spikeproof) as [outC, inC, k, k] (OIHW, NIR), or
 * back with `toNir` false.
 *
 * @example
 * ```ts
 * import { permuteConvWeight } from "./nir.ts";
 * console.log([...permuteConvWeight(new Float64Array([1, 2]), 1, 1, 2, true)]); // [1, 2]
 * ```
 */
export function permuteConvWeight(
  w: Float64Array,
  outC: number,
  k: number,
  inC: number,
  toNir: boolean,
): Float64Array {
  const out = new Float64Array(w.length);
  for (let o = 0; o < outC; o++) {
    for (let c = 0; c < inC; c++) {
      for (let p = 0; p < k * k; p++) {
        const ohwi = (o * k * k + p) * inC + c, oihw = (o * inC + c) * k * k + p;
        if (toNir) out[oihw] = w[ohwi];
        else out[ohwi] = w[oihw];
      }
    }
  }
  return out;
}

const filled = (shape: number[], v: number) =>
  nirArray(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape);

/** The neuron node of a hidden layer of `shape` (LIF, or IF when lambda = 1). */
function neuronNode(net: LifNetwork, shape: number[], dt: number): NirNode {
  const metadata = {
    reset_mechanism: "subtract",
    spike_condition: "v >= v_threshold",
    lambda: nirArray(Float64Array.of(net.lambda), []),
    dt: nirArray(Float64Array.of(dt), []),
  };
  const common = { v_threshold: filled(shape, net.vth), v_reset: filled(shape, 0) };
  if (net.lambda === 1) {
    return { type: "IF", attrs: { r: filled(shape, 1 / dt), ...common }, metadata };
  }
  const tau = dt / (1 - net.lambda);
  return {
    type: "LIF",
    attrs: {
      tau: filled(shape, tau),
      r: filled(shape, tau / dt),
      v_leak: filled(shape, 0),
      ...common,
    },
    metadata,
  };
}

/** The linear node of a layer whose input has NIR shape `shape`; returns its output shape. */
function linearNode(l: LifLayer, shape: number[]): { node: NirNode; shape: number[] } {
  const bias = nirArray(Float64Array.from(l.b));
  if (l.conv) {
    const { inH, inW, inC, outC, k, pad } = l.conv, { outH, outW } = convOutSize(l.conv);
    const pair = (v: number) => nirInt64([v, v], [2], { compressed: false });
    const attrs = {
      input_shape: nirInt64([inH, inW], [2], { compressed: false }),
      weight: nirArray(permuteConvWeight(l.w, outC, k, inC, true), [outC, inC, k, k]),
      stride: pair(1),
      padding: pair(pad),
      dilation: pair(1),
      groups: nirInt64([1], []),
      bias,
    };
    return { node: { type: "Conv2d", attrs }, shape: [outC, outH, outW] };
  }
  const w = shape.length === 3 ? permuteColumns(l.w, l.nOut, shape, true) : Float64Array.from(l.w);
  return {
    node: { type: "Affine", attrs: { weight: nirArray(w, [l.nOut, l.nIn]), bias } },
    shape: [l.nOut],
  };
}

/** The pooling node after a conv layer's neurons, and the pooled shape. */
function poolNode(p: number, [c, h, w]: number[]): { node: NirNode; shape: number[] } {
  const attrs = {
    kernel_size: nirInt64([p, p]),
    stride: nirInt64([p, p]),
    padding: nirInt64([0, 0]),
  };
  return { node: { type: "AvgPool2d", attrs }, shape: [c, Math.floor(h / p), Math.floor(w / p)] };
}

/**
 * A LIF network as a NIR document (see the module header for the mapping). Throws OptionError
 * for a bad dt or neuron constants and ValueError (naming the tensor) for a NaN or infinite
 * weight or bias.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { lifToNir } from "./nir.ts";
 * const doc = lifToNir(initLifNetwork([4, 3, 2], new Rng(0)));
 * console.log(doc.graph.edges.map(([a]) => a)); // ["input", "fc1", "lif1", "fc2"]
 * ```
 */
export function lifToNir(net: LifNetwork, options: LifToNirOptions = {}): NirDocument {
  const dt = options.dt ?? NIR_DT;
  if (!(dt > 0 && Number.isFinite(dt))) throw new OptionError(`dt = ${dt}; need a number > 0`);
  checkLifParams(net);
  net.layers.forEach((l, k) => {
    assertFinite(l.w, `${lifTensorPrefix(l, k + 1)}.weight`);
    assertFinite(l.b, `${lifTensorPrefix(l, k + 1)}.bias`);
  });
  const first = net.layers[0].conv;
  let shape = first ? [first.inC, first.inH, first.inW] : [net.layers[0].nIn];
  const nodes: NirGraph["nodes"] = { input: { type: "Input", attrs: { shape: nirInt64(shape) } } };
  const add = (name: string, node: NirNode) => (nodes[name] = node);
  net.layers.forEach((l, k) => {
    if (!l.conv && shape.length === 3) {
      add("flatten", {
        type: "Flatten",
        attrs: {
          start_dim: nirInt64([0], []),
          end_dim: nirInt64([-1], []),
          input_type: nirInt64(shape),
        },
      });
    }
    const linear = linearNode(l, shape);
    add(lifTensorPrefix(l, k + 1), linear.node), (shape = linear.shape);
    if (k === net.layers.length - 1) return;
    add(`lif${k + 1}`, neuronNode(net, shape, dt));
    if (l.avgPool && l.avgPool > 1) {
      const pool = poolNode(l.avgPool, shape);
      add(`pool${k + 1}`, pool.node), (shape = pool.shape);
    }
  });
  add("output", { type: "Output", attrs: { shape: nirInt64(shape) } });
  const names = Object.keys(nodes);
  const edges = names.slice(1).map((b, k) => [names[k], b] as [string, string]);
  const metadata = {
    source: "spikeproof",
    dt: nirArray(Float64Array.of(dt), []),
    lambda: nirArray(Float64Array.of(net.lambda), []),
    v_threshold: nirArray(Float64Array.of(net.vth), []),
    surrogate_slope: nirArray(Float64Array.of(net.surrogateSlope), []),
    readout: "Output carries the logits o[t] at every step; the prediction is argmax sum_t o[t]",
  };
  return { version: NIR_VERSION, graph: { type: "NIRGraph", nodes, edges, metadata } };
}
