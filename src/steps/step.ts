/**
 * The training-step interface: one forward, loss, backward and optimizer update of a model on
 * one batch, with the parameters kept wherever the backend keeps them (float64 arrays for the
 * reference step, a WASM core's memory, GPU buffers). Every step of `src/steps/` has this
 * shape, per model and backend:
 *
 *   | model | ref            | wasm            | webgpu            |
 *   | ----- | -------------- | --------------- | ----------------- |
 *   | TTFS  | `ttfs/ref.ts`  | `ttfs/wasm.ts`  | `ttfs/webgpu.ts`  |
 *   | LIF   | `lif/ref.ts`   | `lif/wasm.ts`   | `lif/webgpu.ts`   |
 *
 * The training loop (`experiments/run_epochs.ts`) drives any of them the same way: `step` per
 * batch, `read` before an evaluation or a checkpoint, `close` at the end.
 *
 * @module
 */

/**
 * One training step per model per backend. `X` is the batch's input, `P` where `read` copies
 * the parameters to, `F` the figures one step reports.
 *
 * @example
 * ```ts
 * import type { TrainingStep } from "./step.ts";
 * const counting: TrainingStep<Float64Array, number[], { loss: number }> = {
 *   step: (x, _labels, batch) => ({ loss: x.length / batch }),
 *   read: (into) => void into.fill(0),
 *   close: () => {},
 * };
 * console.log(counting.step(new Float64Array(4), [0, 1], 2).loss); // 2
 * ```
 */
export interface TrainingStep<X, P, F> {
  /** Forward, loss, backward and update on x (`batch` samples) with integer labels. */
  step(x: X, labels: ArrayLike<number>, batch: number): F;
  /** Copies the current parameters into `into` (the layout of the model's own arrays). */
  read(into: P): void;
  /** Frees the step's workers or buffers, if any (the step is unusable afterwards). */
  close(): void;
}

/**
 * {@link TrainingStep} for a backend whose results come back asynchronously (WebGPU), and the
 * form `openTwinStep` gives every TTFS step in.
 *
 * @example
 * ```ts
 * import type { AsyncTrainingStep } from "./step.ts";
 * const s: AsyncTrainingStep<Float64Array, number[], number> = {
 *   step: (x) => Promise.resolve(x.length),
 *   read: () => Promise.resolve(),
 *   close: () => {},
 * };
 * console.log(await s.step(new Float64Array(3), [], 1)); // 3
 * ```
 */
export interface AsyncTrainingStep<X, P, F> {
  /** As `TrainingStep.step`; resolves once the figures are back. */
  step(x: X, labels: ArrayLike<number>, batch: number): Promise<F>;
  /** As `TrainingStep.read`. */
  read(into: P): Promise<void>;
  /** As `TrainingStep.close`. */
  close(): void;
}

/**
 * Copies `from` into `to`, array by array, unless they are the same arrays: `read` of a step
 * whose parameters live in the model's own arrays (the reference steps).
 *
 * @example
 * ```ts
 * import { copyParams } from "./step.ts";
 * const to = [new Float64Array(2)];
 * copyParams([new Float64Array([1, 2])], to);
 * console.log(to[0][1]); // 2
 * ```
 */
export function copyParams(from: Float64Array[], to: Float64Array[]): void {
  from.forEach((a, k) => a !== to[k] && to[k].set(a));
}
