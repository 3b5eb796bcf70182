/**
 * The reference TTFS training step: a B = 1 SNN and its ReLU twin trained in lockstep in
 * float64, on the dense primitives of any synchronous backend (`refBackend` by default), dense
 * or conv. Its siblings run the same step fused in float32: `wasm.ts` (one WASM core), and
 * `webgpu.ts` (GPU buffers); `select.ts` picks one.
 *
 * One step (SPEC A2, A5-A7, A10):
 *   SNN:  t0 = 1 - x (A2) -> b1Forward -> softmax cross-entropy (A6) -> b1Backward (A7) -> Adam
 *   twin: x -> reluMlpForward -> softmax cross-entropy -> reluMlpBackward -> Adam
 * The intervals are widened by the caller, from `maxActivation` (A1), as after a fused step.
 * The parameters live in the networks given, updated in place.
 *
 * @module
 */
import type { Backend } from "../../backend/backend.ts";
import { refBackend } from "../../backend/ref.ts";
import { l2Norm } from "../../nn/linalg.ts";
import { softmaxCrossEntropy } from "../../nn/loss.ts";
import { type ReluMlp, reluMlpBackward, reluMlpForward, reluMlpParams } from "../../nn/mlp.ts";
import { Adam, type AdamOptions } from "../../nn/optim.ts";
import { b1Backward, b1Forward, type B1Network, b1Params } from "../../ttfs/b1.ts";
import { encodeInput } from "../../ttfs/encoding.ts";
import type { TwinParams, TwinStepResult, TwinStepRunner } from "./step.ts";
import { copyParams } from "../step.ts";

/**
 * The reference step on `snn` and `twin` (trained in place), each with its own Adam.
 *
 * @example
 * ```ts
 * import { initB1Network } from "../../ttfs/b1.ts";
 * import { reluFromB1 } from "../../ttfs/mapping.ts";
 * import { denseLayers } from "../../nn/architecture.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { createRefTwinStep } from "./ref.ts";
 * const snn = initB1Network(denseLayers([4, 3, 2]), new Rng(1), 0.5);
 * const step = createRefTwinStep(snn, reluFromB1(snn), { lr: 1e-2 });
 * const r = step.step(new Float64Array(8).fill(0.5), [0, 1], 2);
 * console.log(r.loss === r.twinLoss); // true
 * ```
 */
export function createRefTwinStep(
  snn: B1Network,
  twin: ReluMlp,
  adam: AdamOptions,
  backend: Backend = refBackend,
): TwinStepRunner {
  const snnOpt = new Adam(b1Params(snn), adam), twinOpt = new Adam(reluMlpParams(twin), adam);
  const weightNorms = (grads: Float64Array[]) => grads.filter((_, k) => k % 2 === 0).map(l2Norm);
  return {
    step(x, labels, batch): TwinStepResult {
      const classes = snn.layers[snn.layers.length - 1].nOut;
      const fwd = b1Forward(snn, encodeInput(x), batch, backend);
      const loss = softmaxCrossEntropy(fwd.logits, labels, batch, classes);
      const grads = b1Backward(snn, fwd, loss.dLogits, backend);
      snnOpt.step(grads);

      const tf = reluMlpForward(twin, x, batch, backend);
      const tl = softmaxCrossEntropy(tf.logits, labels, batch, classes);
      const twinGrads = reluMlpBackward(twin, tf, tl.dLogits, backend);
      twinOpt.step(twinGrads);
      return {
        loss: loss.loss,
        twinLoss: tl.loss,
        correct: loss.correct,
        twinCorrect: tl.correct,
        gradNorms: weightNorms(grads),
        twinGradNorms: weightNorms(twinGrads),
        maxActivation: fwd.maxActivation,
      };
    },
    read(into: TwinParams): void {
      copyParams(b1Params(snn), into.snn);
      copyParams(reluMlpParams(twin), into.twin);
    },
    close(): void {},
  };
}
