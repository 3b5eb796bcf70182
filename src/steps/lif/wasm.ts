/**
 * The fused float32 SAF-E step of a dense LIF network on the wasm backend (the reference's
 * sibling: `ref.ts` with `lifMethod("saf-e")`). The weights, the SAF state of a batch, one time
 * step's gradients and Adam's moments live in a WASM core (`wasm_core.ts`); a batch converts its
 * T input steps and labels in and returns three numbers (loss, correct, spikes). The neuron,
 * surrogate, loss, backward and Adam all run in the core (core-as/assembly/lif.ts); `read`
 * copies the weights back into a float64 network.
 *
 * Update "step": Adam after every time step on that step's gradients, as the reference's saf-e
 * (lr_t from `nn/optim.ts`'s `adamStepSize`, in float64). Loss: mixedLoss at every step with
 * scale 1/T (SPEC B2). Readout "trace" (default) or "spike", as `lif/method.ts`.
 *
 * @module
 */
import { OptionError, ShapeError, ValueError } from "../../errors.ts";
import { LIF_MSE_WEIGHT } from "../../lif/loss.ts";
import { checkInputs, type LifNetwork } from "../../lif/network.ts";
import { safEGradients } from "../../lif/saf.ts";
import { adamSettings } from "../../nn/optim.ts";
import type { RefLifSpec, RefLifStep } from "./ref.ts";
import { type LifBatchOptions, LifCore } from "./wasm_core.ts";

/** What {@link createWasmLifStep} trains: as the reference's spec, without a backend. */
export interface WasmLifSpec extends Omit<RefLifSpec, "backend"> {
  /** Called at every time step with each hidden layer's U[t] and spikes (for tests; slow). */
  probe?: (t: number, layers: { U: Float32Array; s: Float32Array }[]) => void;
}

/** The fused step has the reference step's shape. */
export type WasmLifStep = RefLifStep;

/**
 * Why `spec` cannot run as the fused wasm SAF-E step (undefined if it can): another method,
 * or a conv or pooled layer.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { wasmLifUnsupported } from "./wasm.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1));
 * console.log(wasmLifUnsupported({ net, method: lifMethod("ottt-o"), adam: {} }) !== undefined); // true
 * ```
 */
export function wasmLifUnsupported(spec: WasmLifSpec): string | undefined {
  if (spec.method.gradients !== safEGradients) return "only the saf-e method";
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
 * The fused float32 SAF-E step of a dense LIF network, resident in a WASM core. Throws an
 * OptionError for another method or a conv net (the reference step, `createRefLifStep`, runs
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
  const opts: LifBatchOptions = { mseWeight, readout: spec.readout ?? "trace", probe: spec.probe };
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
