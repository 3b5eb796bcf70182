/**
 * Softmax cross-entropy (SPEC A6: softmax cross-entropy on the logits, prediction = argmax),
 * forward and backward together.
 *
 * @module
 */
import { NumericalError, ShapeError, ValueError } from "../errors.ts";
import { exp, log } from "./math/mod.ts";

/** Mean loss over the batch, and its gradient with respect to the logits. */
export interface LossResult {
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** dLoss/dlogits, [batch, classes], already divided by the batch size. */
  dLogits: Float64Array;
  /** How many rows have argmax equal to the label. */
  correct: number;
}

/**
 * Forward:  L = -(1/B) sum_b log softmax(y_b)[label_b].
 * Backward: dL/dy_bk = (softmax(y_b)_k - [k = label_b]) / B.
 * A NaN or infinite logit (a network that overflowed) is a NumericalError.
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy } from "./loss.ts";
 * const r = softmaxCrossEntropy(new Float64Array([0, 0]), new Int32Array([1]), 1, 2);
 * console.log(r.loss.toFixed(4)); // 0.6931
 * ```
 */
// spec A6, B1.2
export function softmaxCrossEntropy(
  logits: Float64Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
): LossResult {
  if (logits.length !== batch * classes) {
    throw new ShapeError(`logits has ${logits.length} entries; expected ${batch}x${classes}`);
  }
  if (labels.length < batch) throw new ShapeError(`${labels.length} labels for batch ${batch}`);
  const dLogits = new Float64Array(batch * classes);
  let loss = 0, correct = 0;
  for (let b = 0; b < batch; b++) {
    const o = b * classes, label = labels[b];
    if (!(label >= 0 && label < classes && Number.isInteger(label))) {
      throw new ValueError(`label[${b}] = ${label} is not a class in 0..${classes - 1}`);
    }
    let max = -Infinity, arg = 0;
    for (let k = 0; k < classes; k++) {
      const v = logits[o + k];
      if (!Number.isFinite(v)) {
        throw new NumericalError(`logit [${b}, ${k}] is ${v}; expected finite`);
      }
      if (v > max) (max = v), (arg = k);
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += exp(logits[o + k] - max);
    loss += log(sum) - (logits[o + label] - max);
    for (let k = 0; k < classes; k++) {
      dLogits[o + k] = (exp(logits[o + k] - max) / sum - (k === label ? 1 : 0)) / batch;
    }
    if (arg === label) correct++;
  }
  return { loss: loss / batch, dLogits, correct };
}

/**
 * Row-wise argmax of a [rows, cols] matrix (ties: the first index).
 *
 * @example
 * ```ts
 * import { argmaxRows } from "./loss.ts";
 * console.log(argmaxRows(new Float64Array([1, 3, 2, 0]), 2, 2)); // Int32Array [1, 0]
 * ```
 */
// spec A6
export function argmaxRows(m: Float64Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (m[r * cols + k] > m[r * cols + best]) best = k;
    out[r] = best;
  }
  return out;
}
