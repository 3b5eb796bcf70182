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
import { argmaxRows } from "../nn/loss.ts";
import { type ReluMlp, reluMlpForward, reluMlpParams } from "../nn/mlp.ts";
import type { AdamOptions } from "../nn/optim.ts";
import { Rng } from "../nn/rng.ts";
import { b1Forward, type B1Network, b1Params, initB1Network } from "../ttfs/b1.ts";
import { checkCodingRange, encodeInput } from "../ttfs/encoding.ts";
import { INTERVAL_ZETA, widenIntervals } from "../ttfs/intervals.ts";
import { reluFromB1 } from "../ttfs/mapping.ts";
import { createRefTwinStep } from "../steps/ttfs/ref.ts";
import { createTwinStep, openTwinStep, type TwinStepChoice } from "../steps/ttfs/select.ts";
import type { AsyncTwinStepRunner, TwinStepResult, TwinStepRunner } from "../steps/ttfs/step.ts";
import { countSpikes } from "../ttfs/spikes.ts";
import { checkInitialNetwork, cloneB1 } from "./divergence.ts";

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

/** Accuracy of both models and their agreement on a data set. */
export interface TwinEvaluation {
  /** SNN accuracy, in [0, 1]. */
  accuracy: number;
  /** ReLU twin accuracy, in [0, 1]. */
  twinAccuracy: number;
  /** Fraction of samples on which SNN and twin predict the same class. */
  agreement: number;
  /** Largest |SNN logit - twin logit| over all samples and classes. */
  maxAbsLogitDiff: number;
  /** Spikes per hidden neuron, overall and per layer (SPEC A9). */
  spikesPerNeuron: number;
  /** Spikes per neuron of each hidden layer, first hidden layer first. */
  spikesPerLayer: number[];
}

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
    this.#step = createTwinStep(backend, { snn, twin }, this.#adamOptions, options);
  }

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
    const trainer = new TwinTrainer(sizes, { ...options, step: "ref" });
    const nets = { snn: trainer.#snn, twin: trainer.#twin };
    trainer.#gpu = await openTwinStep(backend, nets, TwinTrainer.#adam(options), options);
    trainer.#step = undefined;
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

  /** Evaluate both models on x [count, nIn], in chunks of `chunk` samples. */
  evaluate(x: Float64Array, labels: ArrayLike<number>, count: number, chunk = 500): TwinEvaluation {
    const nIn = this.snn.layers[0].nIn;
    const classes = this.snn.layers[this.snn.layers.length - 1].nOut;
    let correct = 0, twinCorrect = 0, agree = 0, maxDiff = 0, spikes = 0, neurons = 0;
    const perLayer = new Array(this.snn.layers.length - 1).fill(0);
    for (let s = 0; s < count; s += chunk) {
      const m = Math.min(chunk, count - s), xs = x.subarray(s * nIn, (s + m) * nIn);
      const fwd = this.#forwardBoth(xs, m);
      const p = argmaxRows(fwd.logits, m, classes), q = argmaxRows(fwd.twinLogits, m, classes);
      for (let b = 0; b < m; b++) {
        correct += +(p[b] === labels[s + b]);
        twinCorrect += +(q[b] === labels[s + b]);
        agree += +(p[b] === q[b]);
      }
      for (let k = 0; k < fwd.logits.length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(fwd.logits[k] - fwd.twinLogits[k]));
      }
      const c = countSpikes(fwd.neuronTimes, this.snn.intervals);
      spikes += c.spikes;
      neurons += c.neurons;
      c.perLayer.forEach((r, n) => (perLayer[n] += r * m));
    }
    return {
      accuracy: correct / count,
      twinAccuracy: twinCorrect / count,
      agreement: agree / count,
      maxAbsLogitDiff: maxDiff,
      spikesPerNeuron: neurons ? spikes / neurons : 0,
      spikesPerLayer: perLayer.map((v) => v / count),
    };
  }

  /**
   * Both models' logits and the SNN's spike times per neuron (index 0, the input, unused). On a
   * fused step that trains the twin, both come from its forward pass. On one that does not (the
   * twin is the SNN's ReLU map, the same float32 numbers), the twin's logits come from the fused
   * float32 ReLU forward and the SNN's from its spike times in float64 (encodeInput, b1Forward
   * on the reference primitives, with the current intervals): the agreement then compares the
   * SNN itself with the float32 ReLU computation the fast path trains.
   */
  #forwardBoth(xs: Float64Array, m: number) {
    const step = this.#step;
    if (step?.forward && step.twinTrained !== false) {
      const r = step.forward(checkCodingRange(xs), m), { tmax } = this.#snn.intervals;
      const times = r.activations.map((a, n) => a.map((v) => tmax[n + 1] - v)); // t = tmax - a
      return {
        logits: r.logits,
        twinLogits: r.twinLogits,
        neuronTimes: [new Float64Array(0), ...times],
      };
    }
    const fused = step?.forward !== undefined;
    const fwd = b1Forward(this.snn, encodeInput(xs), m, fused ? refBackend : this.#backend);
    if (step?.forward) {
      const twinLogits = step.forward(checkCodingRange(xs), m).twinLogits;
      return { logits: fwd.logits, twinLogits, neuronTimes: fwd.neuronTimes };
    }
    const tw = reluMlpForward(this.twin, xs, m, this.#backend);
    return { logits: fwd.logits, twinLogits: tw.logits, neuronTimes: fwd.neuronTimes };
  }

  /** Largest |W - w| and |D - b| between the SNN and its twin. */
  maxAbsWeightDiff(): number {
    return maxAbsDifference(b1Params(this.snn), reluMlpParams(this.twin));
  }
}
