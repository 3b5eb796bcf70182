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
