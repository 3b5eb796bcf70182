/**
 * The per-step loss of OTTT (SPEC B2), used by every method on its readout:
 *
 *   L(o) = scale ((1 - m) CE(o, y) + m MSE(o, onehot(y)))
 *   CE  = -(1/B) sum_b log softmax(o_b)[y_b],   MSE = (1/(B K)) sum_{b,k} (o_bk - [k = y_b])^2
 *
 * with m the MSE weight (B2: 0.05) and scale 1/T for a loss at every step (BPTT, OTTT, SAF-E)
 * or 1 for a loss at the last step only (SAF-F, Spike Representation). MSE is PyTorch's
 * `mse_loss` (mean over batch and classes) on the logits.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { softmaxCrossEntropy } from "../nn/loss.ts";

/**
 * The MSE weight m of the loss mix (SPEC B2: 0.05, as the OTTT code uses for CIFAR).
 *
 * @example
 * ```ts
 * import { LIF_MSE_WEIGHT } from "./loss.ts";
 * console.log(LIF_MSE_WEIGHT); // 0.05
 * ```
 */
export const LIF_MSE_WEIGHT = 0.05;

/** A loss value, its gradient with respect to the logits, and the correct predictions. */
export interface StepLoss {
  /** L(o): the scaled mix of mean cross-entropy and mean squared error (see the module). */
  loss: number;
  /** dL/do, [batch, classes]. */
  dO: Float64Array;
  /** Samples whose largest logit is the label (first on ties). */
  correct: number;
}

/**
 * L and dL/do for logits o [batch, classes].
 *
 * @example
 * ```ts
 * import { mixedLoss } from "./loss.ts";
 * const r = mixedLoss(new Float64Array([0, 0]), new Int32Array([1]), 1, 2, 0, 1);
 * console.log(r.loss.toFixed(4)); // 0.6931
 * ```
 */
// spec B1.2
export function mixedLoss(
  o: Float64Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  mseWeight: number,
  scale: number,
): StepLoss {
  if (!(mseWeight >= 0 && mseWeight <= 1)) {
    throw new OptionError(`MSE weight ${mseWeight} is not in [0, 1]`);
  }
  const ce = softmaxCrossEntropy(o, labels, batch, classes), dO = ce.dLogits;
  let mse = 0;
  const k2 = 2 / (batch * classes);
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < classes; k++) {
      const i = b * classes + k, e = o[i] - (k === labels[b] ? 1 : 0);
      mse += e * e;
      dO[i] = scale * ((1 - mseWeight) * dO[i] + mseWeight * k2 * e); // d/do of both terms
    }
  }
  const loss = scale * ((1 - mseWeight) * ce.loss + (mseWeight * mse) / (batch * classes));
  return { loss, dO, correct: ce.correct };
}
