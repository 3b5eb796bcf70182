/**
 * The training methods by name, with how each one trains and predicts:
 *
 *   name      gradients          update           prediction (LIF inference)
 *   bptt      bpttGradients      once per batch   sum_t o[t]
 *   ottt-a    otttGradients      once per batch   sum_t o[t]
 *   ottt-o    otttGradients      every step       sum_t o[t]
 *   saf-e     safEGradients      every step       sum_t o[t]   (the twin of OTTT_O)
 *   saf-f     safFGradients      once per batch   rate readout W_L r + b
 *   spikerep  spikeRepGradients  once per batch   rate readout W_L r + b
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { ADAM_DEFAULTS, type TrainingSchedule } from "../nn/optim.ts";
import { bpttGradients } from "./bptt.ts";
import type { GradientResult, MethodOptions } from "./method.ts";
import type { LifNetwork } from "./network.ts";
import { otttGradients } from "./ottt.ts";
import { safEGradients, safFGradients } from "./saf.ts";
import { spikeRepGradients } from "./spikerep.ts";

/** A method's gradient function. */
export type GradientFn = (
  net: LifNetwork,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  options?: MethodOptions,
) => GradientResult;

/** How a method trains and predicts. */
export interface LifMethod {
  /** Computes one batch's loss and gradients. */
  gradients: GradientFn;
  /** Update after every step (OTTT_O, SAF-E) or once per batch. */
  update: "step" | "batch";
  /** Prediction scores: sum_t o[t], or the rate readout. */
  prediction: "sum" | "rate";
}

/**
 * Every method, by its command-line name.
 *
 * @example
 * ```ts
 * import { LIF_METHODS } from "./methods.ts";
 * console.log(Object.keys(LIF_METHODS).length, LIF_METHODS["saf-f"].prediction); // 6 "rate"
 * ```
 */
export const LIF_METHODS: Readonly<Record<string, LifMethod>> = {
  bptt: { gradients: bpttGradients, update: "batch", prediction: "sum" },
  "ottt-a": { gradients: otttGradients, update: "batch", prediction: "sum" },
  "ottt-o": { gradients: otttGradients, update: "step", prediction: "sum" },
  "saf-e": { gradients: safEGradients, update: "step", prediction: "sum" },
  "saf-f": { gradients: safFGradients, update: "batch", prediction: "rate" },
  spikerep: { gradients: spikeRepGradients, update: "batch", prediction: "rate" },
};

/**
 * The method called `name`, or an OptionError listing the known ones.
 *
 * @example
 * ```ts
 * import { lifMethod } from "./methods.ts";
 * console.log(lifMethod("saf-e").update); // "step"
 * ```
 */
export function lifMethod(name: string): LifMethod {
  const m = LIF_METHODS[name];
  if (!m) {
    throw new OptionError(
      `unknown method '${name}'; known: ${Object.keys(LIF_METHODS).join(", ")}`,
    );
  }
  return m;
}

/**
 * The schedule `train --model lif-*` gives the LIF methods: T = 6 steps, 8 epochs of batch 64,
 * lr 3e-4 with SPEC A10's decay (x0.9 every 5000 steps). `results/` was trained with it
 * (docs/results.md).
 *
 * @example
 * ```ts
 * import { LIF_TRAINING } from "./methods.ts";
 * console.log(LIF_TRAINING.T, LIF_TRAINING.lr); // 6 0.0003
 * ```
 */
export const LIF_TRAINING: Readonly<TrainingSchedule & { T: number }> = Object.freeze({
  T: 6,
  epochs: 8,
  batch: 64,
  lr: 3e-4,
  decayRate: ADAM_DEFAULTS.decayRate,
  decaySteps: ADAM_DEFAULTS.decaySteps,
});

/**
 * The schedule `train --model lif-conv` gives (conv16-pool-conv32-pool-fc128-fc10): T = 6, 20
 * epochs of batch 64, lr 1e-3 decaying x0.85 every 5000 Adam steps (SAF-E and OTTT_O take one
 * per time step: about one decay per epoch). With LIF_TRAINING's lr 3e-4 the first epoch
 * reached 85.9% against 88.2% here (docs/results.md).
 *
 * @example
 * ```ts
 * import { LIF_CONV_TRAINING } from "./methods.ts";
 * console.log(LIF_CONV_TRAINING.epochs, LIF_CONV_TRAINING.lr); // 20 0.001
 * ```
 */
export const LIF_CONV_TRAINING: Readonly<TrainingSchedule & { T: number }> = Object.freeze({
  T: 6,
  epochs: 20,
  batch: 64,
  lr: 1e-3,
  decayRate: 0.85,
  decaySteps: 5000,
});
