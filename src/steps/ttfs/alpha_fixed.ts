/**
 * The alpha-fixed TTFS training step: a general-parametrization network (SPEC A3) trained with
 * alpha held fixed (J, theta and the readout move, SPEC A7.1) beside its ReLU twin, in float64
 * on the reference primitives. `experiments/alpha_fixed_trainer.ts` builds the two networks and
 * drives this step; the layer Jacobian is M B^-1 J_C with B_i = alpha_i + sum_j J_ij free to
 * drift per neuron, so the two trajectories part (SPEC A7, proofs/ttfs-equivalence.md step 6).
 *
 * One step (SPEC A2, A3, A6, A7, A7.1):
 *   SNN:  t0 = 1 - x (A2) -> generalForward (A3) -> softmax cross-entropy (A6) -> generalBackward (A7) -> Adam on J, theta, W, D
 *   twin: x -> reluMlpForward -> softmax cross-entropy -> reluMlpBackward -> Adam on w, b
 * The parameters live in the networks given, updated in place.
 *
 * @module
 */
import { l2Norm } from "../../nn/linalg.ts";
import { softmaxCrossEntropy } from "../../nn/loss.ts";
import { type ReluMlp, reluMlpBackward, reluMlpForward, reluMlpParams } from "../../nn/mlp.ts";
import { Adam, type AdamOptions } from "../../nn/optim.ts";
import { encodeInput } from "../../ttfs/encoding.ts";
import {
  generalBackward,
  generalForward,
  type GeneralNetwork,
  generalParams,
} from "../../ttfs/general.ts";
import type { TrainingStep } from "../step.ts";
import type { TwinParams } from "./step.ts";
import { copyParams } from "../step.ts";

/** Losses and per-layer gradient norms of one step. */
export interface AlphaFixedStep {
  /** The SNN's mean cross-entropy on the batch, before the update. */
  loss: number;
  /** The ReLU twin's mean cross-entropy on the same batch, before its update. */
  twinLoss: number;
  /** ||dL/dJ(n)|| for each hidden layer n, then ||dL/dW|| of the readout. */
  gradNorms: number[];
  /** ||dL/dw(n)|| of the twin, same layers. */
  twinGradNorms: number[];
  /** Samples of the batch the SNN classified correctly (a count). */
  correct: number;
}

/**
 * The alpha-fixed step on `snn` and `twin` (trained in place), each with its own Adam built
 * from `adam`. `read` copies the SNN's parameters in `generalParams` order ([alpha1, J1,
 * theta1, ..., W, D]) and the twin's as [w1, b1, ...].
 *
 * @example
 * ```ts
 * import { initReluMlp } from "../../nn/mlp.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { mapReluExactly } from "../../ttfs/mapping.ts";
 * import { createAlphaFixedStep } from "./alpha_fixed.ts";
 * const x = new Float64Array(8).fill(0.5);
 * const { snn, rescaled } = mapReluExactly(initReluMlp([4, 3, 2], new Rng(0)), x, 2);
 * const step = createAlphaFixedStep(snn, rescaled, { lr: 1e-2 });
 * console.log(step.step(x, [0, 1], 2).gradNorms.length); // 2
 * ```
 */
export function createAlphaFixedStep(
  snn: GeneralNetwork,
  twin: ReluMlp,
  adam: AdamOptions,
): TrainingStep<Float64Array, TwinParams, AlphaFixedStep> {
  const trainable = [...snn.hidden.flatMap((l) => [l.J, l.theta]), snn.readout.W, snn.readout.D];
  const snnOpt = new Adam(trainable, adam), twinOpt = new Adam(reluMlpParams(twin), adam);
  return {
    step(x, labels, batch): AlphaFixedStep {
      const classes = snn.readout.nOut, H = snn.hidden.length;
      const f = generalForward(snn, encodeInput(x), batch);
      const loss = softmaxCrossEntropy(f.logits, labels, batch, classes);
      const g = generalBackward(snn, f, loss.dLogits); // [da1, dJ1, dth1, ..., dW, dD]
      snnOpt.step(g.filter((_, k) => k >= 3 * H || k % 3 !== 0)); // alpha is held fixed
      const tf = reluMlpForward(twin, x, batch);
      const tl = softmaxCrossEntropy(tf.logits, labels, batch, classes);
      const tg = reluMlpBackward(twin, tf, tl.dLogits);
      twinOpt.step(tg);
      return {
        loss: loss.loss,
        twinLoss: tl.loss,
        correct: loss.correct,
        gradNorms: [...snn.hidden.map((_, n) => l2Norm(g[3 * n + 1])), l2Norm(g[3 * H])],
        twinGradNorms: tg.filter((_, k) => k % 2 === 0).map(l2Norm),
      };
    },
    read(into: TwinParams): void {
      copyParams(generalParams(snn), into.snn);
      copyParams(reluMlpParams(twin), into.twin);
    },
    close(): void {},
  };
}
