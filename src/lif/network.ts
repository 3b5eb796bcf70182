/**
 * A LIF network: spiking hidden layers (dense or conv, optionally avg-pooled after the spikes)
 * and a dense, non-spiking readout (SPEC B1, B2):
 *
 *   I_l[t] = W_l * y_{l-1}[t] + b_l,   u, s from the LIF neuron (neuron.ts)
 *   y_l[t] = avgpool(s_l[t])  (or s_l[t]),   y_0[t] = x[t] (the coded input)
 *   o[t]   = W_L y_{L-1}[t] + b_L   (the readout: logits at step t)
 *
 * Weights are stored as in `nn/layer.ts`: [nOut, nIn] dense, [outC, k, k, inC] conv (NHWC).
 * The geometry's `pool` (max-pool, used by TTFS nets) is never set here: LIF layers pool by
 * averaging, `avgPool`, which commutes with traces and accumulations (it is linear).
 * Every linear map goes through this file, which counts its MACs (cost.ts).
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { OptionError, ShapeError } from "../errors.ts";
import { toLayers } from "../nn/architecture.ts";
import {
  layerBackwardInput,
  layerBackwardWeights,
  layerForward,
  type LayerGeometry,
  neuronsOf,
  poolOf,
} from "../nn/layer.ts";
import { initLayerWeights } from "../nn/mlp.ts";
import { avgPoolBackward, avgPoolForward } from "../nn/pool.ts";
import type { Rng } from "../nn/rng.ts";
import type { CostCounter } from "./cost.ts";
import { checkLifParams, type LifParams, SPEC_LIF } from "./neuron.ts";

/** One weight layer; `avgPool` > 1 average-pools a conv layer's spikes. */
export interface LifLayer extends LayerGeometry {
  /** Weights: [nOut, nIn] (dense) or [outC, k, k, inC] (conv), row-major. */
  w: Float64Array;
  /** Bias: [nOut] (dense) or [outC] (conv, one per channel). */
  b: Float64Array;
  /** Average-pool window over the layer's spikes (conv layers; absent or 1 = none). */
  avgPool?: number;
}

/** Layers and the neuron constants they share. */
export interface LifNetwork extends LifParams {
  /** The spiking hidden layers in order, then the non-spiking readout. */
  layers: LifLayer[];
}

/** Kernels and counter a method computes with. */
export interface Compute {
  /** The kernels every linear map runs on. */
  backend: Backend;
  /** Counts the MACs of the linear maps, if given. */
  cost?: CostCounter;
}

/**
 * Layer geometries for a LIF net: a geometry's max-pool becomes an average pool.
 *
 * @example
 * ```ts
 * import { lifGeometry } from "./network.ts";
 * console.log(lifGeometry([{ nIn: 4, nOut: 2 }])); // [{ nIn: 4, nOut: 2 }]
 * ```
 */
export function lifGeometry(layers: LayerGeometry[]): LayerGeometry[] {
  return layers.map(({ pool, ...l }) => (pool && pool > 1 ? { ...l, avgPool: pool } : l));
}

/**
 * A LIF network with Glorot-uniform weights and zero biases, from sizes [nIn, hidden...,
 * classes] or geometries (see `nn/architecture.ts`); `gain` scales the initial weights.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * const net = initLifNetwork([784, 512, 10], new Rng(0));
 * console.log(net.layers.length, net.lambda); // 2 0.5
 * ```
 */
// spec B1.3
export function initLifNetwork(
  sizes: number[] | LayerGeometry[],
  rng: Rng,
  params: LifParams = SPEC_LIF,
  gain = 1,
): LifNetwork {
  checkLifParams(params);
  const geometry = lifGeometry(toLayers(sizes));
  if (geometry[geometry.length - 1].conv) throw new OptionError("the readout must be dense");
  const layers = geometry.map((l) => {
    const { w, b } = initLayerWeights(l, rng);
    for (let k = 0; k < w.length; k++) w[k] *= gain;
    return { ...l, w, b };
  });
  return { ...params, layers };
}

/**
 * The parameter arrays in gradient order: [w1, b1, w2, b2, ...].
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork, lifParams } from "./network.ts";
 * console.log(lifParams(initLifNetwork([3, 2], new Rng(0))).length); // 2
 * ```
 */
export function lifParams(net: LifNetwork): Float64Array[] {
  return net.layers.flatMap((l) => [l.w, l.b]);
}

/**
 * Zeroed arrays shaped like the parameters, charged to the counter as per-synapse state.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork, zeroGrads } from "./network.ts";
 * console.log(zeroGrads(initLifNetwork([3, 2], new Rng(0)))[0].length); // 6
 * ```
 */
export function zeroGrads(net: LifNetwork, cost?: CostCounter): Float64Array[] {
  const grads = lifParams(net).map((p) => new Float64Array(p.length));
  for (const g of grads) cost?.hold("synapse", g.length);
  return grads;
}

/**
 * Multiply-accumulates of one sample through a layer's linear map: neurons x fan-in.
 *
 * @example
 * ```ts
 * import { layerMacs } from "./network.ts";
 * console.log(layerMacs({ nIn: 784, nOut: 512 })); // 401408
 * ```
 */
// spec B3.4
export function layerMacs(l: LayerGeometry): number {
  return neuronsOf(l) * (l.conv ? l.conv.k * l.conv.k * l.conv.inC : l.nIn);
}

/**
 * Throws ShapeError unless every step of the input has batch x nIn values.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { checkInputs, initLifNetwork } from "./network.ts";
 * checkInputs(initLifNetwork([2, 1], new Rng(0)), [new Float64Array(2)], 1); // fine
 * ```
 */
export function checkInputs(net: LifNetwork, xs: Float64Array[], batch: number): void {
  if (xs.length < 1) throw new ShapeError("the input has no time steps");
  const n = batch * net.layers[0].nIn;
  xs.forEach((x, t) => {
    if (x.length !== n) throw new ShapeError(`input step ${t} has ${x.length} values; need ${n}`);
  });
}

/**
 * I = W * x + biasScale b: the layer's input current (counted as forward MACs).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { refBackend } from "../backend/ref.ts";
 * import { current, initLifNetwork } from "./network.ts";
 * const net = initLifNetwork([2, 1], new Rng(0));
 * console.log(current(net.layers[0], new Float64Array(2), 1, 1, { backend: refBackend })[0]); // 0
 * ```
 */
// spec B1, B3
export function current(
  l: LifLayer,
  x: Float64Array,
  batch: number,
  biasScale: number,
  { backend, cost }: Compute,
): Float64Array {
  if (cost) cost.macsForward += batch * layerMacs(l);
  const bias = biasScale === 1 ? l.b : l.b.map((v) => v * biasScale);
  return layerForward(l, x, l.w, bias, batch, backend);
}

/**
 * gW += dz^T x, gb += biasScale sum dz (counted as backward MACs).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { refBackend } from "../backend/ref.ts";
 * import { initLifNetwork, weightGrad } from "./network.ts";
 * const net = initLifNetwork([1, 1], new Rng(0)), gw = new Float64Array(1), gb = new Float64Array(1);
 * weightGrad(net.layers[0], new Float64Array([2]), new Float64Array([3]), gw, gb, 1, 0.5, { backend: refBackend });
 * console.log(gw[0], gb[0]); // 6 1
 * ```
 */
// spec B2, B3
export function weightGrad(
  l: LifLayer,
  dz: Float64Array,
  x: Float64Array,
  gw: Float64Array,
  gb: Float64Array,
  batch: number,
  biasScale: number,
  { backend, cost }: Compute,
): void {
  if (cost) cost.macsBackward += batch * layerMacs(l);
  cost?.probe?.(); // the state of a step is all allocated by its first weight gradient
  if (biasScale === 1) return layerBackwardWeights(l, dz, x, gw, gb, batch, backend);
  const db = new Float64Array(gb.length);
  layerBackwardWeights(l, dz, x, gw, db, batch, backend);
  for (let i = 0; i < gb.length; i++) gb[i] += biasScale * db[i];
}

/**
 * dL/dy_{l-1} = W^T dz: the error sent to the layer below (counted as backward MACs).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { refBackend } from "../backend/ref.ts";
 * import { initLifNetwork, inputGrad } from "./network.ts";
 * const net = initLifNetwork([2, 1], new Rng(0));
 * console.log(inputGrad(net.layers[0], new Float64Array([1]), 1, { backend: refBackend }).length); // 2
 * ```
 */
// spec B2, B3
export function inputGrad(
  l: LifLayer,
  dz: Float64Array,
  batch: number,
  { backend, cost }: Compute,
): Float64Array {
  if (cost) cost.macsBackward += batch * layerMacs(l);
  return layerBackwardInput(l, dz, l.w, batch, backend);
}

/**
 * y = avgpool(s) (the layer's output to the next layer), or s itself without a pool.
 *
 * @example
 * ```ts
 * import { pooled } from "./network.ts";
 * const l = { nIn: 4, nOut: 1, w: new Float64Array(4), b: new Float64Array(1) };
 * console.log(pooled(l, new Float64Array([1]), 1)[0]); // 1
 * ```
 */
// spec B1
export function pooled(l: LifLayer, s: Float64Array, batch: number): Float64Array {
  const g = poolOf({ ...l, pool: l.avgPool });
  return g ? avgPoolForward(s, batch, g) : s;
}

/**
 * dL/ds from dL/dy: the avg-pool backward (each input of a window gets dy / size^2).
 *
 * @example
 * ```ts
 * import { unpooled } from "./network.ts";
 * const l = { nIn: 4, nOut: 1, w: new Float64Array(4), b: new Float64Array(1) };
 * console.log(unpooled(l, new Float64Array([2]), 1)[0]); // 2
 * ```
 */
// spec B2
export function unpooled(l: LifLayer, dy: Float64Array, batch: number): Float64Array {
  const g = poolOf({ ...l, pool: l.avgPool });
  return g ? avgPoolBackward(dy, batch, g) : dy;
}
