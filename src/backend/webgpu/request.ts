/**
 * Acquiring a WebGPU device without ever hanging: the adapter and device requests race a
 * timeout, and a runtime without WebGPU gets a `BackendUnavailableError` that says why and
 * names the backends that do run. Also the small helpers the kernels' hosts share (timeouts,
 * folding large workgroup grids). `device.ts` re-exports all of it.
 *
 * @module
 */
import { BackendUnavailableError, GpuError } from "../../errors.ts";

/** Options of {@link requestGpuDevice} (and of `GpuContext.create`). */
export interface GpuOptions {
  /** Milliseconds to wait for the adapter, the device or a readback (default 60000). */
  timeoutMs?: number;
  /** Adapter preference (default "high-performance"). */
  powerPreference?: GPUPowerPreference;
}

/** The backends that run everywhere, named in "not available" messages. */
const ALWAYS = "available backends: ref, wasm";

/**
 * The runtime and its version, e.g. "deno 2.9.5", "bun 1.4.5", "node 20.20.2".
 *
 * @example
 * ```ts
 * import { runtimeLabel } from "./device.ts";
 * console.log(runtimeLabel()); // e.g. "deno 2.9.5"
 * ```
 */
export function runtimeLabel(): string {
  const g = globalThis as {
    Deno?: { version: { deno: string } };
    Bun?: { version: string };
    process?: { versions?: { node?: string } };
  };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.versions?.node ?? "?"}`;
}

/**
 * Resolves like `p`, or rejects with a `GpuError` naming `what` after `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { withTimeout } from "./device.ts";
 * console.log(await withTimeout(Promise.resolve(1), 100, "nothing")); // 1
 * ```
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GpuError(`${what} did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * A GPUDevice, or a `BackendUnavailableError` saying why there is none (no `navigator.gpu`,
 * no adapter, or the adapter or device request failed or timed out).
 *
 * @example
 * ```ts
 * import { requestGpuDevice } from "./device.ts";
 * const device = await requestGpuDevice({ timeoutMs: 5000 });
 * device.destroy();
 * ```
 */
export async function requestGpuDevice(options: GpuOptions = {}): Promise<GPUDevice> {
  const ms = options.timeoutMs ?? 60000, rt = runtimeLabel();
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new BackendUnavailableError(
      `WebGPU is not available in ${rt}: navigator.gpu is missing ` +
        `(Deno has WebGPU; Bun and Node do not); ${ALWAYS}`,
    );
  }
  let adapter: GPUAdapter | null;
  try {
    const powerPreference = options.powerPreference ?? "high-performance";
    adapter = await withTimeout(gpu.requestAdapter({ powerPreference }), ms, "requestAdapter");
  } catch (e) {
    throw new BackendUnavailableError(`WebGPU is not available in ${rt}: ${e}; ${ALWAYS}`);
  }
  if (!adapter) {
    throw new BackendUnavailableError(
      `WebGPU is not available in ${rt}: navigator.gpu found no adapter; ${ALWAYS}`,
    );
  }
  const l = adapter.limits;
  const requiredLimits = {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
  try {
    return await withTimeout(adapter.requestDevice({ requiredLimits }), ms, "requestDevice");
  } catch (e) {
    throw new BackendUnavailableError(`WebGPU device request failed in ${rt}: ${e}; ${ALWAYS}`);
  }
}

/**
 * Whether a WebGPU adapter can be had here within `timeoutMs` (for skipping tests/benches).
 *
 * @example
 * ```ts
 * import { webGpuAvailable } from "./device.ts";
 * console.log(typeof await webGpuAvailable(2000)); // "boolean"
 * ```
 */
export async function webGpuAvailable(timeoutMs = 5000): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return false;
  try {
    return (await withTimeout(gpu.requestAdapter(), timeoutMs, "requestAdapter")) !== null;
  } catch {
    return false;
  }
}

/**
 * Folds `groups` workgroups into an [x, y] grid with x <= `max` (the device's
 * maxComputeWorkgroupsPerDimension); the shader's linear index is wid.x + wid.y * nwg.x and
 * must skip indices >= groups (x * y may exceed it).
 *
 * @example
 * ```ts
 * import { workgroupGrid } from "./device.ts";
 * console.log(workgroupGrid(100000)); // [50000, 2]
 * ```
 */
export function workgroupGrid(groups: number, max = 65535): [number, number] {
  if (groups <= max) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / max);
  if (y > max) throw new GpuError(`${groups} workgroups exceed the device's ${max}^2 grid`);
  return [Math.ceil(groups / y), y];
}
