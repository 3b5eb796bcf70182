/**
 * The one training loop, for every model and backend: epochs of shuffled batches, a step per
 * batch, the loss checked and the progress reported after each, then per epoch the
 * parameters pulled back from the step, checked and checkpointed, an evaluation, and a
 * history record. `trainTtfs`, `trainTtfsAsync`, `trainLif` and `trainLifWebGpu` are this loop
 * with their model's hooks and step.
 *
 * It is a generator of requests ("step", "pull") so that one loop serves steps
 * that answer synchronously (ref, wasm) and asynchronously (WebGPU): {@link driveSync} and
 * {@link driveAsync} answer the requests.
 *
 * Batch order: Rng(seed ^ 0x6a09e667).permutation(train.count) per epoch (SPEC A10).
 *
 * @module
 */
import { type Batch, gatherBatch } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { Rng } from "../nn/rng.ts";
import { checkLoss, runAt } from "./divergence.ts";
import { progressAt, type TrainingRunOptions } from "./training_run.ts";

/** What a step reports that the loop reads (the rest goes to the hooks). */
export interface StepFigures {
  /** The batch's mean loss. */
  loss: number;
  /** Samples of the batch predicted right. */
  correct: number;
}

/** A request of the loop to its driver. */
export type EpochRequest<X> =
  | { kind: "step"; x: X; labels: Int32Array; size: number; where: string }
  | { kind: "pull" };

/** The figures every epoch record starts from. */
export interface EpochBase {
  /** The epoch, counted from 1. */
  epoch: number;
  /** The mean training loss over the epoch's samples. */
  trainLoss: number;
  /** The training accuracy over the epoch, in [0, 1]. */
  trainAccuracy: number;
  /** Wall time of the epoch, training and evaluation, in seconds. */
  seconds: number;
}

/** What a model adds to the loop. */
export interface EpochHooks<X, S extends StepFigures, E, R> {
  /** The loss's name in a NumericalError (e.g. "the SNN's training loss"). */
  lossName: string;
  /** The step's input for a gathered batch (TTFS: the pixels; LIF: T coded steps). */
  input(batch: Batch, epoch: number, step: number, stepsPerEpoch: number): X;
  /** After each step, once its loss is checked: more checks, more sums (`where` for errors). */
  stepped?(figures: S, size: number, where: string): void;
  /** After each epoch's pull (and once before training, epoch 0): check and checkpoint. */
  checkpoint(epoch: number): void;
  /** The evaluation after each epoch's checkpoint (on the CPU, with the pulled parameters). */
  evaluate(): E;
  /** The epoch's record from the loop's figures and the evaluation. */
  record(base: EpochBase, evaluation: E): R;
}

/** What the loop returns. */
export interface EpochsDone<E, R> {
  /** One record per epoch. */
  history: R[];
  /** The last epoch's evaluation. */
  evaluation: E;
  /** Wall time of the whole run, in seconds. */
  seconds: number;
}

/**
 * The loop: yields a "step" request per batch (answer: the step's figures) and a "pull"
 * request after each epoch's last step (answer: nothing, once the step's parameters are back
 * in the model's arrays); then checkpoints, evaluates and records through the hooks.
 *
 * @example
 * ```ts
 * import { driveSync, runEpochs } from "./run_epochs.ts";
 * const train = { count: 4, rows: 1, cols: 1, images: new Uint8Array(4), labels: new Uint8Array(4) };
 * const loop = runEpochs(train, { epochs: 2, batch: 2, seed: 0 }, {
 *   lossName: "the loss",
 *   input: (b) => b.x,
 *   checkpoint: () => {},
 *   evaluate: () => 0.9,
 *   record: (base) => base,
 * });
 * const done = driveSync(loop, (q) => q.kind === "step" ? { loss: 0.5, correct: 1 } : undefined);
 * console.log(done.history.length, done.evaluation); // 2 0.9
 * ```
 */
export function* runEpochs<X, S extends StepFigures, E, R>(
  train: ImageSet,
  options: Pick<
    TrainingRunOptions<never, R>,
    "epochs" | "batch" | "seed" | "onProgress" | "onEpoch"
  >,
  hooks: EpochHooks<X, S, E, R>,
): Generator<EpochRequest<X>, EpochsDone<E, R>, S | undefined> {
  const { epochs, batch, seed } = options, rng = new Rng(seed ^ 0x6a09e667);
  const stepsPerEpoch = Math.ceil(train.count / batch), start = performance.now();
  const history: R[] = [];
  let evaluation: E | undefined;
  hooks.checkpoint(0);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.permutation(train.count), t0 = performance.now();
    let loss = 0, correct = 0, seen = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const b = gatherBatch(train, order, step * batch, batch), where = runAt(epoch, step);
      const x = hooks.input(b, epoch, step, stepsPerEpoch);
      const s = (yield { kind: "step", x, labels: b.labels, size: b.size, where }) as S;
      checkLoss(s.loss, hooks.lossName, where);
      hooks.stepped?.(s, b.size, where);
      (loss += s.loss * b.size), (correct += s.correct), (seen += b.size);
      const at = { epoch, epochs, step, stepsPerEpoch };
      options.onProgress?.(progressAt(at, loss / seen, correct / seen, start));
    }
    yield { kind: "pull" };
    hooks.checkpoint(epoch);
    evaluation = hooks.evaluate();
    const seconds = (performance.now() - t0) / 1000;
    const base = { epoch, trainLoss: loss / seen, trainAccuracy: correct / seen, seconds };
    history.push(hooks.record(base, evaluation));
    options.onEpoch?.(history[history.length - 1]);
  }
  return { history, evaluation: evaluation!, seconds: (performance.now() - start) / 1000 };
}

/**
 * Runs `loop` to its end, answering each request with `answer` (synchronously).
 *
 * @example
 * ```ts
 * import { driveSync } from "./run_epochs.ts";
 * function* ask(): Generator<number, number, number> { return (yield 2) + (yield 3); }
 * console.log(driveSync(ask(), (q) => q * 10)); // 50
 * ```
 */
export function driveSync<Q, A, T>(loop: Generator<Q, T, A>, answer: (q: Q) => A): T {
  for (let r = loop.next();;) {
    if (r.done) return r.value;
    r = loop.next(answer(r.value));
  }
}

/**
 * Runs `loop` to its end, awaiting each answer (for steps on an asynchronous backend).
 *
 * @example
 * ```ts
 * import { driveAsync } from "./run_epochs.ts";
 * function* ask(): Generator<number, number, number> { return (yield 2) + (yield 3); }
 * console.log(await driveAsync(ask(), (q) => Promise.resolve(q * 10))); // 50
 * ```
 */
export async function driveAsync<Q, A, T>(
  loop: Generator<Q, T, A>,
  answer: (q: Q) => A | Promise<A>,
): Promise<T> {
  for (let r = loop.next();;) {
    if (r.done) return r.value;
    r = loop.next(await answer(r.value));
  }
}
