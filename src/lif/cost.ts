/**
 * Cost accounting: every training method counts its own work as it runs.
 *
 * - Multiply-accumulates of the linear maps (dense or conv), split into forward (computing
 *   potentials) and backward (weight gradients and errors sent to the layer below). One
 *   sample through a layer costs neurons x fan-in MACs; elementwise work is not counted.
 * - Floats of state held while training one batch: buffers that live across time steps,
 *   charged per hidden neuron (potentials, traces, accumulations, stored histories), to the
 *   input (its trace or accumulation, or its stored history) or per synapse (gradient
 *   accumulators). The weights themselves and the optimizer's moments are the same
 *   for every method and are not counted.
 *
 * @module
 */

/** What a method counted while computing one batch's gradients. */
export interface CostCount {
  /** Multiply-accumulates that computed potentials (readout logits included). */
  macsForward: number;
  /** Multiply-accumulates of weight gradients and of errors sent to the layer below. */
  macsBackward: number;
  /** Floats of state held for the hidden neurons (all samples, all layers). */
  neuronStateFloats: number;
  /** Floats of state held for the input (its trace, accumulation or history). */
  inputStateFloats: number;
  /** Floats of state held per synapse (weights and biases). */
  synapseStateFloats: number;
}

/**
 * A running tally; pass one to a method through its options.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { CostCounter } from "./cost.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { safEGradients } from "./saf.ts";
 * const cost = new CostCounter(), x = new Float64Array([1, 0.5]);
 * safEGradients(initLifNetwork([2, 3, 2], new Rng(0)), [x, x], new Int32Array([1]), 1, { cost });
 * console.log(cost.macsForward, cost.neuronStateFloats); // 24 3
 * ```
 */
export class CostCounter {
  /** Forward multiply-accumulates so far (see {@link CostCount}). */
  macsForward = 0;
  /** Backward multiply-accumulates so far (see {@link CostCount}). */
  macsBackward = 0;
  /** Floats of hidden-neuron state charged by `hold` so far. */
  neuronStateFloats = 0;
  /** Floats of input state charged by `hold` so far. */
  inputStateFloats = 0;
  /** Floats of per-synapse state charged by `hold` so far. */
  synapseStateFloats = 0;
  /** Called after every `hold`: a hook for measuring memory as state grows. */
  probe?: () => void;

  /**
   * Charge a buffer held across time steps.
   *
   * @example
   * ```ts
   * import { CostCounter } from "./cost.ts";
   * const c = new CostCounter();
   * c.hold("neuron", 512 * 64);
   * console.log(c.neuronStateFloats); // 32768
   * ```
   */
  hold(kind: "neuron" | "input" | "synapse", floats: number): void {
    if (kind === "neuron") this.neuronStateFloats += floats;
    else if (kind === "input") this.inputStateFloats += floats;
    else this.synapseStateFloats += floats;
    this.probe?.();
  }

  /** The tally as a plain object. @example `new CostCounter().snapshot()` */
  snapshot(): CostCount {
    const { macsForward, macsBackward, neuronStateFloats, inputStateFloats, synapseStateFloats } =
      this;
    return { macsForward, macsBackward, neuronStateFloats, inputStateFloats, synapseStateFloats };
  }
}
