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

/** Adam and its schedule, as `nn/optim.ts` (Keras form, lr0 decayRate^(t / decaySteps)). */
export interface StepHyper {
  /** Initial learning rate lr0, before the decay. */
  lr: number;
  /** First-moment decay. */
  beta1: number;
  /** Second-moment decay. */
  beta2: number;
  /** Denominator guard, added to sqrt(v). */
  epsilon: number;
  /** Learning-rate factor per `decaySteps` steps. */
  decayRate: number;
  /** Steps per decay factor (continuous decay, not staircase). */
  decaySteps: number;
}

/**
 * The Adam settings the twin-step tests and benchmarks start from: lr 1e-3, with `nn/optim.ts`'s
 * other defaults (beta1 0.9, beta2 0.999, epsilon 1e-7, x0.9 every 5000 steps).
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./backend.ts";
 * console.log(TWIN_STEP_ADAM.lr, TWIN_STEP_ADAM.decaySteps); // 0.001 5000
 * ```
 */
export const TWIN_STEP_ADAM: Readonly<StepHyper> = Object.freeze({
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  decayRate: 0.9,
  decaySteps: 5000,
});

/**
 * What `Backend.createTwinStep` starts from: a dense B = 1 network (input interval [0, 1],
 * SPEC A1/A2) and its ReLU twin, each as [W1, D1, W2, D2, ...] (W [nOut, nIn]), with Adam's
 * settings and the number of steps already taken.
 */
export interface TwinStepSpec {
  /** Layer sizes, input first, e.g. [784, 340, 10]. */
  sizes: number[];
  /** The SNN's parameters, [W1, D1, W2, D2, ...]: W [nOut, nIn] row-major, D [nOut]. */
  snn: Float64Array[];
  /** The ReLU twin's parameters, same layout ([W1, b1, W2, b2, ...]). */
  twin: Float64Array[];
  /** Adam's settings, shared by the two optimizers (one per model). */
  adam: StepHyper;
  /** Adam steps already taken (0 for a fresh optimizer). */
  t: number;
}

/** One step's figures (mean losses over the batch; norms of the weight gradients per layer). */
export interface TwinStepResult {
  /** The SNN's mean softmax cross-entropy over the batch. */
  loss: number;
  /** The ReLU twin's mean softmax cross-entropy over the batch. */
  twinLoss: number;
  /** Samples of the batch the SNN classified correctly (a count, not a fraction). */
  correct: number;
  /** Samples of the batch the twin classified correctly (a count). */
  twinCorrect: number;
  /** ||dL/dW(n)|| of the SNN's weights for every layer n = 1..L (the readout last). */
  gradNorms: number[];
  /** ||dL/dw(n)|| of the twin's weights, same layers. */
  twinGradNorms: number[];
  /** Per hidden layer of the SNN, max over the batch of tmax - t (for widening, SPEC A1). */
  maxActivation: number[];
}

/** A training step the backend owns: the parameters stay inside it between steps. */
export interface TwinStepRunner {
  /** Forward, softmax cross-entropy, backward and Adam of both models on x [batch, nIn]. */
  step(x: Float64Array, labels: ArrayLike<number>, batch: number): TwinStepResult;
  /**
   * Forward only, on x [batch, nIn]: both models' logits [batch, classes] and the SNN's hidden
   * activations a = tmax - t [batch, n] per hidden layer (a neuron spikes iff a > 0).
   */
  forward(
    x: Float64Array,
    batch: number,
  ): { logits: Float64Array; twinLogits: Float64Array; activations: Float64Array[] };
  /** Copies the current parameters of both models out, in the spec's layout. */
  read(snn: Float64Array[], twin: Float64Array[]): void;
  /** Stops the runner's workers, if any (the runner is unusable afterwards). */
  close(): void;
}

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

/** A synchronous backend: the {@link DensePrimitives}, a name, optionally a training step. */
export interface Backend extends DensePrimitives {
  /** A short name, e.g. "ref". */
  readonly name: string;
  /**
   * Optional: a whole training step of a dense B = 1 network and its twin, owned by the
   * backend (the wasm backend's runs in float32 with the weights resident in its memory).
   */
  createTwinStep?(spec: TwinStepSpec): TwinStepRunner;
}

/** {@link TwinStepRunner} for a backend whose results come back asynchronously (WebGPU). */
export interface AsyncTwinStepRunner {
  /** As `TwinStepRunner.step`; only the step's figures come back. */
  step(x: Float64Array, labels: ArrayLike<number>, batch: number): Promise<TwinStepResult>;
  /** As `TwinStepRunner.forward`. */
  forward(
    x: Float64Array,
    batch: number,
  ): Promise<{ logits: Float64Array; twinLogits: Float64Array; activations: Float64Array[] }>;
  /** Copies the current parameters of both models out, in the spec's layout. */
  read(snn: Float64Array[], twin: Float64Array[]): Promise<void>;
  /** Frees the runner's buffers (the runner is unusable afterwards). */
  close(): void;
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
  /** Optional: a backend-owned training step of a dense B = 1 network and its twin. */
  createTwinStep?(spec: TwinStepSpec): Promise<AsyncTwinStepRunner>;
  /** The synchronous backend this one wraps, if it wraps one (ref, wasm). */
  readonly sync?: Backend;
  /** Frees the backend's device and buffers, if any. */
  close(): void;
}
