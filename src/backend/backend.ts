/**
 * The Backend interface: the few dense primitives the models need. The models call these and
 * never know which implementation runs. `ref.ts` is the float64 TypeScript ground truth.
 *
 * Memory layout (every backend): row-major Float64Array.
 *   x  [batch, nIn]     activations (or x_j = tmin - t_j for a TTFS layer)
 *   W  [nOut, nIn]      W[i * nIn + j] = W_ij, the SPEC's index order (neuron i, input j)
 *   z  [batch, nOut]    z[b * nOut + i]
 *
 * @module
 */

/** Dense primitives. Argument order: inputs, outputs, then sizes. */
export interface Backend {
  /** A short name, e.g. "ref". */
  readonly name: string;
  /** z[b,i] = bias[i] + sum_j W[i,j] x[b,j]. */
  denseForward(
    x: Float64Array,
    W: Float64Array,
    bias: Float64Array,
    z: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): void;
  /** dW[i,j] += sum_b dz[b,i] x[b,j];  dbias[i] += sum_b dz[b,i]. */
  denseBackwardWeights(
    dz: Float64Array,
    x: Float64Array,
    dW: Float64Array,
    dbias: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): void;
  /** dx[b,j] = sum_i dz[b,i] W[i,j]  (overwrites dx). */
  denseBackwardInput(
    dz: Float64Array,
    W: Float64Array,
    dx: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): void;
  /**
   * The fused TTFS hidden layer of the B = 1 model (SPEC A5), no hardware constraints:
   * a = ReLU(D + W x) (the activation, tmax - t, and the next layer's x), t = tmax - a (a
   * silent neuron sits at tmax; its mask is a > 0). Writes t and a [batch, nOut], returns
   * max a (for widening, SPEC A1).
   */
  ttfsDenseForward(
    x: Float64Array,
    W: Float64Array,
    D: Float64Array,
    t: Float64Array,
    a: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
    tmax: number,
  ): number;
}
