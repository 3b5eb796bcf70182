/**
 * Which LIF training step runs on which synchronous backend: the fused float32 step (`wasm.ts`)
 * on the wasm backend's default kernels ("wasm") for the six methods of `LIF_METHODS` (saf-e,
 * saf-f, ottt-o, ottt-a, spikerep, bptt) on a dense or conv (avg-pooled) network, otherwise the
 * reference step (`ref.ts`) on the backend's dense primitives.
 *
 * @module
 */
import type { Backend } from "../../backend/backend.ts";
import { createRefLifStep, type RefLifSpec, type RefLifStep } from "./ref.ts";
import { createWasmLifStep, wasmLifUnsupported } from "./wasm.ts";

/**
 * The LIF step of `backend` for `spec` (whose own `backend` field is replaced by `backend`):
 * the fused wasm step (any of the six methods, dense or conv nets) where it applies, the
 * reference step otherwise.
 * The fused step keeps the weights in its core: call `read(net)` before reading `spec.net`.
 *
 * @example
 * ```ts
 * import { createWasmBackend } from "../../backend/wasm.ts";
 * import { initLifNetwork } from "../../lif/network.ts";
 * import { lifMethod } from "../../lif/methods.ts";
 * import { Rng } from "../../nn/rng.ts";
 * import { createLifStep } from "./select.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(1));
 * const step = createLifStep(createWasmBackend(), { net, method: lifMethod("saf-e"), adam: {} });
 * const x = new Float64Array(8).fill(0.5);
 * console.log(step.step([x, x], [0, 1], 2).loss > 0); // true (the fused wasm step)
 * step.read(net);
 * ```
 */
export function createLifStep(backend: Backend, spec: RefLifSpec): RefLifStep {
  const { backend: _ignored, ...rest } = spec;
  if (backend.name === "wasm" && wasmLifUnsupported(rest) === undefined) {
    return createWasmLifStep(rest);
  }
  return createRefLifStep({ ...rest, backend });
}
