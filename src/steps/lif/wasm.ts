/**
 * The fused float32 SAF-E, OTTT_O and OTTT_A steps of a dense LIF network on the wasm backend
 * (the reference's sibling: `ref.ts` with `lifMethod("saf-e" | "ottt-o" | "ottt-a")`). The
 * weights, the state of a batch, the gradients and Adam's moments live in a WASM core
 * (`wasm_core.ts`); a batch converts its T input steps and labels in and returns three numbers
 * (loss, correct, spikes). The neuron, surrogate, loss, backward and Adam all run in the core
 * (core-as/assembly/lif.ts); `read` copies the weights back into a float64 network.
 *
 * Update "step" (saf-e, ottt-o): Adam after every time step on that step's gradients; update
 * "batch" (ottt-a): Adam once on the gradients summed over the T steps; lr_t from
 * `nn/optim.ts`'s `adamStepSize`, in float64. Loss: mixedLoss at every step with scale 1/T
 * (SPEC B2). Readout "trace" (default) or "spike", OTTT variant "trace" (default) or
 * "official", as `lif/method.ts`.
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
import { otttGradients } from "../../lif/ottt.ts";
import { safEGradients } from "../../lif/saf.ts";
import { adamSettings } from "../../nn/optim.ts";
import type { RefLifSpec, RefLifStep } from "./ref.ts";
import type { LifBatchOptions } from "./wasm_buffers.ts";
import { LifCore } from "./wasm_core.ts";

/** What {@link createWasmLifStep} trains: as the reference's spec, without a backend. */
export interface WasmLifSpec extends Omit<RefLifSpec, "backend"> {
  /** Called at every time step with each hidden layer's U[t] and spikes (for tests; slow). */
  probe?: (t: number, layers: { U: Float32Array; s: Float32Array }[]) => void;
}

/** The fused step has the reference step's shape. */
export type WasmLifStep = RefLifStep;

/**
 * Why `spec` cannot run as the fused wasm LIF step (undefined if it can): a method other than
 * SAF-E, OTTT_O and OTTT_A (their gradients with the sum prediction), or a conv or pooled layer.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { wasmLifUnsupported } from "./wasm.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1));
 * console.log(wasmLifUnsupported({ net, method: lifMethod("bptt"), adam: {} }) !== undefined); // true
 * ```
 */
export function wasmLifUnsupported(spec: WasmLifSpec): string | undefined {
  const g = spec.method.gradients;
  if ((g !== safEGradients && g !== otttGradients) || spec.method.prediction !== "sum") {
    return "only the saf-e, ottt-o and ottt-a methods";
  }
  const k = spec.net.layers.findIndex((l) => l.conv || (l.avgPool ?? 1) > 1);
  if (k >= 0) return `dense layers only (layer ${k + 1} is conv or pooled)`;
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
 * The fused float32 SAF-E, OTTT_O or OTTT_A step of a dense LIF network, resident in a WASM
 * core. Throws an OptionError for another method or a conv net (the reference step, `createRefLifStep`, runs
 * those). The network's weights are copied in; `read` copies them back.
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
  const sizes = [net.layers[0].nIn, ...net.layers.map((l) => l.nOut)];
  const core = new LifCore(sizes, adamSettings(spec.adam));
  core.load(net);
  const opts: LifBatchOptions = {
    forward: spec.method.gradients === otttGradients ? "ottt" : "saf",
    variant: spec.variant ?? "trace",
    update: spec.method.update,
    mseWeight,
    readout: spec.readout ?? "trace",
    probe: spec.probe,
  };
  const params = { lambda: net.lambda, vth: net.vth, surrogateSlope: net.surrogateSlope };
  return {
    step(xs, labels, batch) {
      checkInputs(net, xs, batch);
      checkLabels(labels, batch, sizes[sizes.length - 1]);
      return core.train(xs, labels, batch, params, opts);
    },
    read: (into: LifNetwork) => core.read(into),
    close(): void {}, // the core's memory goes with the step
  };
}
