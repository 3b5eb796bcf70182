/**
 * The reference LIF training step: one of the methods of `lif/methods.ts` (SAF-E, SAF-F,
 * OTTT_O, OTTT_A, BPTT, Spike Representation) in float64 on the dense primitives of any
 * synchronous backend, with Adam (`nn/optim.ts`, SPEC A10 schedule). Its siblings: `wasm.ts`
 * (SAF-E, OTTT_O and OTTT_A fused in float32 in the WASM core, dense nets) and `webgpu.ts`
 * (the same three on the GPU); `select.ts` picks one.
 *
 * One step on xs[t] [batch, nIn], t = 1..T (SPEC B1-B3):
 *   gradients = method.gradients(net, xs, labels)      (its forward and backward through time)
 *   update "step":  Adam after every time step, on that step's gradients (saf-e, ottt-o)
 *   update "batch": Adam once, on the gradients summed over the T steps (the others)
 * The weights live in `net`, updated in place.
 *
 * @module
 */
import type { Backend } from "../../backend/backend.ts";
import { refBackend } from "../../backend/ref.ts";
import type { MethodOptions } from "../../lif/method.ts";
import type { LifMethod } from "../../lif/methods.ts";
import { type LifNetwork, lifParams } from "../../lif/network.ts";
import { argmaxRows } from "../../nn/loss.ts";
import { Adam, type AdamOptions } from "../../nn/optim.ts";
import type { TrainingStep } from "../step.ts";

/** A batch's figures (the GPU step's `LifStepResult` has the same three). */
export interface LifStepFigures {
  /** The method's loss on the batch (`GradientResult.loss`). */
  loss: number;
  /** Samples whose prediction (argmax of the method's scores) is the label. */
  correct: number;
  /** Hidden-layer spikes over the batch and the T steps. */
  spikes: number;
}

/** What {@link createRefLifStep} trains and how. */
export interface RefLifSpec extends Pick<MethodOptions, "mseWeight" | "readout" | "variant"> {
  /** The network, trained in place. */
  net: LifNetwork;
  /** The method (`lifMethod(name)`): its gradients, update and prediction. */
  method: LifMethod;
  /** Adam's settings (`nn/optim.ts` defaults for what is unset). */
  adam: AdamOptions;
  /** Kernels (default the float64 reference). */
  backend?: Backend;
}

/** The reference LIF step, on xs: T steps of [batch, nIn]. */
export type RefLifStep = TrainingStep<Float64Array[], LifNetwork, LifStepFigures>;

/**
 * The reference step of `spec.method` on `spec.net`.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { SPEC_LIF } from "../../lif/neuron.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { createRefLifStep } from "./ref.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1), SPEC_LIF);
 * const step = createRefLifStep({ net, method: lifMethod("saf-e"), adam: { lr: 1e-2 } });
 * const x = new Float64Array(8).fill(0.5);
 * console.log(step.step([x, x], [0, 1], 2).loss > 0); // true
 * ```
 */
export function createRefLifStep(spec: RefLifSpec): RefLifStep {
  const { net, method, mseWeight, readout, variant } = spec;
  const backend = spec.backend ?? refBackend, adam = new Adam(lifParams(net), spec.adam);
  const classes = net.layers[net.layers.length - 1].nOut;
  return {
    step(xs, labels, batch): LifStepFigures {
      const r = method.gradients(net, xs, labels, batch, {
        mseWeight,
        readout,
        variant,
        backend,
        onStep: method.update === "step" ? (g) => adam.step(g) : undefined,
      });
      if (method.update === "batch") adam.step(r.grads);
      let correct = 0;
      argmaxRows(r.scores, batch, classes).forEach((p, k) => (correct += +(p === labels[k])));
      return { loss: r.loss, correct, spikes: r.spikes };
    },
    read(into: LifNetwork): void {
      net.layers.forEach((l, k) => {
        const to = into.layers[k];
        if (to.w !== l.w) to.w.set(l.w);
        if (to.b !== l.b) to.b.set(l.b);
      });
    },
    close(): void {},
  };
}
