/**
 * Backend selection by name, for the CLI's `--backend ref|wasm` and for API callers.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import type { Backend } from "./backend.ts";
import { refBackend } from "./ref.ts";
import { createWasmBackend, type WasmBackendOptions } from "./wasm.ts";

/**
 * The backend names `backendByName` accepts.
 *
 * @example
 * ```ts
 * import { BACKEND_NAMES } from "./select.ts";
 * console.log(BACKEND_NAMES.join("|")); // "ref|wasm"
 * ```
 */
export const BACKEND_NAMES = ["ref", "wasm"] as const;

/**
 * "ref": the float64 reference (bit-reproducible; the default). "wasm": the float32 WASM SIMD
 * core (a fresh instance with its own memory), with `options` (e.g. `workers`).
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
  throw new OptionError(`unknown backend '${name}'; expected one of ${BACKEND_NAMES.join(", ")}`);
}
