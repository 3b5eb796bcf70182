/**
 * The TTFS training step on the wasm backend (the reference's sibling: `ref.ts`): a B = 1
 * network, dense or conv (`spec.layers`, `wasm_layers.ts`), and its ReLU twin trained in
 * float32 with their weights, gradients and Adam moments resident in a WASM core
 * (`wasm_core.ts`). With `workers` = 1 the step runs in the calling thread; with
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
import { ShapeError } from "../../errors.ts";
import { layerSizes } from "../../nn/architecture.ts";
import { checkLayerArrays, type LayerGeometry } from "../../nn/layer.ts";
import { TwinCore } from "./wasm_core.ts";
import { createWorkerTwinStep } from "./wasm_workers.ts";
import { stepResult } from "./wasm_sync.ts";
import { gradNorms, sumSquaresOf } from "./wasm_ranges.ts";

/**
 * A fused step's spec with the network's layers where it has conv layers: `sizes` are then
 * the layer sizes after pooling, and the parameters [W1, D1, ...] have the layers' shapes
 * (a conv layer's W [outC, k, k, inC], D [outC]).
 */
export interface WasmTwinStepSpec extends TwinStepSpec {
  /** The layers (dense, or conv with an optional max-pool; the readout has none). */
  layers?: LayerGeometry[];
}

/**
 * Checks a spec: `checkTwinSpec` for a dense network, else the layers against the sizes and
 * every parameter array against its layer (ShapeError).
 *
 * @example
 * ```ts
 * import { checkWasmTwinSpec } from "./wasm.ts";
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
 * const layers = [{ nIn: 16, nOut: 8, conv, pool: 2 }, { nIn: 8, nOut: 3 }];
 * const p = () => [new Float64Array(18), new Float64Array(2), new Float64Array(24), new Float64Array(3)];
 * checkWasmTwinSpec({ sizes: [16, 8, 3], layers, snn: p(), twin: p(), adam: TWIN_STEP_ADAM, t: 0 }); // fine
 * ```
 */
export function checkWasmTwinSpec(spec: WasmTwinStepSpec): void {
  const { layers } = spec, want = layers && layerSizes(layers).join("-");
  if (want !== undefined && spec.sizes.join("-") !== want) {
    throw new ShapeError(`sizes ${spec.sizes.join("-")} are not the layers' ${want}`);
  }
  if (!layers?.some((l) => l.conv)) return checkTwinSpec(spec);
  const last = layers[layers.length - 1];
  if (last.pool && last.pool > 1) throw new ShapeError("the readout layer cannot pool");
  for (const [name, p] of [["snn", spec.snn], ["twin", spec.twin]] as const) {
    if (p.length !== 2 * layers.length) {
      throw new ShapeError(`${name} has ${p.length} parameter arrays for ${layers.length} layers`);
    }
    layers.forEach((l, k) => checkLayerArrays(l, p[2 * k], p[2 * k + 1], `${name} layer ${k + 1}`));
  }
}

/** A resident core loaded with the spec's parameters and Adam step count. */
export function loadedCore(spec: WasmTwinStepSpec): TwinCore {
  checkWasmTwinSpec(spec);
  const { sizes, snn, twin } = spec;
  const core = new TwinCore(spec.layers ?? sizes, spec.adam, spec.trainTwin ?? true);
  core.load(snn, twin);
  core.t = spec.t;
  return core;
}

/**
 * A training step of a B = 1 network (dense, or conv with `spec.layers`) and its twin, in
 * float32, in this thread (`workers` = 1) or split over worker threads.
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
export function createWasmTwinStep(
  spec: TwinStepSpec & { layers?: LayerGeometry[] }, // a WasmTwinStepSpec
  workers = 1,
): TwinStepRunner {
  checkWorkers(workers);
  const core = loadedCore(spec);
  if (workers > 1) return createWorkerTwinStep(core, spec, workers);
  return {
    twinTrained: core.twin,
    step(x, labels, batch): TwinStepResult {
      checkStep(spec.sizes, x, labels, batch);
      const share = core.gradients(x, labels, batch, batch);
      core.adam(core.G);
      return stepResult([share], batch, gradNorms(core, sumSquaresOf(core, core.G)));
    },
    forward: (x, batch) => core.forward(x, batch),
    read: ({ snn, twin }) => core.read(snn, twin),
    close() {},
  };
}
