/**
 * The TTFS training step on the wasm backend (the reference's sibling: `ref.ts`): a dense B = 1 network and
 * its ReLU twin trained in float32 with their weights, gradients and Adam moments resident in
 * a WASM core (`wasm_core.ts`). With `workers` = 1 the step runs in the calling thread; with
 * more, each worker thread takes a contiguous share of the batch and the gradients are summed
 * through a SharedArrayBuffer (`wasm_workers.ts`).
 *
 * @module
 */
import {
  checkStep,
  checkTwinSpec,
  checkWorkers,
  type TwinStepResult,
  type TwinStepRunner,
  type TwinStepSpec,
} from "./step.ts";
import { stepResult, TwinCore } from "./wasm_core.ts";
import { createWorkerTwinStep } from "./wasm_workers.ts";

/** A resident core loaded with the spec's parameters and Adam step count. */
export function loadedCore(spec: TwinStepSpec): TwinCore {
  checkTwinSpec(spec);
  const { sizes, snn, twin } = spec;
  const core = new TwinCore(sizes, spec.adam, spec.trainTwin ?? true);
  core.load(snn, twin);
  core.t = spec.t;
  return core;
}

/**
 * A training step of a dense B = 1 network and its twin, in float32, in this thread
 * (`workers` = 1) or split over worker threads.
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * import { createWasmTwinStep } from "./wasm.ts";
 * const W = () => [new Float64Array([0.5, -0.5]), new Float64Array(1), new Float64Array([1, -1]), new Float64Array(2)];
 * const run = createWasmTwinStep({ sizes: [2, 1, 2], snn: W(), twin: W(), adam: TWIN_STEP_ADAM, t: 0 });
 * const r = run.step(new Float64Array([1, 0]), [0], 1);
 * console.log(r.loss === r.twinLoss); // true
 * ```
 */
export function createWasmTwinStep(spec: TwinStepSpec, workers = 1): TwinStepRunner {
  checkWorkers(workers);
  const core = loadedCore(spec);
  if (workers > 1) return createWorkerTwinStep(core, spec, workers);
  return {
    twinTrained: core.twin,
    step(x, labels, batch): TwinStepResult {
      checkStep(spec.sizes, x, labels, batch);
      const share = core.gradients(x, labels, batch, batch);
      core.adam(core.G);
      return stepResult([share], batch, core.gradNorms(core.G));
    },
    forward: (x, batch) => core.forward(x, batch),
    read: ({ snn, twin }) => core.read(snn, twin),
    close() {},
  };
}
