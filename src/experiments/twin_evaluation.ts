/**
 * Evaluating a B = 1 SNN and its ReLU twin on a data set (`TwinTrainer.evaluate`): both models'
 * accuracy, how often they predict the same class, their largest logit difference and the
 * SNN's spikes per neuron (SPEC A9).
 *
 * Three cases, by the step that trains them:
 *   - the reference step (float64): both models' own forwards, on every sample;
 *   - a fused float32 step that trains the twin: both from the step's forward, on every sample;
 *   - a fused step without the twin (the wasm default): the twin is the SNN's ReLU map, the
 *     same float32 numbers, so comparing the two fused forwards would compare a computation with
 *     itself. Accuracies and spikes come from the fused forward on every sample; the agreement
 *     and the logit difference compare the SNN itself (its spike times in float64: encodeInput,
 *     b1Forward on the reference primitives, with the current intervals) with the fused float32
 *     ReLU forward, on the first `check` samples (default {@link AGREEMENT_SAMPLES}: float64
 *     conv forwards are slow).
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { argmaxRows } from "../nn/loss.ts";
import { type ReluMlp, reluMlpForward } from "../nn/mlp.ts";
import { b1Forward, type B1Network } from "../ttfs/b1.ts";
import { checkCodingRange, encodeInput } from "../ttfs/encoding.ts";
import { countSpikes } from "../ttfs/spikes.ts";
import type { TwinForward } from "../steps/ttfs/step.ts";

/** Accuracy of both models and their agreement on a data set. */
export interface TwinEvaluation {
  /** SNN accuracy, in [0, 1]. */
  accuracy: number;
  /** ReLU twin accuracy, in [0, 1]. */
  twinAccuracy: number;
  /** Fraction of the compared samples on which SNN and twin predict the same class. */
  agreement: number;
  /** How many samples the agreement and the logit difference compare. */
  agreementSamples: number;
  /** Largest |SNN logit - twin logit| over the compared samples and all classes. */
  maxAbsLogitDiff: number;
  /** Spikes per hidden neuron, overall and per layer (SPEC A9). */
  spikesPerNeuron: number;
  /** Spikes per neuron of each hidden layer, first hidden layer first. */
  spikesPerLayer: number[];
}

/**
 * Samples on which a fused step without the twin compares the float64 SNN with the float32 ReLU
 * forward, per evaluation.
 *
 * @example
 * ```ts
 * import { AGREEMENT_SAMPLES } from "./twin_evaluation.ts";
 * console.log(AGREEMENT_SAMPLES); // 2000
 * ```
 */
export const AGREEMENT_SAMPLES = 2000;

/** What an evaluation reads: the two networks, the kernels, the step's forward if fused. */
export interface TwinModels {
  /** The SNN at its current weights and intervals. */
  snn: B1Network;
  /** The twin at its current weights. */
  twin: ReluMlp;
  /** The kernels of the reference forwards. */
  backend: Backend;
  /** The fused step's forward, if the step is fused. */
  forward?: (x: Float64Array, batch: number) => TwinForward;
  /** Whether the step trains the twin. */
  twinTrained: boolean;
}

/** One chunk's logits: the SNN's, the twin's, spike times, and the compared pair if any. */
function chunkLogits(models: TwinModels, xs: Float64Array, m: number, check: number) {
  const { snn, twin, backend, forward } = models;
  if (!forward) {
    const fwd = b1Forward(snn, encodeInput(xs), m, backend);
    const twinLogits = reluMlpForward(twin, xs, m, backend).logits;
    return {
      logits: fwd.logits,
      twinLogits,
      times: fwd.neuronTimes,
      pair: [fwd.logits, twinLogits],
      rows: m,
    };
  }
  const r = forward(checkCodingRange(xs), m), { tmax } = snn.intervals;
  const times = [
    new Float64Array(0),
    ...r.activations.map((a, n) => a.map((v) => tmax[n + 1] - v)),
  ];
  if (models.twinTrained) {
    return {
      logits: r.logits,
      twinLogits: r.twinLogits,
      times,
      pair: [r.logits, r.twinLogits],
      rows: m,
    };
  }
  const rows = Math.min(m, check), classes = r.logits.length / m;
  const snn64 = b1Forward(
    snn,
    encodeInput(xs.subarray(0, rows * (xs.length / m))),
    rows,
    refBackend,
  );
  const pair = [snn64.logits, r.twinLogits.subarray(0, rows * classes)];
  return { logits: r.logits, twinLogits: r.twinLogits, times, pair, rows };
}

/**
 * Evaluates both models on x [count, nIn] (values in [0, 1]) in chunks of `chunk` samples.
 *
 * @example
 * ```ts
 * import { refBackend } from "../backend/ref.ts";
 * import { Rng } from "../nn/rng.ts";
 * import { initB1Network } from "../ttfs/b1.ts";
 * import { reluFromB1 } from "../ttfs/mapping.ts";
 * import { evaluateTwins } from "./twin_evaluation.ts";
 * const snn = initB1Network([4, 3, 2], new Rng(1));
 * const models = { snn, twin: reluFromB1(snn), backend: refBackend, twinTrained: true };
 * console.log(evaluateTwins(models, new Float64Array(8).fill(0.5), [0, 1], 2).agreement); // 1
 * ```
 */
export function evaluateTwins(
  models: TwinModels,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  chunk = 500,
  check = AGREEMENT_SAMPLES,
): TwinEvaluation {
  const { layers } = models.snn, nIn = layers[0].nIn, classes = layers[layers.length - 1].nOut;
  let correct = 0, twinCorrect = 0, agree = 0, compared = 0, maxDiff = 0, spikes = 0, neurons = 0;
  const perLayer = new Array(layers.length - 1).fill(0);
  for (let s = 0; s < count; s += chunk) {
    const m = Math.min(chunk, count - s), xs = x.subarray(s * nIn, (s + m) * nIn);
    const c = chunkLogits(models, xs, m, Math.max(0, check - s));
    const p = argmaxRows(c.logits, m, classes), q = argmaxRows(c.twinLogits, m, classes);
    for (let b = 0; b < m; b++) {
      correct += +(p[b] === labels[s + b]);
      twinCorrect += +(q[b] === labels[s + b]);
    }
    const [a, t] = c.pair, pa = argmaxRows(a, c.rows, classes), pt = argmaxRows(t, c.rows, classes);
    for (let b = 0; b < c.rows; b++) agree += +(pa[b] === pt[b]);
    for (let k = 0; k < a.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k] - t[k]));
    compared += c.rows;
    const n = countSpikes(c.times, models.snn.intervals);
    spikes += n.spikes;
    neurons += n.neurons;
    n.perLayer.forEach((r, l) => (perLayer[l] += r * m));
  }
  return {
    accuracy: correct / count,
    twinAccuracy: twinCorrect / count,
    agreement: compared ? agree / compared : NaN,
    agreementSamples: compared,
    maxAbsLogitDiff: maxDiff,
    spikesPerNeuron: neurons ? spikes / neurons : 0,
    spikesPerLayer: perLayer.map((v) => v / count),
  };
}
