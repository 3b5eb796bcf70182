/**
 * The fused float32 steps of a LIF network on the wasm backend, dense layers and conv layers
 * with avg-pool (`wasm_layers.ts`: a conv layer is im2col + the dense layer's kernels on
 * batch outH outW rows) (the reference's sibling: `ref.ts` with the same `lifMethod`): SAF-E,
 * OTTT_O and OTTT_A (`wasm_online.ts`), SAF-F, Spike Representation and BPTT (`wasm_batch.ts`).
 * The weights, the state of a batch (BPTT's history of T steps included), the gradients and
 * Adam's moments live in a WASM core (`wasm_core.ts`); a batch converts its T input steps and
 * labels in and returns three numbers (loss, correct, spikes). The neuron, surrogate, loss,
 * pooling, backward and Adam all run in the core (core-as/assembly/lif.ts, lif_batch.ts,
 * conv.ts); `read` copies the weights back into a float64 network.
 *
 * Update "step" (saf-e, ottt-o): Adam after every time step on that step's gradients; update
 * "batch" (the others): Adam once on the batch's gradients; lr_t from `nn/optim.ts`'s
 * `adamStepSize`, in float64. Loss: mixedLoss at every step with scale 1/T (SAF-E, OTTT, BPTT)
 * or once on the rate readout with scale 1 (SAF-F, Spike Representation), as `lif/loss.ts`.
 * Readout "trace" (default) or "spike" and OTTT variant "trace" (default) or "official", as
 * `lif/method.ts`, for the methods that read them (SAF-E, OTTT).
 *
 * OTTT's forward is the "lean" one (`otttGradients`' `otttForward`): one matmul per layer per
 * step, W s_in + b, drives the LIF neuron; the presynaptic trace a_hat_in enters only the
 * weight gradient (gW += delta (outer) a_hat_in, gb += c[t] delta). The Replace forward's
 * second matmul, W a_hat_in + k b, is never read by the backward, so the gradients are the
 * reference's (which runs "replace") either way.
 *
 * @module
 */
import { OptionError, ShapeError, ValueError } from "../../errors.ts";
import { LIF_MSE_WEIGHT } from "../../lif/loss.ts";
import { checkInputs, type LifNetwork } from "../../lif/network.ts";
import { bpttGradients } from "../../lif/bptt.ts";
import type { GradientFn, LifMethod } from "../../lif/methods.ts";
import { otttGradients } from "../../lif/ottt.ts";
import { safEGradients, safFGradients } from "../../lif/saf.ts";
import { spikeRepGradients } from "../../lif/spikerep.ts";
import { adamSettings } from "../../nn/optim.ts";
import type { RefLifSpec, RefLifStep } from "./ref.ts";
import { trainBptt, trainSafF, trainSpikeRep } from "./wasm_batch.ts";
import type { LifBatchOptions } from "./wasm_buffers.ts";
import { LifCore } from "./wasm_core.ts";
import { trainOnline } from "./wasm_online.ts";

/** A fused method: its batch, its forward, and the prediction and update it must have. */
interface Fused {
  train: typeof trainOnline;
  forward: LifBatchOptions["forward"];
  prediction: LifMethod["prediction"];
  /** The update it supports (both where absent). */
  update?: LifMethod["update"];
}

const FUSED = new Map<GradientFn, Fused>([
  [safEGradients, { train: trainOnline, forward: "saf", prediction: "sum" }],
  [otttGradients, { train: trainOnline, forward: "ottt", prediction: "sum" }],
  [safFGradients, { train: trainSafF, forward: "saf-f", prediction: "rate", update: "batch" }],
  [spikeRepGradients, {
    train: trainSpikeRep,
    forward: "spikerep",
    prediction: "rate",
    update: "batch",
  }],
  [bpttGradients, { train: trainBptt, forward: "bptt", prediction: "sum", update: "batch" }],
]);

/** What {@link createWasmLifStep} trains: as the reference's spec, without a backend. */
export interface WasmLifSpec extends Omit<RefLifSpec, "backend"> {
  /** Called at every time step with each hidden layer's U[t] and spikes (for tests; slow). */
  probe?: (t: number, layers: { U: Float32Array; s: Float32Array }[]) => void;
  /**
   * OTTT: "lean" (default) or "replace", which adds the authors' Replace forward's unread
   * second product per wrapped layer (`LifBatchOptions.otttForward`): the same results at the
   * cost of the authors' code, for benchmarks.
   */
  otttForward?: "replace" | "lean";
}

/** The fused step has the reference step's shape. */
export type WasmLifStep = RefLifStep;

/**
 * Why `spec` cannot run as the fused wasm LIF step (undefined if it can): a method whose
 * gradients, prediction and update are not those of one of the six in `LIF_METHODS` (SAF-E
 * and OTTT with the sum prediction and either update; SAF-F and Spike Representation with the
 * rate prediction, BPTT with the sum one, each updating once per batch), a max-pooled layer
 * (LIF nets avg-pool) or a conv readout.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { wasmLifUnsupported } from "./wasm.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1));
 * console.log(wasmLifUnsupported({ net, method: lifMethod("bptt"), adam: {} })); // undefined
 * const other = { ...lifMethod("bptt"), prediction: "rate" as const };
 * console.log(wasmLifUnsupported({ net, method: other, adam: {} }) !== undefined); // true
 * ```
 */
export function wasmLifUnsupported(spec: WasmLifSpec): string | undefined {
  const { gradients, prediction, update } = spec.method, f = FUSED.get(gradients);
  if (!f || f.prediction !== prediction || (f.update && f.update !== update)) {
    return "only the six methods of LIF_METHODS";
  }
  const layers = spec.net.layers, k = layers.findIndex((l) => (l.pool ?? 1) > 1);
  if (k >= 0) return `avg-pooled layers only (layer ${k + 1} is max-pooled)`;
  if (layers[layers.length - 1].conv) return "a dense readout only";
  return undefined;
}

function checkLabels(labels: ArrayLike<number>, batch: number, classes: number): void {
  if (labels.length < batch) throw new ShapeError(`${labels.length} labels for batch ${batch}`);
  for (let b = 0; b < batch; b++) {
    const y = labels[b];
    if (!(Number.isInteger(y) && y >= 0 && y < classes)) {
      throw new ValueError(`label[${b}] = ${y} is not a class in 0..${classes - 1}`);
    }
  }
}

/**
 * The fused float32 step of a LIF network, dense or conv (SAF-E, OTTT_O, OTTT_A, SAF-F, Spike
 * Representation or BPTT), resident in a WASM core. Throws an OptionError for another method or
 * a net `wasmLifUnsupported` refuses (the reference step, `createRefLifStep`, runs those). The network's weights are
 * copied in; `read` copies them back.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { createWasmLifStep } from "./wasm.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1));
 * const step = createWasmLifStep({ net, method: lifMethod("saf-e"), adam: { lr: 1e-2 } });
 * const x = new Float64Array(8).fill(0.5);
 * console.log(step.step([x, x], [0, 1], 2).loss > 0); // true
 * step.read(net); // the trained weights, back in float64
 * ```
 */
export function createWasmLifStep(spec: WasmLifSpec): WasmLifStep {
  const why = wasmLifUnsupported(spec);
  if (why) throw new OptionError(`the wasm LIF step trains ${why}; use createRefLifStep`);
  const { net } = spec, mseWeight = spec.mseWeight ?? LIF_MSE_WEIGHT;
  if (!(mseWeight >= 0 && mseWeight <= 1)) {
    throw new OptionError(`MSE weight ${mseWeight} is not in [0, 1]`);
  }
  const core = new LifCore(net.layers, adamSettings(spec.adam));
  core.load(net);
  const fused = FUSED.get(spec.method.gradients)!;
  const opts: LifBatchOptions = {
    forward: fused.forward,
    variant: spec.variant ?? "trace",
    update: spec.method.update,
    mseWeight,
    readout: spec.readout ?? "trace",
    otttForward: spec.otttForward,
    probe: spec.probe,
  };
  const params = { lambda: net.lambda, vth: net.vth, surrogateSlope: net.surrogateSlope };
  return {
    step(xs, labels, batch) {
      checkInputs(net, xs, batch);
      checkLabels(labels, batch, core.classes);
      return fused.train(core, xs, labels, batch, params, opts);
    },
    read: (into: LifNetwork) => core.read(into),
    close(): void {}, // the core's memory goes with the step
  };
}
