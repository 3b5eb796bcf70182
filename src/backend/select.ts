/**
 * Backend selection by name, for the CLI's `--backend ref|wasm|webgpu` and for API callers:
 * `openBackend` gives any backend in the asynchronous form (WebGPU can only be asynchronous);
 * `backendByName` gives the synchronous ones.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { asAsync } from "./async.ts";
import type { AsyncBackend, Backend } from "./backend.ts";
import { refBackend } from "./ref.ts";
import { createWasmBackend, type WasmBackendOptions } from "./wasm.ts";
import { createWebGpuBackend, type WebGpuBackendOptions } from "./webgpu.ts";

/**
 * The backend names `openBackend` accepts (`backendByName` takes the first two).
 *
 * @example
 * ```ts
 * import { BACKEND_NAMES } from "./select.ts";
 * console.log(BACKEND_NAMES.join("|")); // "ref|wasm|webgpu"
 * ```
 */
export const BACKEND_NAMES = ["ref", "wasm", "webgpu"] as const;

/**
 * The backend the command line trains on when `--backend` is not given (`train`, `demo`,
 * `experiment cost`): the float32 wasm core, whose fused steps the claims
 * `backend.ttfs-fused-step-f32-bound` and `backend.lif-fused-step-f32-bound` hold to the float64
 * reference. The library's functions (`trainTtfs`, `trainLif`) keep the reference as their
 * default, and `--backend ref` gives it on the command line: the bit-reproducible ground truth
 * that `verify` checks the claims on.
 *
 * @example
 * ```ts
 * import { CLI_BACKEND } from "./select.ts";
 * console.log(CLI_BACKEND); // "wasm"
 * ```
 */
export const CLI_BACKEND: (typeof BACKEND_NAMES)[number] = "wasm";

/** Options of {@link openBackend}: those of the wasm and WebGPU backends. */
export interface OpenBackendOptions
  extends WasmBackendOptions, Omit<WebGpuBackendOptions, "version"> {}

const unknown = (name: string) =>
  new OptionError(`unknown backend '${name}'; expected one of ${BACKEND_NAMES.join(", ")}`);

/**
 * "ref": the float64 reference (bit-reproducible). "wasm": the float32 WASM SIMD
 * core (a fresh instance with its own memory), with `options` (e.g. `workers`). "webgpu" is
 * asynchronous: open it with {@link openBackend}.
 *
 * @example
 * ```ts
 * import { backendByName } from "./select.ts";
 * console.log(backendByName("wasm").name); // "wasm"
 * ```
 */
export function backendByName(name: string, options: WasmBackendOptions = {}): Backend {
  if (name === "ref") return refBackend;
  if (name === "wasm") return createWasmBackend(options);
  if (name === "webgpu") {
    throw new OptionError(
      "the webgpu backend is asynchronous (its results come back with mapAsync): open it with " +
        '`await openBackend("webgpu")`, which gives the AsyncBackend interface',
    );
  }
  throw unknown(name);
}

/**
 * Any backend by name, in the asynchronous form: "ref" and "wasm" wrapped (`asAsync`),
 * "webgpu" on a fresh device. Rejects with `BackendUnavailableError` where WebGPU is missing
 * and with `OptionError` for an unknown name. `close()` it when done.
 *
 * @example
 * ```ts
 * import { openBackend } from "./select.ts";
 * const be = await openBackend("ref"), z = new Float64Array(1);
 * await be.denseForward(new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * be.close();
 * ```
 */
export function openBackend(name: string, options: OpenBackendOptions = {}): Promise<AsyncBackend> {
  if (name === "webgpu") return createWebGpuBackend({ ...options, version: undefined });
  try {
    return Promise.resolve(asAsync(backendByName(name, options)));
  } catch (e) {
    return Promise.reject(e);
  }
}
