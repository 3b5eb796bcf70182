/**
 * An ordinary ReLU network, dense or convolutional: the "ReLU twin" that a TTFS network is
 * compared with. It shares only the linear kernels (`layer.ts`) with the SNN, never its code
 * path.
 *
 *   h(0) = x,   z(n) = w(n) * h(n-1) + b(n),   h(n) = pool(ReLU(z(n))) for hidden n,
 *   logits = z(L),   where * is the dense or conv map and pool the max-pool, if any.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { ShapeError } from "../errors.ts";
import { toLayers } from "./architecture.ts";
import { glorotUniform } from "./init.ts";
import {
  biasLength,
  layerBackwardInput,
  layerBackwardWeights,
  layerForward,
  type LayerGeometry,
  poolOf,
} from "./layer.ts";
import { gatherAt, poolArgmax, scatterAt } from "./pool.ts";
import type { Rng } from "./rng.ts";

/** One layer: w is [nOut, nIn] (dense) or [outC, k, k, inC] (conv), b is its bias. */
export interface ReluLayer extends LayerGeometry {
  /** Weights: [nOut, nIn] (dense) or [outC, k, k, inC] (conv), row-major. */
  w: Float64Array;
  /** Bias: [nOut] (dense) or [outC] (conv, one per channel). */
  b: Float64Array;
}

/** A ReLU network: every layer but the last is followed by ReLU; the last gives the logits. */
export interface ReluMlp {
  /** The layers in order, input first; the last is the readout. */
  layers: ReluLayer[];
}

/** What the forward pass keeps for the backward pass. */
export interface ReluForward {
  /** h(0) = x, h(1), ..., h(L-1): the input to each layer, [batch, nIn]. */
  inputs: Float64Array[];
  /** Per layer, the winners of its max-pool (see `poolArgmax`), or undefined. */
  poolIndex: (Int32Array | undefined)[];
  /** Per hidden layer, 1 where ReLU passes (z > 0), before pooling. */
  on: Uint8Array[];
  /** Per hidden layer, the largest activation over the batch (0 if none is positive). */
  maxActivation: number[];
  /** [batch, classes]. */
  logits: Float64Array;
  /** Samples in the batch. */
  batch: number;
}

/**
 * Glorot-uniform weights and zero biases for a layer geometry (Keras' fans for conv).
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initLayerWeights } from "./mlp.ts";
 * console.log(initLayerWeights({ nIn: 3, nOut: 2 }, new Rng(0)).w.length); // 6
 * ```
 */
// spec A10
export function initLayerWeights(
  l: LayerGeometry,
  rng: Rng,
): { w: Float64Array; b: Float64Array } {
  const w = l.conv
    ? glorotUniform(rng, l.conv.outC, l.conv.k ** 2 * l.conv.inC, l.conv.k ** 2 * l.conv.outC)
    : glorotUniform(rng, l.nOut, l.nIn);
  return { w, b: new Float64Array(biasLength(l)) };
}

/**
 * A ReLU network with Glorot-uniform weights and zero biases, from layer sizes
 * [nIn, hidden..., classes] (dense) or layer geometries (see `buildLayers`).
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initReluMlp } from "./mlp.ts";
 * const net = initReluMlp([784, 340, 10], new Rng(1));
 * console.log(net.layers.length); // 2
 * ```
 */
// spec A10
export function initReluMlp(sizes: number[] | LayerGeometry[], rng: Rng): ReluMlp {
  return { layers: toLayers(sizes).map((l) => ({ ...l, ...initLayerWeights(l, rng) })) };
}

/**
 * Forward pass on a batch x [batch, nIn].
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initReluMlp, reluMlpForward } from "./mlp.ts";
 * const net = initReluMlp([2, 3, 2], new Rng(1));
 * console.log(reluMlpForward(net, new Float64Array([0.5, 1]), 1).logits.length); // 2
 * ```
 */
// spec A5, A6
export function reluMlpForward(
  net: ReluMlp,
  x: Float64Array,
  batch: number,
  backend: Backend = refBackend,
): ReluForward {
  if (x.length !== batch * net.layers[0].nIn) {
    throw new ShapeError(`input has ${x.length} entries; expected ${batch}x${net.layers[0].nIn}`);
  }
  const inputs: Float64Array[] = [], poolIndex: (Int32Array | undefined)[] = [];
  const on: Uint8Array[] = [], maxActivation: number[] = [];
  let h = x;
  for (let n = 0; n < net.layers.length; n++) {
    const layer = net.layers[n];
    inputs.push(h);
    const z = layerForward(layer, h, layer.w, layer.b, batch, backend); // z = w * h + b
    const pool = poolOf(layer);
    poolIndex.push(pool && poolArgmax(z, batch, pool));
    if (n === net.layers.length - 1) h = z;
    else {
      const mask = new Uint8Array(z.length);
      let max = 0;
      for (let k = 0; k < z.length; k++) {
        mask[k] = +(z[k] > 0);
        if (!mask[k]) z[k] = 0;
        else if (z[k] > max) max = z[k];
      }
      on.push(mask);
      maxActivation.push(max);
      h = pool ? gatherAt(z, poolIndex[n]!) : z; // max-pool after ReLU (ReLU commutes with max)
    }
  }
  return { inputs, poolIndex, on, maxActivation, logits: h, batch };
}

/**
 * Backward pass: gradients of the loss with respect to every w and b, given dL/dlogits.
 * dz(n) = unpool(dh(n)) * [z(n) > 0];  dw(n) = dz(n)^T h(n-1);  db(n) = sum_b dz(n);
 * dh(n-1) = dz(n) w(n) (for conv: the same on patches, folded back onto pixels).
 * Returns [dw1, db1, dw2, db2, ...], the order of {@link reluMlpParams}.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initReluMlp, reluMlpBackward, reluMlpForward } from "./mlp.ts";
 * const net = initReluMlp([2, 2], new Rng(1));
 * const fwd = reluMlpForward(net, new Float64Array([1, 1]), 1);
 * console.log(reluMlpBackward(net, fwd, new Float64Array([1, 0])).length); // 2
 * ```
 */
// spec A7
export function reluMlpBackward(
  net: ReluMlp,
  fwd: ReluForward,
  dLogits: Float64Array,
  backend: Backend = refBackend,
): Float64Array[] {
  const { batch } = fwd;
  const grads: Float64Array[] = [];
  let dz = dLogits;
  for (let n = net.layers.length - 1; n >= 0; n--) {
    const layer = net.layers[n];
    const dw = new Float64Array(layer.w.length), db = new Float64Array(layer.b.length);
    layerBackwardWeights(layer, dz, fwd.inputs[n], dw, db, batch, backend);
    grads.unshift(dw, db);
    if (n === 0) break;
    const dh = layerBackwardInput(layer, dz, layer.w, batch, backend), idx = fwd.poolIndex[n - 1];
    dz = idx ? scatterAt(dh, idx, fwd.on[n - 1].length) : dh; // max-pool: to the window's winner
    const mask = fwd.on[n - 1];
    for (let k = 0; k < dz.length; k++) if (!mask[k]) dz[k] = 0; // ReLU'(z) = [z > 0]
  }
  return grads;
}

/**
 * The parameter arrays in gradient order: [w1, b1, w2, b2, ...].
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initReluMlp, reluMlpParams } from "./mlp.ts";
 * console.log(reluMlpParams(initReluMlp([3, 2], new Rng(0))).length); // 2
 * ```
 */
export function reluMlpParams(net: ReluMlp): Float64Array[] {
  return net.layers.flatMap((l) => [l.w, l.b]);
}
