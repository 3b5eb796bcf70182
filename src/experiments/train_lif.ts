/**
 * Train a LIF network with one of the methods of `lif/methods.ts` on an image set, evaluate
 * it after every epoch with plain LIF inference (SAF weights converted first), and report
 * accuracy, firing rate, the method's counted cost, wall time and peak memory. The CLI's
 * `train --model lif-*` and the tests call `trainLif`. Empty sets and images that do not fit
 * the first layer are refused before any work; a non-finite loss (checked every batch) or
 * weight (every epoch's end) stops the run with a NumericalError (`divergence.ts`).
 *
 * @module
 */
import process from "node:process";
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { toFloatImages } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { checkImagesFit } from "../data/fit.ts";
import { codeInput, type InputCoding } from "../lif/coding.ts";
import { safToLif } from "../lif/convert.ts";
import { type CostCount, CostCounter } from "../lif/cost.ts";
import { type LifMethod, lifMethod } from "../lif/methods.ts";
import { initLifNetwork, type LifNetwork, lifParams } from "../lif/network.ts";
import { SPEC_LIF } from "../lif/neuron.ts";
import { neuronsOf } from "../nn/layer.ts";
import { Rng } from "../nn/rng.ts";
import { createLifStep } from "../steps/lif/select.ts";
import { checkInitialNetwork, checkLifParameters, cloneLif, runAt, stepAt } from "./divergence.ts";
import { evaluateLif } from "./evaluate_lif.ts";
import {
  driveSync,
  type EpochRequest,
  type EpochsDone,
  runEpochs,
  type StepFigures,
} from "./run_epochs.ts";
import { checkPositiveInt, runSummary } from "./training_run.ts";

/** Accuracy and spikes per hidden neuron per step of plain LIF inference (`evaluateLif`). */
export type LifEvaluation = ReturnType<typeof evaluateLif>;

export { evaluateLif } from "./evaluate_lif.ts";

export type { LifEpochRecord, TrainLifOptions, TrainLifResult } from "./lif_run_types.ts";
import type { LifEpochRecord, TrainLifOptions, TrainLifResult } from "./lif_run_types.ts";

/** The state floats of a counter that counted one sample (`countCost`), per neuron, input and synapse. */
function perSample(c: CostCount, net: LifNetwork): TrainLifResult["stateFloats"] {
  const hidden = net.layers.slice(0, -1).reduce((n, l) => n + neuronsOf(l), 0);
  const synapses = lifParams(net).reduce((n, p) => n + p.length, 0);
  return {
    perNeuron: c.neuronStateFloats / Math.max(1, hidden),
    perInput: c.inputStateFloats / net.layers[0].nIn,
    perSynapse: c.synapseStateFloats / synapses,
    total: c.neuronStateFloats + c.inputStateFloats + c.synapseStateFloats,
  };
}

/** The checked setup every training driver starts from. */
export interface LifSetup {
  /** The method (`lif/methods.ts`): its gradients, update and prediction. */
  method: LifMethod;
  /** The network trained in place: `options.init`, or a fresh one from the seed. */
  net: LifNetwork;
  /** The input coding (default "direct"). */
  coding: InputCoding;
}

/**
 * Checks the options and makes (or takes) the network.
 *
 * @example
 * ```ts ignore
 * const { method, net } = prepareLif(data.train, data.test, options);
 * ```
 */
export function prepareLif(train: ImageSet, test: ImageSet, options: TrainLifOptions): LifSetup {
  const { method: name, T, epochs, batch, seed } = options, method = lifMethod(name);
  for (const [k, v] of Object.entries({ T, epochs, batch })) checkPositiveInt(v, k);
  const params = { ...SPEC_LIF, ...options.neuron }, coding = options.coding ?? "direct";
  if (options.init) checkInitialNetwork(options.init);
  const net = options.init ?? initLifNetwork(options.layers, new Rng(seed), params);
  checkImagesFit(train, net.layers[0], "the training set");
  checkImagesFit(test, net.layers[0], "the test set");
  return { method, net, coding };
}

/** A copy of the network (the cost count runs the method on it). */
function cloneNet(net: LifNetwork): LifNetwork {
  return { ...net, layers: net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })) };
}

/**
 * The method's counted cost (MACs, state floats) of one batch, run on one sample of a copy of
 * the network (the counts are per sample and do not depend on the values), so every step,
 * fused or not, reports the reference's figures.
 */
function countCost(
  setup: LifSetup,
  options: TrainLifOptions,
  xs: Float64Array[],
  labels: Int32Array,
) {
  const cost = new CostCounter(), nIn = setup.net.layers[0].nIn;
  const { mseWeight, readout, variant } = options;
  const one = xs.map((x) => x.slice(0, nIn));
  setup.method.gradients(cloneNet(setup.net), one, labels.subarray(0, 1), 1, {
    mseWeight,
    readout,
    variant,
    cost,
  });
  return cost.snapshot();
}

/** Where the LIF hooks keep the run's cost and memory figures. */
export interface LifTally {
  /** The method's counted cost of one sample (set on the first batch). */
  cost?: CostCount;
  /** The largest resident set size seen so far, in bytes. */
  peak: number;
}

/**
 * The LIF hooks of the one loop (`runEpochs`): the input coded into T steps (a seed per
 * batch), the cost counted on the first batch, the peak memory, the weights checked and
 * checkpointed, and plain LIF inference on `test` per epoch (SAF weights converted first),
 * with `evalBackend`. Every LIF driver (`trainLif`, `trainLifWebGpu`) runs these.
 *
 * @example
 * ```ts ignore
 * const done = driveSync(lifEpochs(train, test, options, setup, tally, refBackend), answer);
 * ```
 */
export function lifEpochs(
  train: ImageSet,
  test: ImageSet,
  options: TrainLifOptions,
  setup: LifSetup,
  tally: LifTally,
  evalBackend: Backend,
): Generator<EpochRequest<Float64Array[]>, EpochsDone<LifEvaluation, LifEpochRecord>, unknown> {
  const { T, seed } = options, { net, coding } = setup, testX = toFloatImages(test);
  const saf = options.method.startsWith("saf-");
  return runEpochs<Float64Array[], StepFigures, LifEvaluation, LifEpochRecord>(train, options, {
    lossName: "the training loss",
    input(b, epoch, step, stepsPerEpoch) {
      const xs = codeInput(b.x, T, coding, seed + (epoch - 1) * stepsPerEpoch + step);
      tally.cost ??= countCost(setup, options, xs, b.labels);
      return xs;
    },
    stepped: () => void (tally.peak = Math.max(tally.peak, process.memoryUsage().rss)),
    checkpoint(epoch) {
      if (epoch > 0) checkLifParameters(net, runAt(epoch));
      options.onCheckpoint?.(cloneLif(net), epoch);
    },
    evaluate: () =>
      evaluateLif(
        saf ? safToLif(net) : net, // SAF weights run as LIF neurons
        testX,
        test.labels,
        test.count,
        T,
        setup.method.prediction,
        coding,
        evalBackend,
      ),
    record: (base, e) => ({ ...base, testAccuracy: e.accuracy, firingRate: e.firingRate }),
  });
}

/**
 * The run's report from the loop's end.
 *
 * @example
 * ```ts ignore
 * return lifResult(train, test, options, setup, tally, driveSync(loop, answer));
 * ```
 */
export function lifResult(
  train: ImageSet,
  test: ImageSet,
  options: TrainLifOptions,
  { net, coding }: LifSetup,
  { cost, peak }: LifTally,
  { history, evaluation, seconds }: EpochsDone<LifEvaluation, LifEpochRecord>,
): TrainLifResult {
  const { method, T, variant } = options, c = cost!;
  return {
    method,
    ...(variant ? { variant } : {}),
    T,
    lambda: net.lambda,
    vth: net.vth,
    surrogateSlope: net.surrogateSlope,
    coding,
    ...runSummary(options, train.count, test.count),
    testAccuracy: evaluation.accuracy,
    firingRate: evaluation.firingRate,
    macsForward: c.macsForward,
    macsBackward: c.macsBackward,
    stateFloats: perSample(c, net),
    seconds,
    peakMemoryBytes: peak,
    history,
    network: net,
  };
}

/**
 * Train on `train` with the method's step for `options.backend` (`steps/lif/select.ts`: on wasm
 * the fused float32 step of the method where there is one, or the reference step on the
 * backend's primitives), evaluate on `test` after every epoch.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from "../data/fashion_mnist.ts";
 * import { trainLif } from "./train_lif.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * const r = trainLif(data.train, data.test, { layers: [784, 32, 10], method: "saf-e", T: 2, epochs: 1, batch: 32, lr: 1e-3, seed: 0 });
 * console.log(r.testAccuracy > 0.3); // true
 * ```
 */
export function trainLif(
  train: ImageSet,
  test: ImageSet,
  options: TrainLifOptions,
): TrainLifResult {
  const setup = prepareLif(train, test, options), { method, net } = setup;
  const backend = options.backend ?? refBackend, tally = { peak: process.memoryUsage().rss };
  const { mseWeight, readout, variant } = options;
  const adam = { lr: options.lr, decayRate: options.decayRate, decaySteps: options.decaySteps };
  const step = createLifStep(backend, { net, method, adam, mseWeight, readout, variant });
  const loop = lifEpochs(train, test, options, setup, tally, backend);
  const done = driveSync(loop, (q) => {
    if (q.kind === "step") return stepAt(q.where, () => step.step(q.x, q.labels, q.size));
    step.read(net); // "pull": the fused step's weights into net (the reference's are net's own)
  });
  return lifResult(train, test, options, setup, tally, done);
}
