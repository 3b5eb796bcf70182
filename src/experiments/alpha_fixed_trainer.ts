/**
 * The 2023 parametrization trained directly: map a ReLU network onto general TTFS neurons
 * with alpha = 1 (`mapReluExactly`), then train J, theta and the readout with Adam while alpha
 * stays fixed, side by side with the ReLU twin (the rescaled ReLU network) on the same
 * batches. Here the layer Jacobian is M B^-1 J_C with B_i = alpha_i + sum_j J_ij free to drift
 * per neuron, so the two trajectories part (SPEC A7, proofs/ttfs-equivalence.md step 6).
 *
 * `init: "naive"` (or "naive-scratch") starts instead from J = w itself (`ttfs/naive_init.ts`,
 * the paper's Figure 2a), with the unrescaled ReLU network as the twin.
 *
 * @module
 */
import { maxAbsDifference } from "../nn/linalg.ts";
import { argmaxRows } from "../nn/loss.ts";
import { type ReluMlp, reluMlpForward } from "../nn/mlp.ts";
import type { AdamOptions } from "../nn/optim.ts";
import { type AlphaFixedStep, createAlphaFixedStep } from "../steps/ttfs/alpha_fixed.ts";
import type { TrainingStep } from "../steps/step.ts";
import type { TwinParams } from "../steps/ttfs/step.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { generalForward, type GeneralNetwork } from "../ttfs/general.ts";
import { mapReluExactly, reverseMapTtfs } from "../ttfs/mapping.ts";
import { naiveInit } from "../ttfs/naive_init.ts";

export type { AlphaFixedStep };

/** Options of {@link AlphaFixedTrainer}: Adam's, and where the SNN starts. */
export interface AlphaFixedOptions extends AdamOptions {
  /**
   * "mapped" (default): the exact mapping of the ReLU network; "naive": J = w, alpha = 1, its
   * intervals calibrated like the mapping's; "naive-scratch": the same on the from-scratch
   * intervals (SPEC A1).
   */
  init?: "mapped" | "naive" | "naive-scratch";
}

/**
 * A general TTFS network trained with alpha fixed, and its ReLU twin.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initReluMlp } from "../nn/mlp.ts";
 * import { AlphaFixedTrainer } from "./alpha_fixed_trainer.ts";
 * const tr = new AlphaFixedTrainer(initReluMlp([4, 3, 2], new Rng(0)), new Float64Array(4).fill(0.5), 1);
 * console.log(tr.step(new Float64Array(4).fill(0.5), [1], 1).gradNorms.length); // 2
 * ```
 */
export class AlphaFixedTrainer {
  /** The spiking network (alpha, J, theta hidden layers; B = 1 readout). */
  readonly snn: GeneralNetwork;
  /** The rescaled ReLU network it was mapped from (naive: the ReLU network), trained as one. */
  readonly twin: ReluMlp;
  readonly #step: TrainingStep<Float64Array, TwinParams, AlphaFixedStep>;

  /**
   * Maps `relu` exactly onto general neurons (alpha = 1), copies the rescaled network as the
   * twin, and gives each its own Adam with `options` (`init` says where the SNN starts).
   *
   * @param relu The initial ReLU network (not modified).
   * @param calibration Inputs in [0, 1], [count, nIn], that set the coding intervals.
   */
  constructor(
    relu: ReluMlp,
    calibration: Float64Array,
    count: number,
    options: AlphaFixedOptions = {},
  ) {
    const { init = "mapped", ...adam } = options;
    const start = init === "mapped" ? mapReluExactly(relu, calibration, count) : {
      snn: naiveInit(relu, calibration, count, {
        intervals: init === "naive" ? "calibrated" : "scratch",
      }).snn,
      rescaled: relu,
    };
    this.snn = start.snn;
    this.twin = {
      layers: start.rescaled.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })),
    };
    this.#step = createAlphaFixedStep(this.snn, this.twin, adam);
  }

  /** One step on x [batch, nIn] (values in [0, 1]) for both networks (`steps/ttfs/alpha_fixed.ts`). */
  step(x: Float64Array, labels: ArrayLike<number>, batch: number): AlphaFixedStep {
    return this.#step.step(x, labels, batch);
  }

  /**
   * Accuracy of the SNN and of the twin on x [count, nIn] (values in [0, 1]), in chunks.
   *
   * @param chunk Samples per forward pass (default 250).
   */
  evaluate(
    x: Float64Array,
    labels: ArrayLike<number>,
    count: number,
    chunk = 250,
  ): { accuracy: number; twinAccuracy: number } {
    const nIn = x.length / count, classes = this.snn.readout.nOut;
    let correct = 0, twinCorrect = 0;
    for (let s = 0; s < count; s += chunk) {
      const n = Math.min(chunk, count - s), xs = x.subarray(s * nIn, (s + n) * nIn);
      const p = argmaxRows(generalForward(this.snn, encodeInput(xs), n).logits, n, classes);
      const q = argmaxRows(reluMlpForward(this.twin, xs, n).logits, n, classes);
      for (let b = 0; b < n; b++) {
        correct += p[b] === labels[s + b] ? 1 : 0;
        twinCorrect += q[b] === labels[s + b] ? 1 : 0;
      }
    }
    return { accuracy: correct / count, twinAccuracy: twinCorrect / count };
  }

  /** Largest |w - w_twin| between the reverse-mapped SNN and the twin, over all layers. */
  maxAbsWeightDiff(): number {
    const w = (net: ReluMlp) => net.layers.map((l) => l.w);
    return maxAbsDifference(w(reverseMapTtfs(this.snn)), w(this.twin));
  }
}
