/**
 * Whether this engine runs the relaxed-SIMD build of the core, and turning the feature on in
 * Node 20.
 *
 * Relaxed SIMD (`f32x4.relaxed_madd`: one FMA per lane on x86-64 with FMA) is part of
 * WebAssembly 3.0. Deno 2 and Bun validate it as shipped. Node 20's V8 (11.3) has it complete
 * but behind `--experimental-wasm-relaxed-simd`; V8 11.4 turned it on by default (Node 22). So
 * where the first validation fails and the process is Node, this module sets that one flag with
 * `v8.setFlagsFromString` (reached synchronously through `process.getBuiltinModule`, Node 20.16
 * and later) and validates again. V8 reads its wasm feature flags when it validates or compiles
 * a module, so modules compiled before are untouched. SPIKEPROOF_RELAXED_SIMD=0 in the
 * environment turns all of this off: the flag is left alone and cores use the plain build.
 *
 * @module
 */

/** The V8 flag that turns relaxed SIMD on in Node 20 (V8 11.3). */
const NODE20_FLAG = "--experimental-wasm-relaxed-simd";

type NodeProcess = {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
};

/** This process's Node-style `process` object, where there is one (Node, Deno, Bun). */
function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/**
 * Whether SPIKEPROOF_RELAXED_SIMD is "0" in the environment: no relaxed build, no flag set.
 *
 * @example
 * ```ts
 * import { relaxedSimdOptedOut } from "./relaxed_simd.ts";
 * console.log(typeof relaxedSimdOptedOut()); // "boolean"
 * ```
 */
export function relaxedSimdOptedOut(): boolean {
  return nodeProcess()?.env?.SPIKEPROOF_RELAXED_SIMD === "0";
}

/**
 * Sets Node 20's relaxed-SIMD flag, where this is Node (not Deno or Bun, which also define
 * `process`) and `process.getBuiltinModule` reaches `node:v8`. Returns whether it set it.
 *
 * @example
 * ```ts
 * import { enableNodeRelaxedSimd } from "./relaxed_simd.ts";
 * console.log(typeof enableNodeRelaxedSimd()); // "boolean": false outside Node
 * ```
 */
export function enableNodeRelaxedSimd(): boolean {
  const proc = nodeProcess();
  const isNode = proc?.versions?.node !== undefined && !("Deno" in globalThis) &&
    !("Bun" in globalThis);
  if (!isNode || typeof proc?.getBuiltinModule !== "function") return false;
  const v8 = proc.getBuiltinModule("node:v8") as
    | { setFlagsFromString?: (flags: string) => void }
    | undefined;
  if (typeof v8?.setFlagsFromString !== "function") return false;
  v8.setFlagsFromString(NODE20_FLAG);
  return true;
}

/**
 * Whether the engine validates `bytes` (the relaxed build), after turning the feature on in
 * Node 20 when it did not and the environment has not opted out.
 *
 * @example
 * ```ts
 * import { relaxedSimdValidates } from "./relaxed_simd.ts";
 * // The smallest module: the magic number and version 1. It validates anywhere.
 * console.log(relaxedSimdValidates(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))); // true
 * ```
 */
export function relaxedSimdValidates(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes as BufferSource)) return true;
  return !relaxedSimdOptedOut() && enableNodeRelaxedSimd() &&
    WebAssembly.validate(bytes as BufferSource);
}
