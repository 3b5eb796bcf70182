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
import { GpuError } from "../../errors.ts";
import { type GpuOptions, requestGpuDevice, withTimeout } from "./request.ts";

export {
  type GpuOptions,
  requestGpuDevice,
  runtimeLabel,
  webGpuAvailable,
  withTimeout,
  workgroupGrid,
} from "./request.ts";

/** The data a storage buffer can be created from: typed arrays of 4-byte words. */
export type Words = Float32Array | Uint32Array | Int32Array;

/**
 * A GPUDevice with buffer, pipeline, dispatch and readback helpers.
 *
 * @example
 * ```ts
 * import { GpuContext } from "./device.ts";
 * const ctx = await GpuContext.create();
 * const buf = ctx.storage(new Float32Array([1, 2, 3]));
 * console.log(await ctx.read(buf)); // Float32Array(3) [ 1, 2, 3 ]
 * ctx.destroy();
 * ```
 */
export class GpuContext {
  readonly #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  readonly #staging: GPUBuffer[] = [];
  readonly #temps: GPUBuffer[] = [];
  readonly #retired: GPUBuffer[] = [];
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #failure: string | null = null;
  #destroyed = false;

  /**
   * Wraps an open device; from then on a lost device or an uncaptured WebGPU error is recorded
   * and thrown as a `GpuError` by `check`.
   *
   * @param device An open device (the context destroys it in `destroy`).
   * @param timeoutMs How long a readback may take before it fails.
   * @example
   * ```ts
   * import { GpuContext, requestGpuDevice } from "./device.ts";
   * const ctx = new GpuContext(await requestGpuDevice());
   * ctx.destroy();
   * ```
   */
  constructor(readonly device: GPUDevice, readonly timeoutMs = 60000) {
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
    return new GpuContext(await requestGpuDevice(options), options.timeoutMs ?? 60000);
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

  /** Destroys `buf` once the work recorded so far has run (after the next readback). */
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

  /**
   * A bind group of `buffers` at bindings 0, 1, ... of group 0 of `pipeline`; an entry may be a
   * range { buffer, offset, size } (offset a multiple of minStorageBufferOffsetAlignment).
   */
  bind(pipeline: GPUComputePipeline, buffers: (GPUBuffer | GPUBufferBinding)[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((b, binding) => ({
        binding,
        resource: "buffer" in b ? b : { buffer: b },
      })),
    });
  }

  /** Records a dispatch of `pipeline` over `groups` workgroups (submitted by `flush`). */
  dispatch(
    pipeline: GPUComputePipeline,
    bindings: (GPUBuffer | GPUBufferBinding)[] | GPUBindGroup,
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

  /** Submits what was recorded (the `temp` buffers it used go when a later readback is done). */
  flush(): void {
    if (!this.#encoder) return;
    const enc = this.#endPass();
    this.#encoder = null;
    this.device.queue.submit([enc.finish()]);
    this.#retired.push(...this.#temps.splice(0));
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
    const finished = this.#retired.splice(0);
    try {
      await withTimeout(stage.mapAsync(GPUMapMode.READ), this.timeoutMs, "readback (mapAsync)");
    } catch (e) {
      stage.destroy();
      this.check();
      throw e;
    }
    for (const b of finished) b.destroy(); // their work ran before this copy
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
    for (const b of [...this.#staging, ...this.#temps, ...this.#retired]) b.destroy();
    this.device.destroy();
  }
}
