/**
 * The main job: train a B = 1 TTFS network and its ReLU twin on an image set, evaluate both on
 * the test set after every epoch, and report accuracy, agreement and spikes per neuron.
 * The CLI's `train` and `demo` commands and the tests all call `trainTtfs`; `trainTtfsAsync`
 * runs the same schedule on an asynchronous backend (WebGPU's own training step).
 *
 * Guards (`divergence.ts`, `data/fit.ts`): empty sets and images that do not fit the first
 * layer are refused before any work; a non-finite loss of either model (checked every step)
 * or parameter (every epoch's end) stops the run with a NumericalError.
 *
 * @module
 */
import type { AsyncBackend } from "../backend/backend.ts";
import { gatherBatch, toFloatImages } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { checkImagesFit } from "../data/fit.ts";
import { OptionError } from "../errors.ts";
import { denseLayers, describeLayers, layerSizes } from "../nn/architecture.ts";
import type { LayerGeometry } from "../nn/layer.ts";
import type { B1Network } from "../ttfs/b1.ts";
import type { TwinStepChoice } from "../steps/ttfs/select.ts";
import { SPIKES_PER_NEURON_CONVENTION } from "../ttfs/spikes.ts";
import { checkB1Parameters, checkLoss, cloneB1, runAt, stepAt } from "./divergence.ts";
import {
  driveAsync,
  driveSync,
  type EpochRequest,
  type EpochsDone,
  runEpochs,
} from "./run_epochs.ts";
import { checkPositiveInt, runSummary, type TrainingRunOptions } from "./training_run.ts";
import type { EpochRecord, TrainTtfsResult } from "./ttfs_result.ts";
import {
  type TwinEvaluation,
  type TwinStep,
  TwinTrainer,
  type TwinTrainerOptions,
} from "./twin_trainer.ts";

export type { EpochRecord, TrainTtfsResult } from "./ttfs_result.ts";

/** Options of {@link trainTtfs}. */
export interface TrainTtfsOptions
  extends TrainingRunOptions<B1Network, EpochRecord>, TwinStepChoice {
  /** Hidden layer widths of a dense net, e.g. [340] for ttfs-fc2 (784-340-10). */
  hidden?: number[];
  /** A whole architecture instead (e.g. conv layers from `ttfsModelLayers`); `hidden` is then
   * ignored. Its input must fit the images and its readout the classes. */
  layers?: LayerGeometry[];
}

const max = (a: number, b: number): number => (a > b ? a : b);

/** Options of {@link trainTtfsAsync}: those of `trainTtfs`, with an asynchronous backend. */
export interface TrainTtfsAsyncOptions extends Omit<TrainTtfsOptions, "backend"> {
  /** From `openBackend` (default the float64 reference). */
  backend?: AsyncBackend;
}

/** What the schedule reads of either driver's options. */
type RunOptions = Omit<TrainTtfsOptions, "backend">;

/** The checked layers and trainer options of a run. */
interface Prepared {
  layers: LayerGeometry[];
  sizes: number[];
  trainer: TwinTrainerOptions;
}

function prepare(train: ImageSet, test: ImageSet, options: RunOptions): Prepared {
  const { hidden, epochs, batch, lr, seed } = options;
  checkPositiveInt(epochs, "epochs");
  checkPositiveInt(batch, "batch");
  hidden?.forEach((h) => checkPositiveInt(h, "hidden width"));
  if (!hidden && !options.layers && !options.init) {
    throw new OptionError("give hidden widths, layers or an initial network");
  }
  if (!(lr > 0) || !Number.isFinite(lr)) throw new OptionError(`lr must be > 0, got ${lr}`);
  const classes = 1 + Math.max(train.labels.reduce(max, 0), test.labels.reduce(max, 0));
  const layers = options.init?.layers ?? options.layers ??
    denseLayers([train.rows * train.cols, ...hidden!, classes]);
  checkImagesFit(train, layers[0], "the training set");
  checkImagesFit(test, layers[0], "the test set");
  const sizes = layerSizes(layers);
  if (sizes[sizes.length - 1] < classes) {
    throw new OptionError(
      `a ${
        sizes.join("-")
      } network does not fit ${train.rows}x${train.cols} images in ${classes} classes`,
    );
  }
  const { decayRate, decaySteps, init, step, twin } = options;
  return { layers, sizes, trainer: { seed, lr, decayRate, decaySteps, init, step, twin } };
}

/** The first batch of the training set in its own order: what the twin replay trains on. */
function replayBatch(train: ImageSet, batch: number) {
  const size = Math.min(batch, train.count);
  return gatherBatch(train, Array.from({ length: size }, (_, k) => k), 0, size);
}

/** The TTFS hooks of the one loop (`runEpochs`), and the result from its end. */
function ttfsEpochs(
  train: ImageSet,
  test: ImageSet,
  options: RunOptions,
  prepared: Prepared,
  trainer: TwinTrainer,
): Generator<EpochRequest<Float64Array>, TrainTtfsResult, TwinStep | undefined> {
  const testX = toFloatImages(test), replay = replayBatch(train, options.batch);
  return (function* () {
    let twinLoss = 0, replayDiff: number | undefined;
    const done = yield* runEpochs<Float64Array, TwinStep, TwinEvaluation, EpochRecord>(
      train,
      options,
      {
        lossName: "the SNN's training loss",
        input: (b) => b.x,
        stepped(s, size, where) {
          if (!trainer.twinTrained) return;
          checkLoss(s.twinLoss, "the ReLU twin's training loss", where);
          twinLoss += s.twinLoss * size;
        },
        checkpoint(epoch) {
          if (epoch > 0) checkB1Parameters(trainer.snn, trainer.twin, runAt(epoch));
          options.onCheckpoint?.(cloneB1(trainer.snn), epoch);
          // the twin not trained: the float64 reference replays a few steps from here instead
          if (epoch > 0 && !trainer.twinTrained) {
            replayDiff = trainer.replayTwin(replay.x, replay.labels, replay.size);
          }
        },
        evaluate: () => trainer.evaluate(testX, test.labels, test.count),
        record(base, e) {
          const reluTwinTrainLoss = trainer.twinTrained ? twinLoss / train.count : NaN;
          twinLoss = 0;
          const { epoch, trainLoss, trainAccuracy, seconds } = base;
          return {
            epoch,
            trainLoss,
            trainAccuracy,
            reluTwinTrainLoss,
            testAccuracy: e.accuracy,
            reluTwinTestAccuracy: e.twinAccuracy,
            seconds,
            ...(replayDiff === undefined ? {} : { replayMaxAbsWeightDiff: replayDiff }),
          };
        },
      },
    );
    return ttfsResult(train, test, options, prepared, trainer, done);
  })();
}

/** The run's report from the loop's end. */
function ttfsResult(
  train: ImageSet,
  test: ImageSet,
  options: RunOptions,
  { layers, sizes }: Prepared,
  trainer: TwinTrainer,
  { history, evaluation, seconds }: EpochsDone<TwinEvaluation, EpochRecord>,
): TrainTtfsResult {
  return {
    sizes,
    architecture: describeLayers(layers),
    ...runSummary(options, train.count, test.count),
    testAccuracy: evaluation.accuracy,
    reluTwinTestAccuracy: evaluation.twinAccuracy,
    agreementWithReluTwin: evaluation.agreement,
    agreementSamples: evaluation.agreementSamples,
    maxAbsLogitDiffVsReluTwin: evaluation.maxAbsLogitDiff,
    reluTwin: trainer.twinTrained ? "trained" : "mapped",
    maxAbsWeightDiffVsReluTwin: trainer.twinTrained ? trainer.maxAbsWeightDiff() : NaN,
    spikesPerNeuron: evaluation.spikesPerNeuron,
    spikesPerNeuronConvention: SPIKES_PER_NEURON_CONVENTION,
    spikesPerLayer: evaluation.spikesPerLayer,
    intervals: trainer.snn.intervals,
    network: trainer.snn,
    history,
    seconds,
  };
}

/**
 * Train on `train`, evaluate on `test`.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from "../data/fashion_mnist.ts";
 * import { trainTtfs } from "./train_ttfs.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * const r = trainTtfs(data.train, data.test, { hidden: [32], epochs: 1, batch: 32, lr: 1e-3, seed: 0 });
 * console.log(r.testAccuracy > 0.5); // true
 * ```
 */
export function trainTtfs(
  train: ImageSet,
  test: ImageSet,
  options: TrainTtfsOptions,
): TrainTtfsResult {
  const prepared = prepare(train, test, options);
  const trainer = new TwinTrainer(prepared.layers, {
    ...prepared.trainer,
    backend: options.backend,
  });
  try {
    return driveSync(ttfsEpochs(train, test, options, prepared, trainer), (q) => {
      if (q.kind === "step") return stepAt(q.where, () => trainer.step(q.x, q.labels, q.size));
    });
  } finally {
    trainer.close(); // the wasm step's workers, if any
  }
}

/**
 * {@link trainTtfs} on an asynchronous backend (`openBackend`): on webgpu the dense network's
 * steps run on the GPU and every epoch's evaluation on the CPU reference, after the
 * parameters come back. The backend stays open (the caller closes it).
 *
 * @example
 * ```ts
 * import { openBackend } from "../backend/select.ts";
 * import { loadFashionMnist } from "../data/fashion_mnist.ts";
 * import { trainTtfsAsync } from "./train_ttfs.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * const backend = await openBackend("wasm");
 * const r = await trainTtfsAsync(data.train, data.test, { hidden: [32], epochs: 1, batch: 32, lr: 1e-3, seed: 0, backend });
 * console.log(r.testAccuracy > 0.5); // true
 * ```
 */
export async function trainTtfsAsync(
  train: ImageSet,
  test: ImageSet,
  options: TrainTtfsAsyncOptions,
): Promise<TrainTtfsResult> {
  const prepared = prepare(train, test, options);
  const trainer = options.backend
    ? await TwinTrainer.open(prepared.layers, options.backend, prepared.trainer)
    : new TwinTrainer(prepared.layers, prepared.trainer);
  try {
    return await driveAsync(ttfsEpochs(train, test, options, prepared, trainer), async (q) => {
      if (q.kind === "step") {
        return await stepAt(q.where, () => trainer.stepAsync(q.x, q.labels, q.size));
      }
      await trainer.pull();
    });
  } finally {
    trainer.close();
  }
}
