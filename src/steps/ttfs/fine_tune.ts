/**
 * The straight-through fine-tuning step of a B = 1 network under a hardware constraint (SPEC
 * A10.2), in float64 on the reference primitives. The caller says how a constraint is realised
 * from the float weights (quantized weights, shorter intervals, jittered spikes: `realise`);
 * `experiments/constraints.ts` drives this step per setting.
 *
 * One step (SPEC A2, A5-A7, A10.1, A10.2):
 *   realise: (W, D, intervals) -> constrained net and hardware (A10.2), seeded per batch
 *   forward: t0 = 1 - x (A2) -> b1Forward on the realised net, clipped/jittered (A5, A10.2)
 *   loss:    softmax cross-entropy of the logits (A6)
 *   update:  b1Backward of the realised net (A7) -> Adam on the float W, D (A10.1; straight-through)
 * The parameters live in the network given, updated in place.
 *
 * @module
 */
import { softmaxCrossEntropy } from "../../nn/loss.ts";
import { Adam, type AdamOptions } from "../../nn/optim.ts";
import { b1Backward, b1Forward, type B1Hardware, type B1Network, b1Params } from "../../ttfs/b1.ts";
import { encodeInput } from "../../ttfs/encoding.ts";
import type { TrainingStep } from "../step.ts";
import { copyParams } from "../step.ts";

/** A constrained network realised from float weights, and the forward's hardware options. */
export interface RealisedNetwork {
  /** The network the forward and backward passes run on (e.g. quantized weights). */
  net: B1Network;
  /** The hardware constraints of the forward pass (clipping, jitter). */
  hardware: B1Hardware;
}

/** Realises the constraint from `net`'s current float weights; `seed` seeds any noise. */
export type Realise = (net: B1Network, seed: number) => RealisedNetwork;

/** One fine-tuning batch: its inputs, and the seed `realise` gets for it. */
export interface FineTuneBatch {
  /** Inputs [batch, nIn], values in [0, 1]. */
  x: Float64Array;
  /** The seed handed to `realise` for this batch (the jitter noise). */
  seed: number;
}

/** One fine-tuning step's figures, on the realised network before the update. */
export interface FineTuneFigures {
  /** The realised network's mean softmax cross-entropy over the batch. */
  loss: number;
  /** Samples of the batch the realised network classified correctly (a count). */
  correct: number;
}

/**
 * The straight-through step on `net` (its W and D trained in place by one Adam built from
 * `adam`): each batch realises the constraint with `realise(net, seed)`, runs forward and
 * backward on the realised network, and applies its gradients to the float weights. `read`
 * copies [W1, D1, W2, D2, ...] (`b1Params` order).
 *
 * @example
 * ```ts
 * import { Rng } from "../../nn/rng.ts";
 * import { initB1Network } from "../../ttfs/b1.ts";
 * import { createFineTuneStep } from "./fine_tune.ts";
 * const net = initB1Network([4, 3, 2], new Rng(0));
 * const step = createFineTuneStep(net, { lr: 1e-3 }, (n) => ({ net: n, hardware: { clipAtTmin: true } }));
 * const r = step.step({ x: new Float64Array(8).fill(0.5), seed: 0 }, [0, 1], 2);
 * console.log(r.correct <= 2); // true
 * ```
 */
export function createFineTuneStep(
  net: B1Network,
  adam: AdamOptions,
  realise: Realise,
): TrainingStep<FineTuneBatch, Float64Array[], FineTuneFigures> {
  const opt = new Adam(b1Params(net), adam);
  const classes = net.layers[net.layers.length - 1].nOut;
  return {
    step({ x, seed }, labels, batch): FineTuneFigures {
      const r = realise(net, seed);
      const f = b1Forward(r.net, encodeInput(x), batch, undefined, r.hardware);
      const loss = softmaxCrossEntropy(f.logits, labels, batch, classes);
      opt.step(b1Backward(r.net, f, loss.dLogits)); // straight-through: gradients of the realised net
      return { loss: loss.loss, correct: loss.correct };
    },
    read(into: Float64Array[]): void {
      copyParams(b1Params(net), into);
    },
    close(): void {},
  };
}
