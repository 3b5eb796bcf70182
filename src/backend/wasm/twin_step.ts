/**
 * The wasm backend's own training step (`Backend.createTwinStep`): a dense B = 1 network and
 * its ReLU twin trained in float32 with their weights, gradients and Adam moments resident in
 * a WASM core (`twin_core.ts`). With `workers` = 1 the step runs in the calling thread; with
 * more, each worker thread takes a contiguous share of the batch and the gradients are summed
 * through a SharedArrayBuffer (`twin_workers.ts`).
 *
 * @module
 */
import type { TwinStepResult, TwinStepRunner, TwinStepSpec } from "../backend.ts";
import { OptionError, ShapeError } from "../../errors.ts";
import { checkStep, stepResult, TwinCore } from "./twin_core.ts";
import { createWorkerTwinStep } from "./twin_workers.ts";

/** A resident core loaded with the spec's parameters and Adam step count. */
export function loadedCore(spec: TwinStepSpec): TwinCore {
  const { sizes, snn, twin } = spec;
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError(`layer sizes must be >= 2 integers >= 1, got ${sizes.join("-")}`);
  }
  for (const [name, p] of [["snn", snn], ["twin", twin]] as const) {
    p.forEach((a, k) => {
      const l = k >> 1, n = k % 2 ? sizes[l + 1] : sizes[l] * sizes[l + 1];
      if (a.length !== n) {
        throw new ShapeError(`${name} parameter ${k} has ${a.length} entries; expected ${n}`);
      }
    });
    if (p.length !== 2 * (sizes.length - 1)) {
      throw new ShapeError(
        `${name} has ${p.length} parameter arrays for ${sizes.length - 1} layers`,
      );
    }
  }
  const core = new TwinCore(sizes, spec.adam);
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
 * import { createTwinStep } from "./twin_step.ts";
 * const W = () => [new Float64Array([0.5, -0.5]), new Float64Array(1), new Float64Array([1, -1]), new Float64Array(2)];
 * const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 };
 * const run = createTwinStep({ sizes: [2, 1, 2], snn: W(), twin: W(), adam, t: 0 });
 * const r = run.step(new Float64Array([1, 0]), [0], 1);
 * console.log(r.loss === r.twinLoss); // true
 * ```
 */
export function createTwinStep(spec: TwinStepSpec, workers = 1): TwinStepRunner {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new OptionError(`workers must be an integer >= 1, got ${workers}`);
  }
  const core = loadedCore(spec);
  if (workers > 1) return createWorkerTwinStep(core, spec, workers);
  return {
    step(x, labels, batch): TwinStepResult {
      checkStep(spec.sizes, x, labels, batch);
      const share = core.gradients(x, labels, batch, batch);
      core.adam(core.G);
      return stepResult([share], batch, core.gradNorms(core.G));
    },
    forward: (x, batch) => core.forward(x, batch),
    read: (snn, twin) => core.read(snn, twin),
    close() {},
  };
}
