/**
 * The types of a LIF training run (`train_lif.ts`): its options, one epoch's record and the
 * result. Kept apart so that the run itself stays one screenful per concept.
 *
 * @module
 */
import type { InputCoding } from "../lif/coding.ts";
import type { MethodOptions } from "../lif/method.ts";
import type { LifNetwork } from "../lif/network.ts";
import type { LifParams } from "../lif/neuron.ts";
import type { LayerGeometry } from "../nn/layer.ts";
import type { TrainingRunOptions, TrainingRunSummary } from "./training_run.ts";

/** Options of `trainLif`. */
export interface TrainLifOptions
  extends
    Pick<MethodOptions, "mseWeight" | "readout" | "variant">,
    TrainingRunOptions<LifNetwork, LifEpochRecord> {
  /** Layer geometries, or sizes [nIn, hidden..., classes]. */
  layers: LayerGeometry[] | number[];
  /** A name from `LIF_METHODS`: bptt, ottt-a, ottt-o, saf-e, saf-f, spikerep. */
  method: string;
  /** Time steps per sample. */
  T: number;
  /** Neuron constants (default SPEC B1: lambda 0.5, V_th 1, slope 4). */
  neuron?: Partial<LifParams>;
  /** How images become T steps of input (default "direct"; see `lif/coding.ts`). */
  coding?: InputCoding;
}

/** One epoch's figures. */
export interface LifEpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  trainLoss: number;
  /** Training accuracy of the method's prediction over the epoch. */
  trainAccuracy: number;
  /** Test accuracy of plain LIF inference after the epoch. */
  testAccuracy: number;
  /** Spikes per hidden neuron per step on the test set. */
  firingRate: number;
  /** Wall time of the epoch, evaluation included. */
  seconds: number;
}

/** What `trainLif` measured. */
export interface TrainLifResult extends TrainingRunSummary {
  /** The method's name (`LIF_METHODS`). */
  method: string;
  /** OTTT's variant, where the run set one (`MethodOptions.variant`). */
  variant?: MethodOptions["variant"];
  /** Time steps per sample. */
  T: number;
  /** Leak lambda of the neurons (SPEC B1). */
  lambda: number;
  /** Threshold V_th. */
  vth: number;
  /** Slope a of the sigmoid surrogate. */
  surrogateSlope: number;
  /** The input coding. */
  coding: InputCoding;
  /** Test accuracy of plain LIF inference (after SAF -> LIF conversion for SAF methods). */
  testAccuracy: number;
  /** Spikes per hidden neuron per time step on the test set. */
  firingRate: number;
  /** Forward MACs per training sample (all T steps). */
  macsForward: number;
  /** Backward MACs per training sample (all T steps). */
  macsBackward: number;
  /**
   * Floats of state for one training sample: per hidden neuron, per input unit (its trace or
   * history), per synapse, and in all.
   */
  stateFloats: { perNeuron: number; perInput: number; perSynapse: number; total: number };
  /** Wall time of the whole run. */
  seconds: number;
  /** Peak resident set size sampled after every batch (process.memoryUsage().rss). */
  peakMemoryBytes: number;
  /** Every epoch's figures. */
  history: LifEpochRecord[];
  /** The trained network (its arrays are the ones trained in place). */
  network: LifNetwork;
}
