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
import type { GpuContext } from "./webgpu/device.ts";

/**
 * The four dense primitives, written once: {@link Backend} has them as they are,
 * {@link AsyncBackend} as {@link Promised} (each returns a Promise) and the claims'
 * `ClaimBackend` as {@link Awaitable} (either). Argument order: inputs, outputs, then sizes.
 *
 * @example
 * ```ts
 * import type { DensePrimitives } from "./backend.ts";
 * import { refBackend } from "./ref.ts";
 * const p: DensePrimitives = refBackend, z = new Float64Array(1);
 * p.denseForward(new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * ```
 */
export interface DensePrimitives {
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

/**
 * `T` with every method's result `R` made `Promise<R>` (same arguments, same order): the form
 * of a backend that answers asynchronously. Other members are kept as they are.
 *
 * @example
 * ```ts
 * import type { Promised } from "./backend.ts";
 * const p: Promised<{ twice(x: number): number }> = { twice: (x) => Promise.resolve(2 * x) };
 * console.log(await p.twice(21)); // 42
 * ```
 */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/**
 * `T` with every method's result `R` made `R | Promise<R>`: what a caller that awaits each
 * result accepts, so both `T` and {@link Promised}`<T>` fit. Other members are kept as they are.
 *
 * @example
 * ```ts
 * import type { Awaitable } from "./backend.ts";
 * type Twice = Awaitable<{ twice(x: number): number }>;
 * const both: Twice[] = [{ twice: (x) => 2 * x }, { twice: (x) => Promise.resolve(2 * x) }];
 * for (const p of both) console.log(await p.twice(21)); // 42, 42
 * ```
 */
export type Awaitable<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R>
    : T[K];
};

/** A synchronous backend: the {@link DensePrimitives} and a name. */
export interface Backend extends DensePrimitives {
  /** A short name: "ref", "wasm" (kernels chosen per call), "wasm-v1", "wasm-v2" or "wasm-v3". */
  readonly name: string;
  /**
   * Threads a training step on this backend may use (the wasm backend's `workers`; 1 when
   * unset). The steps (`src/steps/`) read it; the primitives always run in the calling thread.
   */
  readonly threads?: number;
}

/**
 * The {@link DensePrimitives} for a backend that cannot answer synchronously (WebGPU reads
 * its results back with mapAsync): the same arguments, in the same order, each returning a
 * Promise that resolves once the outputs are written (ttfsDenseForward's to max a). `openBackend` gives every backend in
 * this form (ref and wasm wrapped).
 */
export interface AsyncBackend extends Promised<DensePrimitives> {
  /** A short name, e.g. "webgpu". */
  readonly name: string;
  /** The GPU and kernel version of a WebGPU backend, for the steps that run there. */
  readonly gpu?: { readonly context: GpuContext; readonly version: 1 | 2 | 3 };
  /** The synchronous backend this one wraps, if it wraps one (ref, wasm). */
  readonly sync?: Backend;
  /** Frees the backend's device and buffers, if any. */
  close(): void;
}
