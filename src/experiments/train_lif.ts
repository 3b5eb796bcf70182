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
import { gatherBatch, toFloatImages } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { checkImagesFit } from "../data/fit.ts";
import { OptionError } from "../errors.ts";
import { codeInput, type InputCoding } from "../lif/coding.ts";
import { safToLif } from "../lif/convert.ts";
import { type CostCount, CostCounter } from "../lif/cost.ts";
import { type LifMethod, lifMethod } from "../lif/methods.ts";
import { initLifNetwork, type LifNetwork, lifParams } from "../lif/network.ts";
import { SPEC_LIF } from "../lif/neuron.ts";
import { neuronsOf } from "../nn/layer.ts";
import { argmaxRows } from "../nn/loss.ts";
import { Adam, ADAM_DEFAULTS } from "../nn/optim.ts";
import { Rng } from "../nn/rng.ts";
import {
  checkInitialNetwork,
  checkLifParameters,
  checkLoss,
  cloneLif,
  runAt,
  stepAt,
} from "./divergence.ts";
import { evaluateLif } from "./evaluate_lif.ts";
import { checkPositiveInt, progressAt } from "./training_run.ts";

export { evaluateLif } from "./evaluate_lif.ts";

export type { LifEpochRecord, TrainLifOptions, TrainLifResult } from "./lif_run_types.ts";
import type { LifEpochRecord, TrainLifOptions, TrainLifResult } from "./lif_run_types.ts";

/** A per-sample summary of a counter. */
function perSample(c: CostCount, size: number, net: LifNetwork): TrainLifResult["stateFloats"] {
  const hidden = net.layers.slice(0, -1).reduce((n, l) => n + neuronsOf(l), 0);
  const synapses = lifParams(net).reduce((n, p) => n + p.length, 0);
  return {
    perNeuron: c.neuronStateFloats / size / Math.max(1, hidden),
    perInput: c.inputStateFloats / size / net.layers[0].nIn,
    perSynapse: c.synapseStateFloats / synapses,
    total: (c.neuronStateFloats + c.inputStateFloats) / size + c.synapseStateFloats,
  };
}

/** What the training loop asks its driver for (see {@link lifTrainingLoop}). */
export type LifLoopRequest =
  | {
    kind: "batch";
    /** The coded input, T steps of [size, nIn]. */
    xs: Float64Array[];
    labels: Int32Array;
    size: number;
    /** Set on the first batch: count the method's cost of this batch (or of one sample). */
    counter?: CostCounter;
    /** Where the run is ("epoch 2, step 17"), for `stepAt`. */
    where: string;
  }
  | { kind: "sync" };

/** The driver's answer to a batch request; nothing answers a "sync" request. */
export interface LifBatchOutcome {
  /** The batch's loss (as the method's `GradientResult.loss`). */
  loss: number;
  /** Samples predicted right (argmax of the method's scores). */
  correct: number;
  /** Samples the counter of the request counted (the batch, or 1). */
  countedSize: number;
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

/**
 * The training schedule shared by every driver, as a generator: it yields a "batch" request
 * per step (the driver trains on it and answers with a {@link LifBatchOutcome}) and a "sync"
 * request before each evaluation (a driver that keeps the weights elsewhere, e.g. on a GPU,
 * copies them into `setup.net` then); evaluation runs on `evalBackend`. Returns the result.
 *
 * @example
 * ```ts ignore
 * const loop = lifTrainingLoop(train, test, options, setup, refBackend);
 * for (let r = loop.next(); !r.done; r = loop.next(answer(r.value)));
 * ```
 */
export function* lifTrainingLoop(
  train: ImageSet,
  test: ImageSet,
  options: TrainLifOptions,
  setup: LifSetup,
  evalBackend: Backend,
): Generator<LifLoopRequest, TrainLifResult, LifBatchOutcome | undefined> {
  const { method: name, T, epochs, batch, lr, seed } = options, { method, net, coding } = setup;
  const decayRate = options.decayRate ?? ADAM_DEFAULTS.decayRate;
  const decaySteps = options.decaySteps ?? ADAM_DEFAULTS.decaySteps;
  const rng = new Rng(seed ^ 0x6a09e667), testX = toFloatImages(test);
  const stepsPerEpoch = Math.ceil(train.count / batch);
  const start = performance.now(), history: LifEpochRecord[] = [];
  let cost: CostCount | undefined, firstSize = batch, peak = process.memoryUsage().rss;
  options.onCheckpoint?.(cloneLif(net), 0);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.permutation(train.count), t0 = performance.now();
    let loss = 0, correct = 0, seen = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const b = gatherBatch(train, order, step * batch, batch);
      const counter = cost ? undefined : new CostCounter();
      const xs = codeInput(b.x, T, coding, seed + (epoch - 1) * stepsPerEpoch + step);
      const where = runAt(epoch, step);
      const r = yield { kind: "batch", xs, labels: b.labels, size: b.size, counter, where };
      if (!r) throw new OptionError("the training driver answered no batch outcome");
      checkLoss(r.loss, "the training loss", where);
      if (counter) (cost = counter.snapshot()), (firstSize = r.countedSize);
      (loss += r.loss * b.size),
        (correct += r.correct),
        (seen += b.size),
        (peak = Math.max(peak, process.memoryUsage().rss));
      const at = { epoch, epochs, step, stepsPerEpoch };
      options.onProgress?.(progressAt(at, loss / seen, correct / seen, start));
    }
    yield { kind: "sync" };
    checkLifParameters(net, runAt(epoch));
    options.onCheckpoint?.(cloneLif(net), epoch);
    const evaluation = evaluateLif(
      name.startsWith("saf-") ? safToLif(net) : net, // SAF weights run as LIF neurons
      testX,
      test.labels,
      test.count,
      T,
      method.prediction,
      coding,
      evalBackend,
    );
    history.push({
      epoch,
      trainLoss: loss / seen,
      trainAccuracy: correct / seen,
      testAccuracy: evaluation.accuracy,
      firingRate: evaluation.firingRate,
      seconds: (performance.now() - t0) / 1000,
    });
    options.onEpoch?.(history[history.length - 1]);
  }
  const last = history[history.length - 1], c = cost!;
  return {
    method: name,
    T,
    lambda: net.lambda,
    vth: net.vth,
    surrogateSlope: net.surrogateSlope,
    coding,
    epochs,
    batch,
    lr,
    decayRate,
    decaySteps,
    seed,
    trainCount: train.count,
    testCount: test.count,
    testAccuracy: last.testAccuracy,
    firingRate: last.firingRate,
    macsForward: c.macsForward / firstSize,
    macsBackward: c.macsBackward / firstSize,
    stateFloats: perSample(c, firstSize, net),
    seconds: (performance.now() - start) / 1000,
    peakMemoryBytes: peak,
    history,
    network: net,
  };
}

/**
 * Train on `train`, evaluate on `test` after every epoch.
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
  const backend = options.backend ?? refBackend;
  const decayRate = options.decayRate ?? ADAM_DEFAULTS.decayRate;
  const decaySteps = options.decaySteps ?? ADAM_DEFAULTS.decaySteps;
  const adam = new Adam(lifParams(net), { lr: options.lr, decayRate, decaySteps });
  const { mseWeight, readout, variant } = options;
  const classes = net.layers[net.layers.length - 1].nOut;
  const loop = lifTrainingLoop(train, test, options, setup, backend);
  for (let req = loop.next();;) {
    if (req.done) return req.value;
    if (req.value.kind === "sync") {
      req = loop.next();
      continue;
    }
    const { xs, labels, size, counter, where } = req.value;
    const r = stepAt(where, () =>
      method.gradients(net, xs, labels, size, {
        mseWeight,
        readout,
        variant,
        backend,
        cost: counter,
        onStep: method.update === "step" ? (g) => adam.step(g) : undefined,
      }));
    if (method.update === "batch") adam.step(r.grads);
    let correct = 0;
    argmaxRows(r.scores, size, classes).forEach((p, k) => (correct += +(p === labels[k])));
    req = loop.next({ loss: r.loss, correct, countedSize: size });
  }
}
