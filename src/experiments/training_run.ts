/**
 * What every training driver (`trainTtfs`, `trainLif`) takes and reports in common: the
 * schedule, the kernels, a network to continue from, and progress callbacks.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { OptionError } from "../errors.ts";
import { ADAM_DEFAULTS } from "../nn/optim.ts";

/**
 * Options shared by the training drivers; `N` is the network type, `E` the epoch record.
 *
 * @example
 * ```ts
 * import type { TrainingRunOptions } from "./training_run.ts";
 * const o: TrainingRunOptions<never, never> = { epochs: 1, batch: 64, lr: 1e-3, seed: 0 };
 * console.log(o.epochs); // 1
 * ```
 */
export interface TrainingRunOptions<N, E> {
  /** Passes over the training set. */
  epochs: number;
  /** Samples per step (the last step of an epoch may have fewer). */
  batch: number;
  /** Initial Adam learning rate. */
  lr: number;
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  /** Learning-rate decay factor per `decaySteps` steps (default 0.9 per 5000, SPEC A10). */
  decayRate?: number;
  /** Steps per decay factor (default 5000). */
  decaySteps?: number;
  /** Kernels (default the float64 reference). */
  backend?: Backend;
  /** Continue from this network (e.g. a loaded checkpoint); its sizes must fit the data. */
  init?: N;
  /** Called after every step. */
  onProgress?: (p: TrainProgress) => void;
  /** Called after every epoch's evaluation. */
  onEpoch?: (r: E) => void;
  /**
   * Called with a copy of the network known to be finite: the starting one (epoch 0), then
   * after each epoch whose parameters passed the check (before its evaluation). When the run
   * stops with a `NumericalError` (a non-finite loss or parameter), the last call holds the
   * last good state, e.g. for the CLI to save in place of the diverged one.
   */
  onCheckpoint?: (net: N, epoch: number) => void;
}

/** Where training is, for a progress bar. */
export interface TrainProgress {
  /** The current epoch, counted from 1. */
  epoch: number;
  /** Epochs in the run. */
  epochs: number;
  /** Steps done in this epoch, counted from 1. */
  step: number;
  /** Steps per epoch, ceil(training samples / batch). */
  stepsPerEpoch: number;
  /** Running mean loss over this epoch so far. */
  loss: number;
  /** Running accuracy over this epoch so far, in [0, 1]. */
  accuracy: number;
  /** Seconds since training started. */
  elapsedSeconds: number;
  /** Estimated seconds left, from the mean time per step so far. */
  etaSeconds: number;
}

/** The schedule and data sizes every training result reports. */
export interface TrainingRunSummary {
  /** Passes over the training set. */
  epochs: number;
  /** Samples per step. */
  batch: number;
  /** Initial Adam learning rate. */
  lr: number;
  /** Learning-rate decay factor per `decaySteps` steps (the default filled in). */
  decayRate: number;
  /** Steps per decay factor (the default filled in). */
  decaySteps: number;
  /** The run's seed (`TrainingRunOptions.seed`). */
  seed: number;
  /** Training samples. */
  trainCount: number;
  /** Test samples. */
  testCount: number;
}

/**
 * Throws an OptionError naming `name` unless v is an integer >= 1.
 *
 * @example
 * ```ts
 * import { checkPositiveInt } from "./training_run.ts";
 * checkPositiveInt(64, "batch"); // fine
 * ```
 */
export function checkPositiveInt(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new OptionError(`${name} must be an integer >= 1, got ${v}`);
  }
}

/**
 * The progress after `step` (0-based) of `epoch`, with the running loss and accuracy and an
 * ETA from the time since `startMs` (a `performance.now()` reading).
 *
 * @example
 * ```ts
 * import { progressAt } from "./training_run.ts";
 * const p = progressAt({ epoch: 1, epochs: 2, step: 0, stepsPerEpoch: 10 }, 0.5, 0.8, performance.now());
 * console.log(p.step, p.stepsPerEpoch); // 1 10
 * ```
 */
export function progressAt(
  at: { epoch: number; epochs: number; step: number; stepsPerEpoch: number },
  loss: number,
  accuracy: number,
  startMs: number,
): TrainProgress {
  const { epoch, epochs, step, stepsPerEpoch } = at;
  const done = (epoch - 1) * stepsPerEpoch + step + 1, total = epochs * stepsPerEpoch;
  const elapsed = (performance.now() - startMs) / 1000;
  return {
    epoch,
    epochs,
    step: step + 1,
    stepsPerEpoch,
    loss,
    accuracy,
    elapsedSeconds: elapsed,
    etaSeconds: (elapsed / done) * (total - done),
  };
}

/**
 * The schedule and data sizes of a run, its defaults filled in (`ADAM_DEFAULTS`' decay).
 *
 * @example
 * ```ts
 * import { runSummary } from "./training_run.ts";
 * const s = runSummary({ epochs: 1, batch: 8, lr: 1e-3, seed: 0 }, 100, 10);
 * console.log(s.decaySteps, s.trainCount); // 5000 100
 * ```
 */
export function runSummary(
  options: Pick<
    TrainingRunOptions<never, never>,
    "epochs" | "batch" | "lr" | "seed" | "decayRate" | "decaySteps"
  >,
  trainCount: number,
  testCount: number,
): TrainingRunSummary {
  const { epochs, batch, lr, seed } = options;
  return {
    epochs,
    batch,
    lr,
    decayRate: options.decayRate ?? ADAM_DEFAULTS.decayRate,
    decaySteps: options.decaySteps ?? ADAM_DEFAULTS.decaySteps,
    seed,
    trainCount,
    testCount,
  };
}
