/**
 * WebGPU device access for the WGSL kernels: acquiring a GPUDevice without ever hanging
 * (adapter, device, pipeline and readback requests race a timeout), and `GpuContext`, a small
 * wrapper that creates storage buffers, compiles and caches compute pipelines (WGSL errors
 * become a `GpuError` with the compiler's message), records dispatches into one command
 * encoder, and reads buffers back with mapAsync.
 *
 * Conventions of the kernels that run through it: every binding is in group 0, numbered in
 * the order of the `buffers` array given to `dispatch`; a grid of more than 65535 workgroups
 * is folded into two dimensions by `workgroupGrid`, and the shader recovers the linear
 * workgroup index as wid.x + wid.y * nwg.x.
 *
 * @module
 */
import { BackendUnavailableError, GpuError } from "../../errors.ts";

/** Options of {@link requestGpuDevice} and {@link GpuContext.create}. */
export interface GpuOptions {
  /** Milliseconds to wait for the adapter, the device or a readback (default 10000). */
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
  const ms = options.timeoutMs ?? 10000, rt = runtimeLabel();
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

/** The data a storage buffer can be created from: typed arrays of 4-byte words. */
export type Words = Float32Array | Uint32Array | Int32Array;

/** A GPUDevice with buffer, pipeline, dispatch and readback helpers. */
export class GpuContext {
  readonly #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  readonly #staging: GPUBuffer[] = [];
  readonly #temps: GPUBuffer[] = [];
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #failure: string | null = null;
  #destroyed = false;

  /**
   * @param device An open device (the context destroys it in `destroy`).
   * @param timeoutMs How long a readback may take before it fails.
   * @example
   * ```ts
   * import { GpuContext, requestGpuDevice } from "./device.ts";
   * const ctx = new GpuContext(await requestGpuDevice());
   * ctx.destroy();
   * ```
   */
  constructor(readonly device: GPUDevice, readonly timeoutMs = 10000) {
    device.lost.then((info) => {
      if (!this.#destroyed) this.#failure ??= `device lost (${info.reason}): ${info.message}`;
    });
    device.addEventListener("uncapturederror", (e) => {
      this.#failure ??= `uncaptured WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`;
    });
  }

  /**
   * Opens a device ({@link requestGpuDevice}) and wraps it.
   *
   * @example
   * ```ts
   * import { GpuContext } from "./device.ts";
   * const ctx = await GpuContext.create({ timeoutMs: 5000 });
   * console.log(ctx.limits.maxComputeWorkgroupsPerDimension >= 65535); // true
   * ctx.destroy();
   * ```
   */
  static async create(options: GpuOptions = {}): Promise<GpuContext> {
    return new GpuContext(await requestGpuDevice(options), options.timeoutMs ?? 10000);
  }

  /** The device's limits. */
  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Throws the `GpuError` of a lost device or an uncaptured error, if one happened. */
  check(): void {
    if (this.#destroyed) throw new GpuError("the GPU context was destroyed");
    if (this.#failure) throw new GpuError(this.#failure);
  }

  /**
   * A storage buffer (also a copy source and target) holding `data`, or `data` zero bytes.
   * Sizes are rounded up to 4 bytes (a zero-size request gets 4 bytes).
   */
  storage(data: Words | number, label = "storage"): GPUBuffer {
    const bytes = typeof data === "number" ? data : data.byteLength;
    const max = this.limits.maxStorageBufferBindingSize;
    if (bytes > max) {
      throw new GpuError(`buffer '${label}' of ${bytes} bytes exceeds the device's ${max}`);
    }
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = this.device.createBuffer({
      label,
      size: Math.max(4, Math.ceil(bytes / 4) * 4),
      usage,
    });
    if (typeof data !== "number" && data.byteLength > 0) this.write(buf, data);
    return buf;
  }

  /** A uniform buffer holding `data` (padded to 16 bytes). */
  uniform(data: Words, label = "uniform"): GPUBuffer {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    const usage = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const buf = this.device.createBuffer({ label, size, usage });
    this.write(buf, data);
    return buf;
  }

  /** Writes `data` into `buf` at `byteOffset` (queued, ordered before later submissions). */
  write(buf: GPUBuffer, data: Words, byteOffset = 0): void {
    this.flush();
    const view = data as unknown as Uint8Array<ArrayBuffer>; // never a shared buffer here
    this.device.queue.writeBuffer(buf, byteOffset, view);
  }

  /** Destroys `buf` after the next submission (for per-call operands). */
  temp<B extends GPUBuffer>(buf: B): B {
    this.#temps.push(buf);
    return buf;
  }

  /**
   * The compute pipeline of `code` (cached by code and entry point). A WGSL error rejects with
   * a `GpuError` carrying the compiler's messages.
   */
  pipeline(code: string, entryPoint = "main", label = entryPoint): Promise<GPUComputePipeline> {
    const key = `${entryPoint}\n${code}`;
    let p = this.#pipelines.get(key);
    if (!p) {
      p = this.#compile(code, entryPoint, label);
      this.#pipelines.set(key, p);
      p.catch(() => this.#pipelines.delete(key));
    }
    return p;
  }

  async #compile(code: string, entryPoint: string, label: string): Promise<GPUComputePipeline> {
    this.check();
    const d = this.device;
    d.pushErrorScope("validation");
    const module = d.createShaderModule({ label, code });
    let pipeline: GPUComputePipeline | null = null, failure = "";
    try {
      pipeline = await withTimeout(
        d.createComputePipelineAsync({ label, layout: "auto", compute: { module, entryPoint } }),
        this.timeoutMs,
        `compiling '${label}'`,
      );
    } catch (e) {
      failure = String(e);
    }
    const scope = await withTimeout(d.popErrorScope(), this.timeoutMs, "popErrorScope");
    if (pipeline && !scope) return pipeline;
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message.trim()}`);
    throw new GpuError(
      `WGSL '${label}' failed: ${
        [scope?.message, failure, ...messages].filter(Boolean).join("; ")
      }`,
    );
  }

  /** A bind group of `buffers` at bindings 0, 1, ... of group 0 of `pipeline`. */
  bind(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** Records a dispatch of `pipeline` over `groups` workgroups (submitted by `flush`). */
  dispatch(
    pipeline: GPUComputePipeline,
    bindings: GPUBuffer[] | GPUBindGroup,
    groups: [number, number?, number?],
  ): void {
    this.check();
    const group = Array.isArray(bindings) ? this.bind(pipeline, bindings) : bindings;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some((g) => (g ?? 1) > max)) {
      throw new GpuError(`dispatch of ${groups.join("x")} workgroups exceeds ${max} per dimension`);
    }
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, group);
    this.#pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  }

  /** Records a copy of `bytes` from `src` to `dst`. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, srcOffset = 0, dstOffset = 0): void {
    this.#endPass().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Records zeroing `buf` (all of it, or `bytes` from `offset`; multiples of 4). */
  clear(buf: GPUBuffer, offset = 0, bytes?: number): void {
    this.#endPass().clearBuffer(buf, offset, bytes);
  }

  #endPass(): GPUCommandEncoder {
    this.check();
    this.#pass?.end();
    this.#pass = null;
    return (this.#encoder ??= this.device.createCommandEncoder());
  }

  /** Submits what was recorded and destroys the `temp` buffers. */
  flush(): void {
    if (this.#encoder) {
      const enc = this.#endPass();
      this.#encoder = null;
      this.device.queue.submit([enc.finish()]);
    }
    for (const b of this.#temps.splice(0)) b.destroy();
  }

  /** Copies `bytes` (default all) of `buf` from `offset` back to the CPU. */
  async readBytes(buf: GPUBuffer, bytes = buf.size, offset = 0): Promise<ArrayBuffer> {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const i = this.#staging.findIndex((s) => s.size === size);
    const stage = i >= 0 ? this.#staging.splice(i, 1)[0] : this.device.createBuffer({
      label: "staging",
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.copy(buf, stage, size, offset);
    this.flush();
    try {
      await withTimeout(stage.mapAsync(GPUMapMode.READ), this.timeoutMs, "readback (mapAsync)");
    } catch (e) {
      stage.destroy();
      this.check();
      throw e;
    }
    const out = stage.getMappedRange(0, size).slice(0, bytes);
    stage.unmap();
    this.#staging.push(stage);
    this.check();
    return out;
  }

  /** Reads `n` floats (default all) of `buf` from float offset `at`. */
  async read(buf: GPUBuffer, n = buf.size / 4, at = 0): Promise<Float32Array> {
    return new Float32Array(await this.readBytes(buf, n * 4, at * 4));
  }

  /** Destroys the staging buffers and the device (the context is unusable afterwards). */
  destroy(): void {
    if (this.#destroyed) return;
    this.flush();
    this.#destroyed = true;
    for (const b of this.#staging.splice(0)) b.destroy();
    this.device.destroy();
  }
}
