/**
 * Which TTFS training step runs on which backend: the fused float32 step of the backend where
 * it has one (wasm: `wasm.ts`, dense and conv networks, in this thread or over workers;
 * WebGPU: `webgpu.ts`, dense networks only), otherwise the reference step (`ref.ts`) on the
 * backend's dense primitives.
 *
 * @module
 */
import type { AsyncBackend, Backend } from "../../backend/backend.ts";
import { OptionError } from "../../errors.ts";
import { describeLayers, layerSizes } from "../../nn/architecture.ts";
import { type ReluMlp, reluMlpParams } from "../../nn/mlp.ts";
import { adamSettings } from "../../nn/optim.ts";
import { type B1Network, b1Params } from "../../ttfs/b1.ts";
import { createRefTwinStep } from "./ref.ts";
import type { AsyncTwinStepRunner, StepHyper, TwinStepRunner, TwinStepSpec } from "./step.ts";
import { createWasmTwinStep, type WasmTwinStepSpec } from "./wasm.ts";
import { createWebGpuTwinStep } from "./webgpu.ts";

/** The two networks a TTFS step trains (the twin made from the SNN, `reluFromB1`). */
export interface TwinNets {
  /** The B = 1 SNN. */
  snn: B1Network;
  /** Its ReLU twin. */
  twin: ReluMlp;
}

/** How to pick the step. */
export interface TwinStepChoice {
  /**
   * "fused" (default): the backend's own float32 step where there is one (wasm: dense and conv
   * networks; WebGPU: dense);
   * "ref": always the reference step, on the backend's dense primitives.
   */
  step?: "fused" | "ref";
  /**
   * Train the ReLU twin beside the SNN on the fused float32 steps (wasm, WebGPU; default false:
   * in float32 both models see the same operands, so the twin's trajectory is the SNN's by
   * construction and proves nothing; the float64 reference step, where it is the proof, always
   * trains it).
   */
  twin?: boolean;
}

const dense = (snn: B1Network): boolean => !snn.layers.some((l) => l.conv);

/** The fused wasm step runs dense and conv layers; a pool after the readout is not one. */
const wasmFusable = (snn: B1Network): boolean => (snn.layers[snn.layers.length - 1].pool ?? 1) <= 1;

/** What a fused step starts from: the current parameters (copied in) and Adam's settings. */
function fusedSpec({ snn, twin }: TwinNets, adam: StepHyper, trainTwin = true): TwinStepSpec {
  const sizes = layerSizes(snn.layers), t = 0;
  return { sizes, snn: b1Params(snn), twin: reluMlpParams(twin), adam, t, trainTwin };
}

/** `fusedSpec` with the layers' geometry, for the wasm step (dense or conv). */
function wasmSpec(nets: TwinNets, adam: StepHyper, trainTwin: boolean): WasmTwinStepSpec {
  const layers = nets.snn.layers.map(({ nIn, nOut, conv, pool }) => ({ nIn, nOut, conv, pool }));
  return { ...fusedSpec(nets, adam, trainTwin), layers };
}

/**
 * The TTFS step of a synchronous backend: on "wasm" the fused wasm step (dense or conv
 * network) over `backend.threads`, otherwise the reference step on its primitives.
 *
 * @example
 * ```ts
 * import { initB1Network } from "../../ttfs/b1.ts";
 * import { reluFromB1 } from "../../ttfs/mapping.ts";
 * import { denseLayers } from "../../nn/architecture.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { createWasmBackend } from "../../backend/wasm.ts";
 * import { createTwinStep } from "./select.ts";
 * const snn = initB1Network(denseLayers([4, 3, 2]), new Rng(1), 0.5);
 * const step = createTwinStep(createWasmBackend(), { snn, twin: reluFromB1(snn) }, { lr: 1e-2 });
 * console.log(typeof step.forward); // "function" (the fused wasm step)
 * step.close();
 * ```
 */
export function createTwinStep(
  backend: Backend,
  nets: TwinNets,
  adam: Parameters<typeof adamSettings>[0],
  choice: TwinStepChoice = {},
): TwinStepRunner {
  const hyper = adamSettings(adam);
  if (choice.step !== "ref" && backend.name === "wasm" && wasmFusable(nets.snn)) {
    return createWasmTwinStep(wasmSpec(nets, hyper, choice.twin ?? false), backend.threads ?? 1);
  }
  return createRefTwinStep(nets.snn, nets.twin, hyper, backend);
}

/** A synchronous step in the asynchronous form (a thrown error becomes a rejection). */
function asAsyncStep(step: TwinStepRunner): AsyncTwinStepRunner {
  const run = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));
  const { forward } = step;
  return {
    step: (x, labels, batch) => run(() => step.step(x, labels, batch)),
    read: (into) => run(() => step.read(into)),
    close: () => step.close(),
    ...(forward ? { forward: (x, batch) => run(() => forward(x, batch)) } : {}),
  };
}

/**
 * The TTFS step of any backend from `openBackend`: a wrapped synchronous backend's as
 * {@link createTwinStep}; on WebGPU the fused GPU step, for dense networks only.
 *
 * @example
 * ```ts
 * import { initB1Network } from "../../ttfs/b1.ts";
 * import { reluFromB1 } from "../../ttfs/mapping.ts";
 * import { denseLayers } from "../../nn/architecture.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { openBackend } from "../../backend/select.ts";
 * import { openTwinStep } from "./select.ts";
 * const snn = initB1Network(denseLayers([4, 3, 2]), new Rng(1), 0.5);
 * const step = await openTwinStep(await openBackend("ref"), { snn, twin: reluFromB1(snn) }, {});
 * console.log((await step.step(new Float64Array(8).fill(0.5), [0, 1], 2)).loss > 0); // true
 * ```
 */
export async function openTwinStep(
  backend: AsyncBackend,
  nets: TwinNets,
  adam: Parameters<typeof adamSettings>[0],
  choice: TwinStepChoice = {},
): Promise<AsyncTwinStepRunner> {
  if (backend.sync) return asAsyncStep(createTwinStep(backend.sync, nets, adam, choice));
  if (!backend.gpu || !dense(nets.snn) || choice.step === "ref") {
    throw new OptionError(
      `the ${backend.name} backend trains dense networks only, with its own step; ` +
        `${describeLayers(nets.snn.layers)} needs the ref or wasm backend`,
    );
  }
  const spec = fusedSpec(nets, adamSettings(adam), choice.twin ?? false); // the twin off, as on wasm
  return await createWebGpuTwinStep(backend.gpu, spec);
}
