/**
 * Train a B = 1 TTFS network and its ReLU twin side by side, from the same initial weights,
 * on the same batches, with two independent Adam optimizers (SPEC A5, A10). The twin is an
 * ordinary ReLU MLP (`nn/mlp.ts`); the SNN runs on spike times (`ttfs/b1.ts`). If the
 * equivalence holds, their weights stay equal up to float64 round-off.
 *
 * One step: encode the batch as spike times (A2), forward both, softmax cross-entropy (A6),
 * backward both (A7), one Adam step each, then widen the SNN's coding intervals (A1).
 *
 * @module
 */
import type { AsyncBackend, Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { ShapeError, SpikeproofError } from "../errors.ts";
import { describeLayers, sameLayers, toLayers } from "../nn/architecture.ts";
import type { LayerGeometry } from "../nn/layer.ts";
import { maxAbsDifference } from "../nn/linalg.ts";
import { type ReluMlp, reluMlpParams } from "../nn/mlp.ts";
import type { AdamOptions } from "../nn/optim.ts";
import { Rng } from "../nn/rng.ts";
import { type B1Network, b1Params, initB1Network } from "../ttfs/b1.ts";
import { checkCodingRange } from "../ttfs/encoding.ts";
import { INTERVAL_ZETA, widenIntervals } from "../ttfs/intervals.ts";
import { reluFromB1 } from "../ttfs/mapping.ts";
import { createRefTwinStep } from "../steps/ttfs/ref.ts";
import { createTwinStep, openTwinStep, type TwinStepChoice } from "../steps/ttfs/select.ts";
import type { AsyncTwinStepRunner, TwinStepResult, TwinStepRunner } from "../steps/ttfs/step.ts";
import { checkInitialNetwork, cloneB1 } from "./divergence.ts";
import { evaluateTwins, type TwinEvaluation } from "./twin_evaluation.ts";

export type { TwinEvaluation };

/** Options of a twin trainer. */
export interface TwinTrainerOptions extends AdamOptions, TwinStepChoice {
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** Interval margin zeta (default INTERVAL_ZETA, 0.5: SPEC A1). */
  zeta?: number;
  /** Kernels (default the float64 reference). */
  backend?: Backend;
  /** Start from this network (copied) instead of a fresh Glorot init; `sizes` must match. */
  init?: B1Network;
}

/**
 * Losses, correct predictions and gradient norms of one step: a backend's `TwinStepResult`
 * without the max activations, which the trainer consumes to widen the intervals.
 */
export type TwinStep = Omit<TwinStepResult, "maxActivation">;

/** A deep copy of `net`, after checking that its layers are `layers` and its numbers finite. */
function copyB1(net: B1Network, expected: LayerGeometry[]): B1Network {
  if (!sameLayers(net.layers, expected)) {
    throw new ShapeError(
      `the initial network is ${describeLayers(net.layers)}, expected ${describeLayers(expected)}`,
    );
  }
  checkInitialNetwork(net);
  return cloneB1(net);
}

/**
 * A B = 1 SNN and its ReLU twin, trained in lockstep by a TTFS step (`steps/ttfs/select.ts`):
 * on the wasm backend, a dense network's fused float32 step (its parameters come back into
 * `snn` and `twin` when next read); on an asynchronous backend's GPU (`TwinTrainer.open`) the
 * WebGPU step, through `stepAsync`, whose parameters come back with `await pull()`; otherwise
 * the float64 reference step on the backend's primitives. After every step the trainer widens
 * the SNN's coding intervals (SPEC A1) from the step's max activations.
 *
 * @example
 * ```ts
 * import { TwinTrainer } from "./twin_trainer.ts";
 * const tr = new TwinTrainer([4, 3, 2], { seed: 1, lr: 1e-2 });
 * const s = tr.step(new Float64Array(8).fill(0.5), new Int32Array([0, 1]), 2);
 * console.log(Number.isFinite(s.loss)); // true
 * ```
 */
export class TwinTrainer {
  readonly #snn: B1Network;
  readonly #twin: ReluMlp;
  #step: TwinStepRunner | undefined;
  #gpu: AsyncTwinStepRunner | undefined;
  #stale = false;
  readonly #backend: Backend;
  readonly #adamOptions: AdamOptions;

  /**
   * A trainer on a synchronous backend: a fresh Glorot-initialized SNN (or a copy of `init`)
   * and its twin, with one Adam optimizer each.
   *
   * @param sizes Layer sizes, input first, e.g. [784, 340, 10], or layer geometries (conv
   * nets, see `buildLayers`).
   */
  constructor(sizes: number[] | LayerGeometry[], options: TwinTrainerOptions = {}) {
    const { snn, twin, backend } = TwinTrainer.#nets(sizes, options);
    (this.#snn = snn), (this.#twin = twin), (this.#backend = backend);
    this.#adamOptions = TwinTrainer.#adam(options);
    if (TwinTrainer.#opening) return; // `open` gives it the GPU's step instead
    this.#step = createTwinStep(backend, { snn, twin }, this.#adamOptions, options);
  }

  /** True while `open` builds a trainer whose step it makes itself. */
  static #opening = false;

  static #nets(sizes: number[] | LayerGeometry[], options: TwinTrainerOptions) {
    const { seed = 0, zeta = INTERVAL_ZETA, backend = refBackend, init } = options;
    const layers = toLayers(sizes);
    const snn = init ? copyB1(init, layers) : initB1Network(layers, new Rng(seed), zeta);
    return { snn, twin: reluFromB1(snn), backend };
  }

  static #adam(o: TwinTrainerOptions): AdamOptions {
    const { lr, beta1, beta2, epsilon, decayRate, decaySteps } = o;
    return { lr, beta1, beta2, epsilon, decayRate, decaySteps };
  }

  /**
   * A trainer on an asynchronous backend (`openBackend`): a wrapped synchronous one (ref, wasm)
   * trains as the constructor's; another (webgpu) trains dense networks with its own step.
   *
   * @example
   * ```ts
   * import { openBackend } from "../backend/select.ts";
   * import { TwinTrainer } from "./twin_trainer.ts";
   * const tr = await TwinTrainer.open([4, 3, 2], await openBackend("ref"), { lr: 1e-2 });
   * const s = await tr.stepAsync(new Float64Array(8).fill(0.5), new Int32Array([0, 1]), 2);
   * console.log(Number.isFinite(s.loss)); // true
   * ```
   */
  static async open(
    sizes: number[] | LayerGeometry[],
    backend: AsyncBackend,
    options: Omit<TwinTrainerOptions, "backend"> = {},
  ): Promise<TwinTrainer> {
    if (backend.sync) return new TwinTrainer(sizes, { ...options, backend: backend.sync });
    TwinTrainer.#opening = true;
    let trainer: TwinTrainer;
    try {
      trainer = new TwinTrainer(sizes, options);
    } finally {
      TwinTrainer.#opening = false;
    }
    const nets = { snn: trainer.#snn, twin: trainer.#twin };
    trainer.#gpu = await openTwinStep(backend, nets, TwinTrainer.#adam(options), options);
    return trainer;
  }

  /**
   * Whether the step trains the ReLU twin: false on the fused wasm and WebGPU steps unless `twin: true`
   * (the twin is then the SNN's ReLU map at the current weights, and {@link replayTwin} shows
   * that the trajectories still agree).
   */
  get twinTrained(): boolean {
    return (this.#gpu ?? this.#step)?.twinTrained ?? true;
  }

  /**
   * From the current state, `steps` float64 reference steps of a copy of the SNN and of its ReLU
   * twin (made from it, SPEC A5) on x [batch, nIn]: the largest |W - w| | |D - b| after them,
   * float64 round-off when the B = 1 trajectories agree. Fresh Adam moments, the trainer's
   * settings.
   *
   * @example
   * ```ts
   * import { TwinTrainer } from "./twin_trainer.ts";
   * const tr = new TwinTrainer([4, 3, 2], { seed: 1, lr: 1e-2 });
   * console.log(tr.replayTwin(new Float64Array(8).fill(0.5), [0, 1], 2) < 1e-12); // true
   * ```
   */
  replayTwin(x: Float64Array, labels: ArrayLike<number>, batch: number, steps = 2): number {
    const snn = cloneB1(this.snn), twin = reluFromB1(snn);
    const step = createRefTwinStep(snn, twin, this.#adamOptions);
    for (let k = 0; k < steps; k++) {
      const r = step.step(checkCodingRange(x), labels, batch);
      snn.intervals = widenIntervals(snn.intervals, r.maxActivation);
    }
    return maxAbsDifference(b1Params(snn), reluMlpParams(twin));
  }

  /** The spiking network. */
  get snn(): B1Network {
    if (this.#stale) this.#sync();
    return this.#snn;
  }

  /** The ReLU twin. */
  get twin(): ReluMlp {
    if (this.#stale) this.#sync();
    return this.#twin;
  }

  #params = () => ({ snn: b1Params(this.#snn), twin: reluMlpParams(this.#twin) });

  #sync(): void {
    if (this.#gpu) {
      throw new SpikeproofError("the parameters are on the GPU: `await trainer.pull()` first");
    }
    this.#stale = false;
    this.#step!.read(this.#params());
  }

  /** Copies the parameters back from an asynchronous backend's step, if they changed there. */
  async pull(): Promise<void> {
    if (!this.#gpu || !this.#stale) return;
    await this.#gpu.read(this.#params());
    this.#stale = false;
  }

  /** Stops the step's workers or frees its GPU buffers, if any. */
  close(): void {
    this.#step?.close();
    this.#gpu?.close();
  }

  /** {@link step}, through an asynchronous backend's own step where there is one. */
  async stepAsync(x: Float64Array, labels: ArrayLike<number>, batch: number): Promise<TwinStep> {
    if (!this.#gpu) return this.step(x, labels, batch);
    return this.#widen(await this.#gpu.step(checkCodingRange(x), labels, batch));
  }

  /** After a step: widen the intervals (SPEC A1); the parameters may now live in the step. */
  #widen({ maxActivation, ...figures }: TwinStepResult): TwinStep {
    this.#snn.intervals = widenIntervals(this.#snn.intervals, maxActivation);
    this.#stale = true;
    return figures;
  }

  /** {@link evaluate} after `pull()` (on the CPU reference when the step runs on the GPU). */
  async evaluateAsync(
    x: Float64Array,
    labels: ArrayLike<number>,
    count: number,
    chunk = 500,
  ): Promise<TwinEvaluation> {
    await this.pull();
    return this.evaluate(x, labels, count, chunk);
  }

  /** One training step on x [batch, nIn] (values in [0, 1]) with integer labels. */
  step(x: Float64Array, labels: ArrayLike<number>, batch: number): TwinStep {
    if (this.#gpu) throw new SpikeproofError("this trainer steps on the GPU: use stepAsync");
    return this.#widen(this.#step!.step(checkCodingRange(x), labels, batch));
  }

  /** Evaluate both models on x [count, nIn], in chunks of `chunk` samples (`evaluateTwins`). */
  evaluate(x: Float64Array, labels: ArrayLike<number>, count: number, chunk = 500): TwinEvaluation {
    const { snn, twin } = this, forward = this.#step?.forward;
    const models = { snn, twin, backend: this.#backend, forward, twinTrained: this.twinTrained };
    return evaluateTwins(models, x, labels, count, chunk);
  }

  /** Largest |W - w| and |D - b| between the SNN and its twin. */
  maxAbsWeightDiff(): number {
    return maxAbsDifference(b1Params(this.snn), reluMlpParams(this.twin));
  }
}
