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
 * The {@link Backend} primitives for a backend that cannot answer synchronously (WebGPU reads
 * its results back with mapAsync): the same arguments, in the same order, each returning a
 * Promise that resolves once the outputs are written. `openBackend` gives every backend in
 * this form (ref and wasm wrapped).
 */
export interface AsyncBackend {
  /** A short name, e.g. "webgpu". */
  readonly name: string;
  /** As `Backend.denseForward`. */
  denseForward(
    x: Float64Array,
    W: Float64Array,
    bias: Float64Array,
    z: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): Promise<void>;
  /** As `Backend.denseBackwardWeights`. */
  denseBackwardWeights(
    dz: Float64Array,
    x: Float64Array,
    dW: Float64Array,
    dbias: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): Promise<void>;
  /** As `Backend.denseBackwardInput`. */
  denseBackwardInput(
    dz: Float64Array,
    W: Float64Array,
    dx: Float64Array,
    batch: number,
    nIn: number,
    nOut: number,
  ): Promise<void>;
  /** As `Backend.ttfsDenseForward`; resolves to max a. */
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
  ): Promise<number>;
  /** Optional: a backend-owned training step of a dense B = 1 network and its twin. */
  createTwinStep?(spec: TwinStepSpec): Promise<AsyncTwinStepRunner>;
  /** The synchronous backend this one wraps, if it wraps one (ref, wasm). */
  readonly sync?: Backend;
  /** Frees the backend's device and buffers, if any. */
  close(): void;
}
