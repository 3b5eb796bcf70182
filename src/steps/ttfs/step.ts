/**
 * What every TTFS training step shares (`ref.ts`, `wasm.ts`, `webgpu.ts`): the spec a fused
 * step starts from, the figures one step reports, the runner's shape, and the argument checks.
 *
 * One step, on every backend (SPEC A5-A7, A10): encode the batch as spike times (A2), forward
 * the B = 1 SNN and its ReLU twin, softmax cross-entropy (A6), backward both (A7), one Adam step
 * each; the caller then widens the SNN's coding intervals from `maxActivation` (A1).
 *
 * @module
 */
import { OptionError, ShapeError, ValueError } from "../../errors.ts";
import { ADAM_DEFAULTS, type AdamOptions } from "../../nn/optim.ts";
import { TTFS_TRAINING } from "../../ttfs/models.ts";
import type { AsyncTrainingStep, TrainingStep } from "../step.ts";

/** Adam and its schedule, every setting given (`nn/optim.ts`'s `AdamOptions`, all required). */
export type StepHyper = Required<AdamOptions>;

/**
 * The Adam settings the twin-step tests and benchmarks start from: `TTFS_TRAINING`'s lr (1e-3),
 * with `nn/optim.ts`'s other defaults (beta1 0.9, beta2 0.999, epsilon 1e-7, x0.9 every 5000 steps).
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * console.log(TWIN_STEP_ADAM.lr, TWIN_STEP_ADAM.decaySteps); // 0.001 5000
 * ```
 */
export const TWIN_STEP_ADAM: Readonly<StepHyper> = Object.freeze({
  ...ADAM_DEFAULTS,
  lr: TTFS_TRAINING.lr,
});

/**
 * What a fused step (wasm, WebGPU) starts from: a dense B = 1 network (input interval [0, 1],
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
  /**
   * Train the float32 twin beside the SNN (default true). False: only the SNN trains; the twin
   * is read back as the SNN's ReLU map (its float32 trajectory would be identical anyway).
   */
  trainTwin?: boolean;
}

/** One step's figures (mean losses over the batch; norms of the weight gradients per layer). */
export interface TwinStepResult {
  /** The SNN's mean softmax cross-entropy over the batch. */
  loss: number;
  /** The ReLU twin's mean softmax cross-entropy over the batch (NaN when it is not trained). */
  twinLoss: number;
  /** Samples of the batch the SNN classified correctly (a count, not a fraction). */
  correct: number;
  /** Samples of the batch the twin classified correctly (a count; NaN when not trained). */
  twinCorrect: number;
  /** ||dL/dW(n)|| of the SNN's weights for every layer n = 1..L (the readout last). */
  gradNorms: number[];
  /** ||dL/dw(n)|| of the twin's weights, same layers. */
  twinGradNorms: number[];
  /** Per hidden layer of the SNN, max over the batch of tmax - t (for widening, SPEC A1). */
  maxActivation: number[];
}

/** Where `read` copies both models' parameters: [W1, D1, ...] each, in the spec's layout. */
export interface TwinParams {
  /** The SNN's parameters. */
  snn: Float64Array[];
  /** The twin's parameters. */
  twin: Float64Array[];
}

/** Both models' logits [batch, classes] and the SNN's hidden activations a = tmax - t. */
export interface TwinForward {
  /** The SNN's logits. */
  logits: Float64Array;
  /** The twin's logits. */
  twinLogits: Float64Array;
  /** Per hidden layer, a = tmax - t [batch, n] (a neuron spikes iff a > 0). */
  activations: Float64Array[];
}

/** A TTFS training step (`TrainingStep`), with a forward-only pass where the step has one. */
export interface TwinStepRunner extends TrainingStep<Float64Array, TwinParams, TwinStepResult> {
  /** False when the step does not train the twin (its figures are then NaN); default true. */
  readonly twinTrained?: boolean;
  /** Forward only, on x [batch, nIn], in the step's own arithmetic (fused steps only). */
  forward?(x: Float64Array, batch: number): TwinForward;
}

/** {@link TwinStepRunner} whose results come back asynchronously (WebGPU; `openTwinStep`). */
export interface AsyncTwinStepRunner
  extends AsyncTrainingStep<Float64Array, TwinParams, TwinStepResult> {
  /** As `TwinStepRunner.twinTrained`. */
  readonly twinTrained?: boolean;
  /** As `TwinStepRunner.forward`. */
  forward?(x: Float64Array, batch: number): Promise<TwinForward>;
}

/**
 * Checks a step's arguments against the layer sizes (labels must be classes).
 *
 * @example
 * ```ts
 * import { checkStep } from "./step.ts";
 * checkStep([2, 3, 2], new Float64Array(4), [0, 1], 2); // fine
 * ```
 */
export function checkStep(
  sizes: number[],
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  batch: number,
): void {
  const nIn = sizes[0], classes = sizes[sizes.length - 1];
  if (!Number.isInteger(batch) || batch < 1) {
    throw new ShapeError(`batch must be >= 1, got ${batch}`);
  }
  if (x.length < batch * nIn) {
    throw new ShapeError(`x has ${x.length} entries; expected ${batch}x${nIn}`);
  }
  if (labels.length < batch) throw new ShapeError(`${labels.length} labels for batch ${batch}`);
  for (let b = 0; b < batch; b++) {
    const v = labels[b];
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new ValueError(`label[${b}] = ${v} is not a class in 0..${classes - 1}`);
    }
  }
}

/**
 * Checks a fused step's spec: the sizes, and every parameter array's length.
 *
 * @example
 * ```ts
 * import { checkTwinSpec, TWIN_STEP_ADAM } from "./step.ts";
 * const p = () => [new Float64Array(6), new Float64Array(3), new Float64Array(6), new Float64Array(2)];
 * checkTwinSpec({ sizes: [2, 3, 2], snn: p(), twin: p(), adam: TWIN_STEP_ADAM, t: 0 }); // fine
 * ```
 */
export function checkTwinSpec(spec: TwinStepSpec): void {
  const { sizes } = spec;
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError(`layer sizes must be >= 2 integers >= 1, got ${sizes.join("-")}`);
  }
  for (const [name, p] of [["snn", spec.snn], ["twin", spec.twin]] as const) {
    if (p.length !== 2 * (sizes.length - 1)) {
      throw new ShapeError(
        `${name} has ${p.length} parameter arrays for ${sizes.length - 1} layers`,
      );
    }
    p.forEach((a, k) => {
      const l = k >> 1, n = k % 2 ? sizes[l + 1] : sizes[l] * sizes[l + 1];
      if (a.length !== n) {
        throw new ShapeError(`${name} parameter ${k} has ${a.length} entries; expected ${n}`);
      }
    });
  }
}

/**
 * Throws an OptionError unless `workers` (threads of a step) is an integer >= 1.
 *
 * @example
 * ```ts
 * import { checkWorkers } from "./step.ts";
 * checkWorkers(2); // fine
 * ```
 */
export function checkWorkers(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new OptionError(`workers must be an integer >= 1, got ${workers}`);
  }
}
