/**
 * Spikes per neuron (SPEC A9). A hidden neuron spikes iff its ReLU activation is > 0, i.e.
 * iff t_i < tmax(n). We count hidden layers only (the readout does not spike, and every input
 * neuron emits its encoded spike by construction); the paper's exact counting is not
 * confirmed, so this choice is stated wherever the figure is printed.
 *
 * @module
 */
import type { CodingIntervals } from "./intervals.ts";

/** Fired / (neurons x samples), per hidden layer and over all hidden layers. */
export interface SpikeCount {
  /** Spikes per neuron of each hidden layer 1..L-1. */
  perLayer: number[];
  /** Spikes per hidden neuron over the whole network. */
  overall: number;
  /** Total spikes counted. */
  spikes: number;
  /** Hidden neurons x samples. */
  neurons: number;
}

/**
 * Count spikes in `spikeTimes` (t(0) .. t(L-1), as returned by a forward pass).
 *
 * @example
 * ```ts
 * import { countSpikes } from "./spikes.ts";
 * const c = countSpikes([new Float64Array([0]), new Float64Array([1.5, 2])], { tmin: [0, 1], tmax: [1, 2] });
 * console.log(c.overall); // 0.5
 * ```
 */
// spec A9
export function countSpikes(
  spikeTimes: Float64Array[],
  intervals: CodingIntervals,
): SpikeCount {
  const perLayer: number[] = [];
  let spikes = 0, neurons = 0;
  for (let n = 1; n < spikeTimes.length; n++) {
    const t = spikeTimes[n], tmax = intervals.tmax[n];
    let fired = 0;
    for (let k = 0; k < t.length; k++) if (t[k] < tmax) fired++;
    perLayer.push(fired / t.length);
    spikes += fired;
    neurons += t.length;
  }
  return { perLayer, overall: neurons ? spikes / neurons : 0, spikes, neurons };
}

/**
 * The convention behind every "spikes per neuron" figure the library prints (SPEC A9), as
 * `--json` reports it in `spikesPerNeuronConvention`.
 *
 * @example
 * ```ts
 * import { SPIKES_PER_NEURON_CONVENTION } from "./spikes.ts";
 * console.log(SPIKES_PER_NEURON_CONVENTION.startsWith("hidden neurons")); // true
 * ```
 */
export const SPIKES_PER_NEURON_CONVENTION: string = "hidden neurons only (not the input, not " +
  "the readout); conv neurons counted before max-pooling; spikes / (hidden neurons x samples), " +
  "so layers weigh by their neuron count; a neuron spikes iff t_i < tmax(n), so a silent " +
  "neuron counts 0 although the next layer sees it as an input event at tmax(n)";

/** "Spikes per neuron" under the default convention and two others (SPEC A9). */
export interface SpikeConventions {
  /** The default, {@link SPIKES_PER_NEURON_CONVENTION} (= `countSpikes(...).overall`). */
  perNeuron: number;
  /** The same over the neurons the next layer sees: a max-pooled layer counts its windows. */
  afterPooling: number;
  /** The unweighted mean of the hidden layers' figures (before pooling). */
  layerMean: number;
  /** Per hidden layer, before pooling. */
  perLayer: number[];
  /** Per hidden layer, after pooling (equal to `perLayer` where a layer has no pool). */
  perLayerAfterPooling: number[];
}

/**
 * Spikes per neuron under the three conventions, from a forward pass's `neuronTimes` (one
 * time per neuron) and `spikeTimes` (after max-pool, as the next layer sees them).
 *
 * @example
 * ```ts
 * import { spikeConventions } from "./spikes.ts";
 * const iv = { tmin: [0, 1], tmax: [1, 2] };
 * // four neurons, one fires; a 4-to-1 max-pool passes that spike on
 * const c = spikeConventions([new Float64Array(1), new Float64Array([1.5, 2, 2, 2])], [new Float64Array(1), new Float64Array([1.5])], iv);
 * console.log(c.perNeuron, c.afterPooling); // 0.25 1
 * ```
 */
// spec A9
export function spikeConventions(
  neuronTimes: Float64Array[],
  spikeTimes: Float64Array[],
  intervals: CodingIntervals,
): SpikeConventions {
  const before = countSpikes(neuronTimes, intervals), after = countSpikes(spikeTimes, intervals);
  const n = before.perLayer.length;
  return {
    perNeuron: before.overall,
    afterPooling: after.overall,
    layerMean: n ? before.perLayer.reduce((a, v) => a + v, 0) / n : 0,
    perLayer: before.perLayer,
    perLayerAfterPooling: after.perLayer,
  };
}
