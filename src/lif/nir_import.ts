/**
 * NIR graphs back into LIF networks (docs/nir.md; the mapping is in `nir.ts`): a chain Input ->
 * (Conv2d | Affine | Linear) -> (LIF | IF) [-> AvgPool2d] ... [Flatten] ... -> Affine -> Output,
 * walked once with the running NIR shape. Each refusal names the node:
 *
 *   DataError    a node type spikeproof cannot map, a missing field, a graph that is not one
 *                chain, a layout spikeproof's layers cannot hold (stride, dilation, groups,
 *                overlapping pools, two linear maps in a row, a spiking last layer, v_leak,
 *                neuron constants that vary), a hard reset without `lossyReset`
 *   ShapeError   shapes that do not chain (an edge whose two ends disagree)
 *   ValueError   a NaN or infinite array element, or tau < dt
 *
 * lambda is 1 - dt/tau (1 for IF); when the node's metadata holds the lambda that maps to this
 * very tau (what `lifToNir` writes), that lambda is taken, so that a round trip is exact. An
 * input gain dt r / tau other than 1 (e.g. Norse's r = 1) is folded into the layer's weights.
 *
 * @module
 */
import { DataError, ShapeError, ValueError } from "../errors.ts";
import {
  isNirArray,
  isNirGraph,
  nirChain,
  type NirDocument,
  type NirGraph,
  type NirNode,
} from "../io/nir.ts";
import {
  checkNirFinite,
  nirField,
  nirFloats,
  nirMetaNumber,
  nirPair,
  nirUniform,
  sameShape,
} from "../io/nir_fields.ts";
import type { LifLayer, LifNetwork } from "./network.ts";
import { SPEC_LIF } from "./neuron.ts";
import { NIR_DT, permuteColumns, permuteConvWeight } from "./nir.ts";

/** Options of {@link nirToLif}. */
export interface NirToLifOptions {
  /** The time step (default: the graph's metadata dt, else {@link NIR_DT}). */
  dt?: number;
  /** Read a neuron without reset_mechanism "subtract" metadata (a hard reset) as a soft reset. */
  lossyReset?: boolean;
  /** The surrogate slope (default: the graph's metadata surrogate_slope, else SPEC B1's 4). */
  surrogateSlope?: number;
}

/** The state of the walk along the chain. */
interface Walk {
  dt: number;
  lossyReset: boolean;
  /** The NIR shape of the current node's output. */
  shape: number[];
  /** The finished layers. */
  layers: LifLayer[];
  /** The linear map waiting for its neuron (or, at the Output, the readout). */
  open?: LifLayer;
  /** The [C, H, W] a Flatten flattened: the next Affine's columns come in that order. */
  chw?: number[];
  /** lambda, V_th and the node that set them. */
  neuron?: { lambda: number; vth: number; name: string };
}

const SUPPORTED = ["Input", "Affine", "Linear", "Conv2d", "LIF", "IF", "AvgPool2d", "Flatten"];

const label = (name: string, node: NirNode) => `NIR node '${name}' (${node.type})`;
/** Affine or Linear: opens a dense layer (columns back to H, W, C order after a Flatten). */
function linear(walk: Walk, name: string, node: NirNode): void {
  const at = label(name, node);
  if (walk.open) throw new DataError(`${at} follows another linear map; need a LIF between`);
  if (walk.shape.length !== 1) {
    throw new ShapeError(`${at} needs a flat input; its input is [${walk.shape}] (add a Flatten)`);
  }
  const { shape } = nirField(node, "weight", at), w0 = nirFloats(node, "weight", at);
  const [nOut, nIn] = shape;
  if (shape.length !== 2 || nIn !== walk.shape[0]) {
    throw new ShapeError(`${at}: weight is [${shape}] but its input is [${walk.shape}]`);
  }
  const b = node.type === "Linear" ? new Float64Array(nOut) : nirFloats(node, "bias", at);
  if (b.length !== nOut) throw new ShapeError(`${at}: bias has ${b.length} values; need ${nOut}`);
  const w = walk.chw ? permuteColumns(w0, nOut, walk.chw, false) : w0;
  walk.open = { nIn, nOut, w, b }, walk.shape = [nOut], walk.chw = undefined;
}

/** Conv2d: opens a conv layer (weights back to OHWI). */
function conv(walk: Walk, name: string, node: NirNode): void {
  const at = label(name, node), [C, H, W] = walk.shape;
  if (walk.open) throw new DataError(`${at} follows another linear map; need a LIF between`);
  const { shape } = nirField(node, "weight", at), w = nirFloats(node, "weight", at);
  const [outC, inC, k, k2] = shape;
  if (walk.shape.length !== 3 || shape.length !== 4 || inC !== C) {
    throw new ShapeError(`${at}: weight is [${shape}] but its input is [${walk.shape}]`);
  }
  const [pad, padW] = nirPair(node, "padding", at, k);
  const plain = [...nirPair(node, "stride", at), ...nirPair(node, "dilation", at)].every((v) =>
    v === 1
  );
  if (
    k !== k2 || pad !== padW || !Number.isInteger(pad) || !plain ||
    nirField(node, "groups", at).v[0] !== 1
  ) {
    throw new DataError(`${at}: spikeproof's conv is square, stride 1, dilation 1, 1 group`);
  }
  if ("input_shape" in node.attrs && !sameShape(nirField(node, "input_shape", at).v, [H, W])) {
    throw new ShapeError(
      `${at}: input_shape is [${nirField(node, "input_shape", at).v}], input [${walk.shape}]`,
    );
  }
  const b = nirFloats(node, "bias", at), outH = H + 2 * pad - k + 1, outW = W + 2 * pad - k + 1;
  if (b.length !== outC) throw new ShapeError(`${at}: bias has ${b.length} values; need ${outC}`);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(`${at}: a ${k}x${k} kernel does not fit [${walk.shape}]`);
  }
  const geometry = { inH: H, inW: W, inC, outC, k, pad };
  walk.open = {
    nIn: H * W * C,
    nOut: outH * outW * outC,
    conv: geometry,
    w: permuteConvWeight(w, outC, k, inC, false),
    b,
  };
  walk.shape = [outC, outH, outW];
}

/** lambda from tau (or 1 for IF), preferring a metadata lambda that maps to this very tau. */
function leak(walk: Walk, node: NirNode, at: string): number {
  if (node.type === "IF") return 1;
  const tau = nirUniform(node, "tau", at, walk.shape), meta = node.metadata?.lambda;
  const m = isNirArray(meta) && meta.data.length === 1 ? Number(meta.data[0]) : NaN;
  const lambda = walk.dt / (1 - m) === tau ? m : 1 - walk.dt / tau;
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new ValueError(`${at}: tau = ${tau} < dt = ${walk.dt} gives lambda = ${lambda}`);
  }
  return lambda;
}

/** LIF or IF: closes the open layer with its neurons (lambda, V_th, reset, input gain). */
function neuron(walk: Walk, name: string, node: NirNode): void {
  const at = label(name, node), layer = walk.open;
  if (!layer) throw new DataError(`${at} does not follow a linear map`);
  const lambda = leak(walk, node, at), vth = nirUniform(node, "v_threshold", at, walk.shape);
  const r = nirUniform(node, "r", at, walk.shape);
  if (node.type === "LIF" && nirUniform(node, "v_leak", at, walk.shape) !== 0) {
    throw new DataError(`${at}: v_leak must be 0`);
  }
  if (node.metadata?.reset_mechanism !== "subtract" && !walk.lossyReset) {
    throw new DataError(
      `${at} resets to v_reset; spikeproof's neuron subtracts V_th (SPEC B1): ` +
        "pass lossyReset (--lossy-reset) to read it as a soft reset",
    );
  }
  const gain = node.type === "IF"
    ? r * walk.dt
    : r * walk.dt / nirUniform(node, "tau", at, walk.shape);
  if (Math.abs(gain - 1) > 1e-12) {
    layer.w = layer.w.map((v) => v * gain), layer.b = layer.b.map((v) => v * gain);
  }
  const first = walk.neuron ??= { lambda, vth, name };
  if (first.lambda !== lambda || first.vth !== vth) {
    throw new DataError(`${at}: lambda ${lambda}, V_th ${vth} differ from '${first.name}''s`);
  }
  walk.layers.push(layer), walk.open = undefined;
}

/** AvgPool2d: the pooling of the last conv layer's spikes. */
function pool(walk: Walk, name: string, node: NirNode): void {
  const at = label(name, node), last = walk.layers[walk.layers.length - 1];
  if (walk.open || !last?.conv || last.avgPool || walk.shape.length !== 3) {
    throw new DataError(`${at} must follow the neurons of a conv layer`);
  }
  const [p, p2] = nirPair(node, "kernel_size", at), stride = nirPair(node, "stride", at);
  if (
    p !== p2 || !sameShape(stride, [p, p]) || !sameShape(nirPair(node, "padding", at), [0, 0]) ||
    p < 1
  ) {
    throw new DataError(`${at}: spikeproof pools square windows, stride = kernel, no padding`);
  }
  const [c, h, w] = walk.shape, shape = [c, Math.floor(h / p), Math.floor(w / p)];
  if (shape[1] < 1 || shape[2] < 1) {
    throw new ShapeError(`${at}: a ${p}x${p} pool does not fit [${walk.shape}]`);
  }
  if (p > 1) last.avgPool = p, last.nOut = shape[0] * shape[1] * shape[2];
  walk.shape = shape;
}

/** Flatten: [C, H, W] to [C * H * W], remembered for the next Affine's columns. */
function flatten(walk: Walk, name: string, node: NirNode): void {
  const at = label(name, node), rank = walk.shape.length;
  if ("input_type" in node.attrs && !sameShape(nirField(node, "input_type", at).v, walk.shape)) {
    throw new ShapeError(
      `${at}: input_type is [${nirField(node, "input_type", at).v}], input [${walk.shape}]`,
    );
  }
  const dim = (key: string, def: number) => {
    const v = key in node.attrs ? nirField(node, key, at).v[0] : def;
    return v < 0 ? v + rank : v;
  };
  const start = dim("start_dim", 1), end = dim("end_dim", -1);
  const kept = rank - (end - start);
  if (kept !== 1 && rank > 1) {
    throw new ShapeError(`${at} leaves ${kept} dims of [${walk.shape}]; need 1`);
  }
  if (rank === 3) walk.chw = walk.shape;
  walk.shape = [walk.shape.reduce((a, b) => a * b, 1)];
}

const STEPS: Record<string, (walk: Walk, name: string, node: NirNode) => void> = {
  Affine: linear,
  Linear: linear,
  Conv2d: conv,
  LIF: neuron,
  IF: neuron,
  AvgPool2d: pool,
  Flatten: flatten,
};

/** The Input node's shape ([n] or [C, H, W]). */
function inputShape(name: string, node: NirNode): number[] {
  const at = label(name, node), shape = nirField(node, "shape", at).v;
  if (
    (shape.length !== 1 && shape.length !== 3) || !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ShapeError(`${at}: shape [${shape}]; spikeproof takes [n] or [C, H, W]`);
  }
  return shape;
}

/** Closes the walk at the Output node: the open linear map is the readout. */
function readout(walk: Walk, name: string, node: NirNode): LifLayer {
  const at = label(name, node), layer = walk.open;
  if (!layer || layer.conv) {
    throw new DataError(`${at}: spikeproof's readout is a dense map straight into the Output`);
  }
  if ("shape" in node.attrs && !sameShape(nirField(node, "shape", at).v, walk.shape)) {
    throw new ShapeError(
      `${at}: shape is [${nirField(node, "shape", at).v}], input [${walk.shape}]`,
    );
  }
  return layer;
}

/**
 * The LIF network of a NIR graph (or document) of the node types `lifToNir` writes; see the
 * module header for what is refused and with which error.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { lifToNir } from "./nir.ts";
 * import { nirToLif } from "./nir_import.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(0));
 * console.log(nirToLif(lifToNir(net)).layers[0].w[0] === net.layers[0].w[0]); // true
 * ```
 */
export function nirToLif(
  source: NirDocument | NirGraph,
  options: NirToLifOptions = {},
): LifNetwork {
  const graph = "graph" in source ? source.graph : source;
  const meta = (key: string, min: number, max?: number) =>
    nirMetaNumber(graph.metadata, key, min, max);
  const chain = nirChain(graph);
  for (const name of chain) {
    const node = graph.nodes[name];
    if (isNirGraph(node) || !(SUPPORTED.includes(node.type) || node.type === "Output")) {
      throw new DataError(
        `NIR node '${name}' has type ${node.type}, which spikeproof does not map; ` +
          `supported: ${SUPPORTED.join(", ")}, Output`,
      );
    }
    for (const [k, v] of Object.entries(node.attrs)) {
      checkNirFinite(v, `${label(name, node)}: ${k}`);
    }
  }
  const nodes = chain.map((name) => [name, graph.nodes[name] as NirNode] as const);
  const walk: Walk = {
    dt: options.dt ?? meta("dt", Number.MIN_VALUE) ?? NIR_DT,
    lossyReset: options.lossyReset ?? false,
    shape: inputShape(...nodes[0]),
    layers: [],
  };
  for (const [name, node] of nodes.slice(1, -1)) STEPS[node.type](walk, name, node);
  const layers = [...walk.layers, readout(walk, ...nodes[nodes.length - 1])];
  return {
    lambda: walk.neuron?.lambda ?? meta("lambda", 0, 1) ?? SPEC_LIF.lambda,
    vth: walk.neuron?.vth ?? meta("v_threshold", Number.MIN_VALUE) ?? SPEC_LIF.vth,
    surrogateSlope: options.surrogateSlope ?? meta("surrogate_slope", Number.MIN_VALUE) ??
      SPEC_LIF.surrogateSlope,
    layers,
  };
}
