/**
 * The geometry of one weight layer, dense or convolutional, and the linear map it applies.
 * Every network in the library (ReLU twin, B = 1 SNN, general SNN, LIF) is a list of these;
 * the nonlinearity is the model's own, the linear part and the pooling are shared here.
 *
 *   dense:  W [nOut, nIn],           bias [nOut],  z = W x + bias              (nOut outputs)
 *   conv:   W [outC, k, k, inC],     bias [outC],  z = conv(x, W) + bias        (see conv.ts)
 *           then, if pool > 1, a pool x pool max-pool after the nonlinearity; nOut is the
 *           pooled size outH/pool * outW/pool * outC, the next layer's nIn (NHWC, flattened).
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { OptionError, ShapeError } from "../errors.ts";
import {
  convBackwardInput,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
  convOutSize,
} from "./conv.ts";
import type { PoolGeometry } from "./pool.ts";

/** What a layer maps from and to. Without `conv` the layer is dense. */
export interface LayerGeometry {
  /** Inputs per sample (for conv: inH * inW * inC). */
  nIn: number;
  /** Outputs per sample after pooling (the next layer's nIn). */
  nOut: number;
  /** Present for a convolutional layer. */
  conv?: ConvGeometry;
  /** Max-pool window after the nonlinearity (conv layers only; absent or 1 = none). */
  pool?: number;
}

/**
 * Outputs per sample before pooling: the number of neurons of the layer.
 *
 * @example
 * ```ts
 * import { neuronsOf } from "./layer.ts";
 * const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
 * console.log(neuronsOf({ nIn: 16, nOut: 8, conv, pool: 2 })); // 32
 * ```
 */
export function neuronsOf(l: LayerGeometry): number {
  if (!l.conv) return l.nOut;
  const { outH, outW } = convOutSize(l.conv);
  return outH * outW * l.conv.outC;
}

/**
 * The pooling after a conv layer, or undefined.
 *
 * @example
 * ```ts
 * import { poolOf } from "./layer.ts";
 * const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
 * console.log(poolOf({ nIn: 16, nOut: 8, conv, pool: 2 })); // { h: 4, w: 4, c: 2, size: 2 }
 * ```
 */
export function poolOf(l: LayerGeometry): PoolGeometry | undefined {
  if (!l.conv || !l.pool || l.pool === 1) return undefined;
  const { outH, outW } = convOutSize(l.conv);
  return { h: outH, w: outW, c: l.conv.outC, size: l.pool };
}

/**
 * The weight tensor's shape: [nOut, nIn] (dense) or [outC, k, k, inC] (conv).
 *
 * @example
 * ```ts
 * import { weightShape } from "./layer.ts";
 * console.log(weightShape({ nIn: 784, nOut: 340 })); // [340, 784]
 * ```
 */
export function weightShape(l: LayerGeometry): number[] {
  return l.conv ? [l.conv.outC, l.conv.k, l.conv.k, l.conv.inC] : [l.nOut, l.nIn];
}

/**
 * Number of biases: nOut (dense) or outC (conv).
 *
 * @example
 * ```ts
 * import { biasLength } from "./layer.ts";
 * console.log(biasLength({ nIn: 3, nOut: 2 })); // 2
 * ```
 */
export function biasLength(l: LayerGeometry): number {
  return l.conv ? l.conv.outC : l.nOut;
}

/**
 * Throws ShapeError unless W and bias have the sizes the geometry asks for.
 *
 * @example
 * ```ts
 * import { checkLayerArrays } from "./layer.ts";
 * checkLayerArrays({ nIn: 2, nOut: 1 }, new Float64Array(2), new Float64Array(1), "fc1");
 * ```
 */
export function checkLayerArrays(
  l: LayerGeometry,
  W: Float64Array,
  bias: Float64Array,
  name: string,
): void {
  const shape = weightShape(l), size = shape.reduce((a, b) => a * b, 1);
  if (W.length !== size || bias.length !== biasLength(l)) {
    throw new ShapeError(
      `${name}: weight has ${W.length} values and bias ${bias.length}; the layer needs ` +
        `[${shape}] and [${biasLength(l)}]`,
    );
  }
}

/**
 * z [batch, neurons] = the layer's linear map of x [batch, nIn] (before the nonlinearity).
 *
 * @example
 * ```ts
 * import { layerForward } from "./layer.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const z = layerForward({ nIn: 2, nOut: 1 }, new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([1]), 1, refBackend);
 * console.log(z[0]); // 12
 * ```
 */
// spec A5, A8, B1
export function layerForward(
  l: LayerGeometry,
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  batch: number,
  backend: Backend,
): Float64Array {
  const z = new Float64Array(batch * neuronsOf(l));
  if (l.conv) convForward(x, W, bias, z, batch, l.conv, backend);
  else backend.denseForward(x, W, bias, z, batch, l.nIn, l.nOut);
  return z;
}

/**
 * dW += dL/dW, dbias += dL/dbias, given dz = dL/dz [batch, neurons] and the layer input x.
 *
 * @example
 * ```ts
 * import { layerBackwardWeights } from "./layer.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const dW = new Float64Array(2), db = new Float64Array(1);
 * layerBackwardWeights({ nIn: 2, nOut: 1 }, new Float64Array([2]), new Float64Array([1, 3]), dW, db, 1, refBackend);
 * console.log([...dW], db[0]); // [2, 6] 2
 * ```
 */
// spec A7, A8, B2
export function layerBackwardWeights(
  l: LayerGeometry,
  dz: Float64Array,
  x: Float64Array,
  dW: Float64Array,
  dbias: Float64Array,
  batch: number,
  backend: Backend,
): void {
  if (l.conv) convBackwardWeights(dz, x, dW, dbias, batch, l.conv, backend);
  else backend.denseBackwardWeights(dz, x, dW, dbias, batch, l.nIn, l.nOut);
}

/**
 * dL/dx [batch, nIn] given dz = dL/dz [batch, neurons].
 *
 * @example
 * ```ts
 * import { layerBackwardInput } from "./layer.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const dx = layerBackwardInput({ nIn: 2, nOut: 1 }, new Float64Array([2]), new Float64Array([3, 4]), 1, refBackend);
 * console.log([...dx]); // [6, 8]
 * ```
 */
// spec A7, A8, B2
export function layerBackwardInput(
  l: LayerGeometry,
  dz: Float64Array,
  W: Float64Array,
  batch: number,
  backend: Backend,
): Float64Array {
  const dx = new Float64Array(batch * l.nIn);
  if (l.conv) convBackwardInput(dz, W, dx, batch, l.conv, backend);
  else backend.denseBackwardInput(dz, W, dx, batch, l.nIn, l.nOut);
  return dx;
}

/**
 * Throws OptionError if any layer is convolutional: for analyses defined on dense nets only.
 *
 * @example
 * ```ts
 * import { assertDense } from "./layer.ts";
 * assertDense([{ nIn: 2, nOut: 1 }], "the Jacobian analysis"); // fine
 * ```
 */
export function assertDense(layers: LayerGeometry[], what: string): void {
  if (layers.some((l) => l.conv)) {
    throw new OptionError(`${what} is defined for dense networks only; this one has conv layers`);
  }
}
