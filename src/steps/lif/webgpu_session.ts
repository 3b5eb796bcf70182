/**
 * The GPU side of the LIF step (webgpu.ts): the context, the kernels and three kinds of GpuPlan
 * (backend/webgpu/plan.ts). The resident plan owns the parameters, gradients, Adam moments,
 * spike count and result (webgpu_buffers.ts); the activation plan owns the activations, sized
 * for the largest batch so far (a larger batch re-allocates them and drops the recorded
 * batches); and one recorded op list per (batch, T, mode, shared input) (webgpu_plan.ts), a
 * few kept. A batch uploads x and the labels, writes each Adam update's lr_t into the plan's
 * "adam" uniforms, replays the plan as one command buffer and reads back the 12-byte result.
 *
 * @module
 */
import { OptionError, ShapeError, ValueError } from "../../errors.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { constantTraces } from "../../lif/neuron.ts";
import { type adamSettings, adamStepSize } from "../../nn/optim.ts";
import { ADAM_PARAMS, adamUniform } from "../../backend/webgpu/adam.ts";
import { GpuContext } from "../../backend/webgpu/device.ts";
import { type LifPipelines, lifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
import { GpuPlan, PlanCache } from "../../backend/webgpu/plan.ts";
import {
  lifActivations,
  type LifBuffers,
  type LifParamBuffers,
  lifParamBuffers,
} from "./webgpu_buffers.ts";
import { buildLifPlan, type LifPlanMode, type LifPlanShape } from "./webgpu_plan.ts";
import type { LifStepResult } from "./webgpu.ts";

/** What a runner runs on: the context (its own unless the spec shares one), kernels, weights. */
export interface LifGpu {
  ctx: GpuContext;
  own: boolean;
  pipes: LifPipelines;
  resident: GpuPlan;
  params: LifParamBuffers;
}

/**
 * Takes `context` (or opens one, with `timeoutMs` per request), compiles the kernels and
 * uploads the weights of `net`.
 *
 * @example
 * ```ts ignore
 * const gpu = await openLifGpu(net, undefined, 120000);
 * ```
 */
export async function openLifGpu(
  net: LifNetwork,
  context: GpuContext | undefined,
  timeoutMs: number,
): Promise<LifGpu> {
  const ctx = context ?? await GpuContext.create({ timeoutMs });
  try {
    const pipes = await lifPipelines(ctx), resident = new GpuPlan(ctx, "lif parameters");
    return { ctx, own: !context, pipes, resident, params: lifParamBuffers(resident, net) };
  } catch (e) {
    if (!context) ctx.destroy();
    throw e;
  }
}

/** The settings every plan of a runner shares. */
export type LifFixed = Omit<LifPlanShape, "batch" | "T" | "c" | "sharedInput" | "mode">;

/** Recorded batches kept per runner. */
const PLANS = 8;

/** One batch's input as float32: x[t] [batch, n_0] per step, or once if every step's is one. */
function packInput(
  xs: Float64Array[],
  B: number,
  n0: number,
): { x: Float32Array; shared: boolean } {
  if (!Number.isInteger(B) || B < 1) throw new ShapeError(`batch ${B}; need an integer >= 1`);
  if (xs.length < 1) throw new ShapeError("the input has no time steps");
  xs.forEach((x, i) => {
    if (x.length !== B * n0) {
      throw new ShapeError(`input step ${i} has ${x.length} values; need ${B * n0}`);
    }
  });
  const shared = xs.every((x) => x === xs[0]), steps = shared ? [xs[0]] : xs;
  const x = new Float32Array(steps.length * B * n0);
  steps.forEach((s, i) => x.set(s, i * B * n0));
  return { x, shared };
}

/** The labels as u32, each checked to be a class in 0..K-1. */
function packLabels(labels: ArrayLike<number>, B: number, K: number): Uint32Array {
  if (labels.length < B) throw new ShapeError(`${labels.length} labels for batch ${B}`);
  const lab = new Uint32Array(B);
  for (let b = 0; b < B; b++) {
    const y = labels[b];
    if (!(Number.isInteger(y) && y >= 0 && y < K)) {
      throw new ValueError(`label[${b}] = ${y} is not a class in 0..${K - 1}`);
    }
    lab[b] = y;
  }
  return lab;
}

/**
 * A runner's GPU state: the resident buffers, the activations and the recorded batches.
 *
 * @example
 * ```ts ignore
 * const session = new LifSession(await openLifGpu(net, undefined, 120000), fixed, settings, 0);
 * const { result } = await session.run(xs, labels, 64, "train");
 * session.close();
 * ```
 */
export class LifSession {
  readonly ctx: GpuContext;
  readonly params: LifParamBuffers;
  readonly total: number;
  t: number;
  #acts: { plan: GpuPlan; buffers: LifBuffers; batch: number; xFloats: number } | null = null;
  readonly #plans: PlanCache<string, GpuPlan>;
  readonly #c = new Map<number, Float64Array>();
  #closed = false;

  /**
   * The state of a runner on `gpu` (whose resident buffers it takes over).
   *
   * @param gpu The context, kernels and parameter buffers.
   * @param fixed The plans' shared settings.
   * @param settings Adam's settings (lr_t of each update).
   * @param t Adam steps already taken.
   */
  constructor(
    readonly gpu: LifGpu,
    readonly fixed: LifFixed,
    readonly settings: ReturnType<typeof adamSettings>,
    t: number,
  ) {
    const { sizes, offsets } = fixed, H = sizes.length - 2;
    this.ctx = gpu.ctx;
    this.params = gpu.params;
    this.total = offsets[H] + sizes[H + 1] * (sizes[H] + 1);
    this.t = t;
    this.#plans = new PlanCache(PLANS);
  }

  /** Uploads a batch, replays its plan (Adam's lr_t written first) and reads the result. */
  async run(
    xs: Float64Array[],
    labels: ArrayLike<number> | null,
    B: number,
    mode: LifPlanMode,
  ): Promise<{ result: LifStepResult; plan: GpuPlan }> {
    if (this.#closed) throw new OptionError("the WebGPU LIF step was closed");
    const { sizes } = this.fixed, { x, shared } = packInput(xs, B, sizes[0]), T = xs.length;
    const buf = this.#buffers(B, x.length);
    if (labels) this.ctx.write(buf.labels, packLabels(labels, B, sizes[sizes.length - 1]));
    this.ctx.write(buf.x, x);
    const plan = this.#plans.get(
      `${B}/${T}/${mode}/${shared}`,
      () => this.#build({ batch: B, T, mode, sharedInput: shared }),
    );

    for (const u of plan.buffers("adam")) { // lr_t of each Adam update, in float64
      const lrT = adamStepSize(this.settings, ++this.t); // nn/optim.ts: the one lr_t
      plan.write(u, ADAM_PARAMS, adamUniform(this.total, lrT, this.settings));
    }
    plan.run();
    const bytes = await this.ctx.readBytes(buf.result, 12);
    const f = new Float32Array(bytes), u = new Uint32Array(bytes);
    return { result: { loss: f[0], correct: f[1], spikes: u[2] }, plan };
  }

  /** The hidden spikes a "forward" plan recorded: spikes[t][l] [batch, n_l]. */
  async spikes(plan: GpuPlan, T: number, B: number): Promise<Float64Array[][]> {
    const flat = await this.ctx.read(plan.buffer("spike record"));
    const out: Float64Array[][] = [];
    let at = 0;
    for (let s = 0; s < T; s++) {
      out.push(
        this.fixed.sizes.slice(1, -1).map((n) => {
          const v = Float64Array.from(flat.subarray(at, at + n * B));
          return (at += n * B), v;
        }),
      );
    }
    return out;
  }

  /** Frees every buffer, and the context if the runner opened it (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#plans.clear();
    this.#acts?.plan.close();
    this.gpu.resident.close();
    if (this.gpu.own) this.ctx.destroy();
  }

  /** The buffers of a batch of B (activations re-allocated, plans dropped, when it is larger). */
  #buffers(B: number, xFloats: number): LifBuffers {
    const a = this.#acts;
    if (a && B <= a.batch && xFloats <= a.xFloats) return a.buffers;
    this.#plans.clear();
    a?.plan.close();
    const batch = Math.max(B, a?.batch ?? 0), xMax = Math.max(xFloats, a?.xFloats ?? 0);
    const plan = new GpuPlan(this.ctx, "lif activations");
    const { sizes, method } = this.fixed;
    const acts = lifActivations(plan, sizes, batch, xMax, method === "ottt");
    this.#acts = { plan, buffers: { ...this.params, ...acts }, batch, xFloats: xMax };
    return this.#acts.buffers;
  }

  /** The plan of one batch shape over the current buffers. */
  #build(shape: Pick<LifPlanShape, "batch" | "T" | "mode" | "sharedInput">): GpuPlan {
    const { T } = shape;
    if (!this.#c.has(T)) this.#c.set(T, constantTraces(this.fixed.lambda, T));
    const c = this.#c.get(T)!;
    return buildLifPlan(this.ctx, this.gpu.pipes, this.#acts!.buffers, {
      ...this.fixed,
      ...shape,
      c,
    });
  }
}
