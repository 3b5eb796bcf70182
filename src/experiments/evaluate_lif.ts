/**
 * LIF inference on a test set, as every LIF training driver evaluates after an epoch: the
 * network's accuracy and firing rate, the input coded as in training.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { codeInput, type InputCoding } from "../lif/coding.ts";
import type { LifNetwork } from "../lif/network.ts";
import { lifForward, rateScores } from "../lif/simulate.ts";
import { argmaxRows } from "../nn/loss.ts";

/**
 * Test accuracy and firing rate of a network under LIF inference, the input coded as in
 * training (a rate code seeded by the index of each chunk of 256 images).
 *
 * @example
 * ```ts ignore
 * const { accuracy, firingRate } = evaluateLif(net, testX, labels, count, 6, "sum", "direct");
 * ```
 */
export function evaluateLif(
  net: LifNetwork,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
  T: number,
  prediction: "sum" | "rate",
  coding: InputCoding = "direct",
  backend: Backend = refBackend,
): { accuracy: number; firingRate: number } {
  const nIn = net.layers[0].nIn, classes = net.layers[net.layers.length - 1].nOut;
  let correct = 0, spikes = 0, steps = 0;
  for (let start = 0; start < count; start += 256) {
    const size = Math.min(256, count - start), xb = x.subarray(start * nIn, (start + size) * nIn);
    const run = lifForward(net, codeInput(xb, T, coding, start), size, { backend });
    const scores = prediction === "sum" ? run.sumScores : rateScores(net, run, size, { backend });
    argmaxRows(scores, size, classes).forEach((p, b) => (correct += +(p === labels[start + b])));
    (spikes += run.spikes), (steps += run.neuronSteps);
  }
  return { accuracy: correct / count, firingRate: spikes / Math.max(1, steps) };
}
