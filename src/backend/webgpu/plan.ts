/**
 * GpuPlan, the one plan abstraction of the WebGPU path: a batch of GPU work recorded once and
 * replayed. A plan
 *   - owns the buffers it allocates: storage, and uniforms packed from a kernel's layout by
 *     params.ts's packUniform, each under a name (its label) to look it up by;
 *   - records operations as an op list: dispatches (pipeline, bind group made at record time,
 *     workgroup grid), buffer copies and clears, in named segments (e.g. "forward", "train");
 *   - replays the segments asked for into the context's command encoder, so one batch is one
 *     command buffer (submitted by the next `flush` or readback of the GpuContext);
 *   - destroys what it owns on `close` (after submitting what was recorded).
 * The steps (src/steps/) build one plan per batch shape and keep a few in a {@link PlanCache}.
 *
 * @module
 */
import { GpuError } from "../../errors.ts";
import { type GpuContext, type Words, workgroupGrid } from "./device.ts";
import { packUniform, type UniformLayout, type UniformValues } from "./params.ts";

/** A bound buffer: all of it, or a range { buffer, offset, size }. */
export type Binding = GPUBuffer | GPUBufferBinding;

/** A workgroup grid (x, y, z; 1 where left out). */
export type Grid = [number, number?, number?];

/** One recorded operation. */
export type PlanOp =
  | { kind: "dispatch"; pipeline: GPUComputePipeline; group: GPUBindGroup; grid: Grid }
  | { kind: "copy"; src: GPUBuffer; dst: GPUBuffer; bytes: number; from: number; to: number }
  | { kind: "clear"; buffer: GPUBuffer; offset: number; bytes?: number };

/**
 * Buffers, recorded dispatches and their uniforms for one batch shape (module doc).
 *
 * @example
 * ```ts
 * import { GpuContext } from "./device.ts";
 * import { GpuPlan } from "./plan.ts";
 * import { REDUCE_PARAMS, reduceWgsl } from "./reduce.ts";
 * const ctx = await GpuContext.create();
 * const plan = new GpuPlan(ctx, "sum of squares");
 * const x = plan.storage(new Float32Array([3, 4]), "x"), out = plan.storage(4, "out");
 * const sumsq = await ctx.pipeline(reduceWgsl("sumsq"));
 * plan.kernel(sumsq, REDUCE_PARAMS, { n: 2 }, [x, out], [1]);
 * plan.run();
 * console.log((await ctx.read(plan.buffer("out")))[0]); // 25
 * plan.close();
 * ctx.destroy();
 * ```
 */
export class GpuPlan {
  readonly #owned: GPUBuffer[] = [];
  readonly #named = new Map<string, GPUBuffer[]>();
  readonly #segments = new Map<string, PlanOp[]>();
  #ops: PlanOp[] = [];
  #closed = false;

  /**
   * An empty plan on `ctx` recording into segment `segment`.
   *
   * @param ctx The context whose device runs the plan.
   * @param label A name for errors.
   * @param segment The first segment's name.
   * @example
   * ```ts ignore
   * const plan = new GpuPlan(ctx, "ttfs twin, 64 rows", "forward");
   * ```
   */
  constructor(readonly ctx: GpuContext, readonly label = "plan", segment = "main") {
    this.segment(segment);
  }

  /** Records from now on into segment `name` (created after the others, or continued). */
  segment(name: string): this {
    let ops = this.#segments.get(name);
    if (!ops) this.#segments.set(name, ops = []);
    this.#ops = ops;
    return this;
  }

  /** The segments' names, in the order they were made. */
  get segments(): string[] {
    return [...this.#segments.keys()];
  }

  /** The ops recorded in segment `name`. */
  ops(name: string): readonly PlanOp[] {
    return this.#segments.get(name) ?? [];
  }

  /** Takes `buf` into the plan: named `name`, destroyed by `close`. */
  own<B extends GPUBuffer>(buf: B, name: string = buf.label): B {
    this.#owned.push(buf);
    const list = this.#named.get(name);
    if (list) list.push(buf);
    else this.#named.set(name, [buf]);
    return buf;
  }

  /** A storage buffer the plan owns, holding `data` (or that many zero bytes). */
  storage(data: Words | number, name = "storage"): GPUBuffer {
    return this.own(this.ctx.storage(data, name));
  }

  /** A uniform buffer the plan owns, holding `values` packed by `layout` (params.ts). */
  uniform<F extends string>(
    layout: UniformLayout<F>,
    values: UniformValues<F>,
    name = "uniform",
  ): GPUBuffer {
    return this.own(this.ctx.uniform(packUniform(layout, values), name));
  }

  /** Rewrites the uniform `buf` (queued before the next submission). */
  write<F extends string>(
    buf: GPUBuffer,
    layout: UniformLayout<F>,
    values: UniformValues<F>,
  ): void {
    this.ctx.write(buf, packUniform(layout, values));
  }

  /** The buffers named `name`, in the order they were made. */
  buffers(name: string): GPUBuffer[] {
    return [...(this.#named.get(name) ?? [])];
  }

  /** The one buffer named `name` (a GpuError if there is none or several). */
  buffer(name: string): GPUBuffer {
    const list = this.#named.get(name) ?? [];
    if (list.length !== 1) {
      throw new GpuError(`plan '${this.label}' has ${list.length} buffers named '${name}'`);
    }
    return list[0];
  }

  /** Records a dispatch of `pipeline` with `bindings` at 0, 1, ... over `grid` workgroups. */
  dispatch(pipeline: GPUComputePipeline, bindings: Binding[], grid: Grid): void {
    const max = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    if (grid.some((g) => (g ?? 1) > max)) {
      throw new GpuError(`plan '${this.label}': ${grid.join("x")} workgroups exceed ${max}`);
    }
    this.#ops.push({ kind: "dispatch", pipeline, group: this.ctx.bind(pipeline, bindings), grid });
  }

  /**
   * Records a kernel: a uniform of `layout` holding `values` at binding 0 (made and owned
   * here), `bindings` at 1, 2, ..., over `grid`; returns the uniform (to rewrite it later).
   */
  kernel<F extends string>(
    pipeline: GPUComputePipeline,
    layout: UniformLayout<F>,
    values: UniformValues<F>,
    bindings: Binding[],
    grid: Grid,
    name = pipeline.label || "uniform",
  ): GPUBuffer {
    const u = this.uniform(layout, values, name);
    this.dispatch(pipeline, [u, ...bindings], grid);
    return u;
  }

  /** The grid of `n` invocations, `perGroup` per workgroup, folded as `workgroupGrid`. */
  flatGrid(n: number, perGroup: number): Grid {
    return workgroupGrid(Math.ceil(n / perGroup), this.ctx.limits.maxComputeWorkgroupsPerDimension);
  }

  /** Records a copy of `bytes` from `src` at byte `from` to `dst` at byte `to`. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, from = 0, to = 0): void {
    this.#ops.push({ kind: "copy", src, dst, bytes, from, to });
  }

  /** Records zeroing `buffer` (all of it, or `bytes` from `offset`). */
  clear(buffer: GPUBuffer, offset = 0, bytes?: number): void {
    this.#ops.push({ kind: "clear", buffer, offset, bytes });
  }

  /** Replays `segments` (default all, in order) into the context's encoder. */
  run(...segments: string[]): void {
    if (this.#closed) throw new GpuError(`plan '${this.label}' was closed`);
    const ctx = this.ctx;
    for (const name of segments.length ? segments : this.segments) {
      const ops = this.#segments.get(name);
      if (!ops) throw new GpuError(`plan '${this.label}' has no segment '${name}'`);
      for (const op of ops) {
        if (op.kind === "dispatch") ctx.dispatch(op.pipeline, op.group, op.grid);
        else if (op.kind === "copy") ctx.copy(op.src, op.dst, op.bytes, op.from, op.to);
        else ctx.clear(op.buffer, op.offset, op.bytes);
      }
    }
  }

  /**
   * Submits what was recorded, then destroys the buffers the plan owns (idempotent; never
   * throws: a context that failed says so at its next use).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.ctx.flush();
    } catch { /* the context keeps its failure for its next check */ }
    for (const b of this.#owned) b.destroy();
    this.#owned.length = 0;
    this.#named.clear();
    this.#segments.clear();
  }
}

/**
 * Plans by key, at most `size` of them: the least recently used is closed to make room.
 *
 * @example
 * ```ts
 * import { PlanCache } from "./plan.ts";
 * const made: number[] = [], cache = new PlanCache<number, { close(): void }>(1);
 * const build = (k: number) => () => (made.push(k), { close() {} });
 * cache.get(1, build(1)), cache.get(1, build(1)), cache.get(2, build(2));
 * console.log(made); // [ 1, 2 ]
 * ```
 */
export class PlanCache<K, P extends { close(): void }> {
  readonly #plans = new Map<K, P>();

  /**
   * A cache of at most `size` plans.
   *
   * @param size How many plans to keep.
   * @example
   * ```ts ignore
   * const plans = new PlanCache<number, GpuPlan>(4);
   * ```
   */
  constructor(readonly size: number) {}

  /** The plan of `key`, made by `build` if it is not kept. */
  get(key: K, build: () => P): P {
    let plan = this.#plans.get(key);
    if (plan) this.#plans.delete(key);
    else {
      plan = build();
      if (this.#plans.size >= this.size) {
        const [oldest, old] = this.#plans.entries().next().value!;
        this.#plans.delete(oldest);
        old.close();
      }
    }
    this.#plans.set(key, plan);
    return plan;
  }

  /** Closes every plan kept. */
  clear(): void {
    for (const p of this.#plans.values()) p.close();
    this.#plans.clear();
  }
}
