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
// spec B3.4
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

/** Which forward {@link exactForwardMacs} counts: a method and, for OTTT, its options. */
export interface ForwardShape {
  /** "saf": SAF-E's one matmul W A[t] + b c[t] per layer per step; "ottt": OTTT_O or OTTT_A. */
  method: "saf" | "ottt";
  /** OTTT's variant (`MethodOptions.variant`); "official" leaves layer 1 unwrapped. */
  variant?: "trace" | "official";
  /** The readout's gradient (`MethodOptions.readout`); "spike" leaves the readout unwrapped. */
  readout?: "trace" | "spike";
  /** OTTT's forward (`MethodOptions.otttForward`): "replace" (default) or "lean". */
  otttForward?: "replace" | "lean";
}

/**
 * The forward MACs of one sample over T steps, in closed form (SPEC B3, cost). With M_l the MACs
 * of layer l's linear map for one sample (neurons x fan-in), a layer runs one matmul per step,
 * or two when OTTT's Replace forward wraps it (W s_in for the value, W a_hat_in for the
 * gradient path):
 *
 *   MACs = T sum_l M_l (1 + wrapped_l)
 *   wrapped_l = OTTT, Replace forward, and: readout l = L: readout "trace";
 *               hidden l = 1: variant "trace";  hidden l > 1: always
 *
 * So SAF = lean OTTT = T S (S = sum_l M_l), OTTT "trace" = 2 T S, and the authors' code
 * (variant "official", trace readout) = T (2 S - M_1): SAF / official OTTT = S / (2 S - M_1),
 * which tends to 1/2 only as layer 1's share M_1 / S goes to 0 (a VGG), and is 0.988 on
 * 784-512-10.
 *
 * @example
 * ```ts
 * import { exactForwardMacs } from "./cost.ts";
 * const m = [784 * 512, 512 * 10];
 * console.log(exactForwardMacs(m, 6, { method: "saf" })); // 2439168
 * console.log(exactForwardMacs(m, 6, { method: "ottt", variant: "official" })); // 2469888
 * ```
 */
// spec B3.4
export function exactForwardMacs(
  layerMacs: readonly number[],
  T: number,
  of: ForwardShape,
): number {
  const L = layerMacs.length - 1;
  const replace = of.method === "ottt" && (of.otttForward ?? "replace") === "replace";
  const wrapped = (l: number) =>
    replace && (l === L ? of.readout !== "spike" : l > 0 || of.variant !== "official");
  return T * layerMacs.reduce((n, m, l) => n + m * (wrapped(l) ? 2 : 1), 0);
}
