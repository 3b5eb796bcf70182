/**
 * The report of a TTFS training run (`trainTtfs`, `trainTtfsAsync` in train_ttfs.ts): the
 * figures of every epoch and of the run's end.
 *
 * @module
 */
import type { B1Network } from "../ttfs/b1.ts";
import type { CodingIntervals } from "../ttfs/intervals.ts";
import type { TrainingRunSummary } from "./training_run.ts";

/** One epoch's figures. */
export interface EpochRecord {
  /** The epoch, counted from 1. */
  epoch: number;
  /** The SNN's mean training loss over the epoch's samples. */
  trainLoss: number;
  /** The SNN's training accuracy over the epoch, in [0, 1]. */
  trainAccuracy: number;
  /** The ReLU twin's mean training loss over the epoch's samples. */
  reluTwinTrainLoss: number;
  /** SNN test accuracy after the epoch, in [0, 1]. */
  testAccuracy: number;
  /** ReLU twin test accuracy after the epoch, in [0, 1]. */
  reluTwinTestAccuracy: number;
  /** Wall time of the epoch, training and evaluation, in seconds. */
  seconds: number;
  /**
   * When the twin is not trained (the fused wasm step's default): the largest |W - w| after two
   * float64 reference steps of the SNN and its ReLU twin from this epoch's end state
   * (`TwinTrainer.replayTwin`): round-off while the B = 1 trajectories agree.
   */
  replayMaxAbsWeightDiff?: number;
}

/** What `trainTtfs` (train_ttfs.ts) measured. */
export interface TrainTtfsResult extends TrainingRunSummary {
  /** Spike-time vector sizes: input, every layer's output (after pooling). */
  sizes: number[];
  /** The layers, e.g. "28x28x1-conv6k5p2/pool2-...-fc10" (see `describeLayers`). */
  architecture: string;
  /** SNN test accuracy, in [0, 1]. */
  testAccuracy: number;
  /** Test accuracy of the ReLU twin, in [0, 1]. */
  reluTwinTestAccuracy: number;
  /** Fraction of the compared test images on which SNN and twin predict the same class. */
  agreementWithReluTwin: number;
  /**
   * Test images the agreement and the logit difference compare: all, or with the twin not
   * trained (a fused step's default) the first `AGREEMENT_SAMPLES`, where the float64 SNN is
   * compared with the float32 ReLU forward (`twin_evaluation.ts`).
   */
  agreementSamples: number;
  /** Largest |SNN logit - twin logit| on the test set. */
  maxAbsLogitDiffVsReluTwin: number;
  /**
   * "trained": the ReLU twin was trained beside the SNN (the reference step, or `twin: true`);
   * "mapped": it was not (the fused wasm step's default) and its figures are the SNN's ReLU map
   * at the final weights; `history[].replayMaxAbsWeightDiff` then shows the trajectories agree.
   */
  reluTwin: "trained" | "mapped";
  /** Largest |W - w| and |D - b| between the trained SNN and its twin (NaN when "mapped"). */
  maxAbsWeightDiffVsReluTwin: number;
  /** Spikes per hidden neuron on the test set (SPEC A9: hidden layers only). */
  spikesPerNeuron: number;
  /** What `spikesPerNeuron` counts: SPIKES_PER_NEURON_CONVENTION (ttfs/spikes.ts). */
  spikesPerNeuronConvention: string;
  /** Spikes per neuron of each hidden layer on the test set, first hidden layer first. */
  spikesPerLayer: number[];
  /** Coding intervals at the end of training. */
  intervals: CodingIntervals;
  /** The trained SNN (its ReLU twin has the same weights up to round-off). */
  network: B1Network;
  /** One record per epoch, in order. */
  history: EpochRecord[];
  /** Wall time of the whole run, in seconds. */
  seconds: number;
}
