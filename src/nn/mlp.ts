/**
 * An ordinary ReLU multilayer perceptron: the "ReLU twin" that a TTFS network is compared
 * with. It shares only the dense kernels with the SNN, never its code path.
 *
 *   h(0) = x,   z(n) = w(n) h(n-1) + b(n),   h(n) = ReLU(z(n)) for hidden n,   logits = z(L)
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { OptionError, ShapeError } from "../errors.ts";
import { glorotUniform } from "./init.ts";
import type { Rng } from "./rng.ts";

/** One dense layer: w is [nOut, nIn] row-major, b is [nOut]. */
export interface ReluLayer {
  nIn: number;
  nOut: number;
  w: Float64Array;
  b: Float64Array;
}

/** A ReLU MLP: every layer but the last is followed by ReLU; the last gives the logits. */
export interface ReluMlp {
  layers: ReluLayer[];
}

/** What the forward pass keeps for the backward pass. */
export interface ReluForward {
  /** h(0) = x, h(1), ..., h(L-1): the input to each layer, [batch, nIn]. */
  inputs: Float64Array[];
  /** [batch, classes]. */
  logits: Float64Array;
  batch: number;
}

/**
 * A ReLU MLP with Glorot-uniform weights and zero biases.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { initReluMlp } from "./mlp.ts";
 * const net = initReluMlp([784, 340, 10], new Rng(1));
 * console.log(net.layers.length); // 2
 * ```
 */
export function initReluMlp(sizes: number[], rng: Rng): ReluMlp {
  if (sizes.length < 2) throw new OptionError(`need at least 2 layer sizes, got ${sizes.length}`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1) throw new OptionError(`layer size ${s} is not >= 1`);
  }
  const layers: ReluLayer[] = [];
  for (let n = 1; n < sizes.length; n++) {
    const nIn = sizes[n - 1], nOut = sizes[n];
    layers.push({ nIn, nOut, w: glorotUniform(rng, nOut, nIn), b: new Float64Array(nOut) });
  }
  return { layers };
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
export function reluMlpForward(
  net: ReluMlp,
  x: Float64Array,
  batch: number,
  backend: Backend = refBackend,
): ReluForward {
  if (x.length !== batch * net.layers[0].nIn) {
    throw new ShapeError(`input has ${x.length} entries; expected ${batch}x${net.layers[0].nIn}`);
  }
  const inputs: Float64Array[] = [];
  let h = x;
  for (let n = 0; n < net.layers.length; n++) {
    const { nIn, nOut, w, b } = net.layers[n];
    inputs.push(h);
    const z = new Float64Array(batch * nOut);
    backend.denseForward(h, w, b, z, batch, nIn, nOut); // z = w h + b
    if (n < net.layers.length - 1) { for (let k = 0; k < z.length; k++) if (z[k] < 0) z[k] = 0; }
    h = z;
  }
  return { inputs, logits: h, batch };
}

/**
 * Backward pass: gradients of the loss with respect to every w and b, given dL/dlogits.
 * dz(n) = dh(n) * [z(n) > 0];  dw(n) = dz(n)^T h(n-1);  db(n) = sum_b dz(n);  dh(n-1) = dz(n) w(n).
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
    const { nIn, nOut, w } = net.layers[n];
    const h = fwd.inputs[n];
    const dw = new Float64Array(nOut * nIn), db = new Float64Array(nOut);
    backend.denseBackwardWeights(dz, h, dw, db, batch, nIn, nOut);
    grads.unshift(dw, db);
    if (n === 0) break;
    const dh = new Float64Array(batch * nIn);
    backend.denseBackwardInput(dz, w, dh, batch, nIn, nOut);
    for (let k = 0; k < dh.length; k++) if (h[k] <= 0) dh[k] = 0; // ReLU'(z) = [z > 0]
    dz = dh;
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
