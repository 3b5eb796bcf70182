/**
 * A GPU-owned training step of a dense LIF network with SAF-E (SPEC B3; the float64 reference
 * is `lif/saf.ts` safEGradients with Adam from `nn/optim.ts`). Weights, accumulations,
 * gradients and Adam's moments stay in GPU buffers across the T steps and across batches; a
 * batch uploads its input and labels and reads back three numbers (loss, correct, spikes).
 *
 * Update: as the reference's saf-e (`lif/methods.ts`, update "step", the twin of OTTT_O), Adam
 * runs after every time step on that step's gradients (the default `update: "step"`);
 * `update: "batch"` sums the T steps' gradients and updates once. The loss is mixedLoss at
 * every step with scale 1/T and MSE weight 0.05 (SPEC B2); the readout's weight gradient uses
 * its input accumulation ("trace", the default) or its input spikes ("spike").
 *
 * With `method: "ottt"` the same runner trains OTTT (lif/ottt.ts, its default Replace
 * two-matmul forward and trace variant, every layer wrapped): OTTT_O with update "step", OTTT_A with "batch"; the backward
 * kernels are shared, since OTTT's presynaptic trace is SAF's accumulation.
 *
 * Float32 throughout (the kernels' header comments give the equations and layout).
 *
 * @module
 */
import { OptionError, ShapeError, ValueError } from "../../errors.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { constantTraces } from "../../lif/neuron.ts";
import { type AdamOptions, adamSettings, adamStepSize } from "../../nn/optim.ts";
import { LIF_MSE_WEIGHT } from "../../lif/loss.ts";
import { GpuContext } from "../../backend/webgpu/device.ts";
import { type LifPipelines, lifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
import {
  type LifActivations,
  lifActivations,
  type LifBuffers,
  type LifParamBuffers,
  lifParamBuffers,
  lifParamOffsets,
  splitLifParams,
} from "./webgpu_buffers.ts";
import { buildLifPlan, lifAdamParams, type LifPlan, type LifPlanMode } from "./webgpu_plan.ts";

/** What {@link createWebGpuLifStep} starts from. */
export interface WebGpuLifSpec {
  /** A dense LIF network (no conv, no pooling); its weights are copied to the GPU. */
  net: LifNetwork;
  /** Adam's settings (as `nn/optim.ts`; lr default 5e-4) and the steps already taken. */
  adam?: AdamOptions & { t?: number };
  /** MSE weight of the loss (default 0.05). */
  mseWeight?: number;
  /** The readout's weight gradient (default "trace"; see `lif/method.ts`). */
  readout?: "trace" | "spike";
  /**
   * The forward: "saf" (default; SAF-E with update "step") or "ottt" (OTTT's LIF neuron and
   * Replace two-matmul forward, trace variant; OTTT_O with update "step", OTTT_A "batch").
   */
  method?: "saf" | "ottt";
  /** Adam after every step (default, as saf-e and ottt-o) or once per batch (ottt-a). */
  update?: "step" | "batch";
  /** Milliseconds a device request or readback may take (default 120000). */
  timeoutMs?: number;
  /** A context to share (not destroyed by `close`); otherwise the runner opens its own. */
  context?: GpuContext;
}

/** A batch's figures. */
export interface LifStepResult {
  /** The loss summed over the T steps (each scaled 1/T), as safEGradients. */
  loss: number;
  /** Samples whose argmax of sum_t o[t] is the label. */
  correct: number;
  /** Hidden-layer spikes over the batch and the T steps. */
  spikes: number;
}

/** The GPU-owned LIF step. */
export interface LifStepRunner {
  /** Adam steps taken so far. */
  readonly t: number;
  /** One training batch: xs[t] [batch, nIn] for t = 1..T, labels [batch]. */
  step(xs: Float64Array[], labels: ArrayLike<number>, batch: number): Promise<LifStepResult>;
  /** The batch's gradients summed over the T steps, at fixed weights ([dW1, db1, ...]). */
  gradients(
    xs: Float64Array[],
    labels: ArrayLike<number>,
    batch: number,
  ): Promise<LifStepResult & { grads: Float64Array[] }>;
  /** The forward only: each step's hidden spikes, spikes[t][l] [batch, n_l]. */
  forward(xs: Float64Array[], batch: number): Promise<Float64Array[][]>;
  /** Copies the GPU's weights into `net` (same sizes as the spec's). */
  read(net: LifNetwork): Promise<void>;
  /** Frees the GPU buffers (and the device, if the runner opened it). */
  close(): void;
}

/** Layer sizes [n_0, ..., n_L] of a dense LIF net, or an OptionError. */
function denseSizes(net: LifNetwork): number[] {
  for (const [i, l] of net.layers.entries()) {
    if (l.conv || (l.avgPool ?? 1) > 1) {
      throw new OptionError(`the WebGPU LIF step runs dense layers only; layer ${i} is not`);
    }
  }
  return [net.layers[0].nIn, ...net.layers.map((l) => l.nOut)];
}

/**
 * Opens the GPU step of `spec.net` (a `BackendUnavailableError` where there is no WebGPU).
 *
 * @example
 * ```ts ignore
 * import { createWebGpuLifStep } from "./webgpu.ts";
 * const gpu = await createWebGpuLifStep({ net, adam: { lr: 3e-4 } });
 * const { loss, correct } = await gpu.step(codeInput(x, 6), labels, 64);
 * await gpu.read(net);
 * gpu.close();
 * ```
 */
export async function createWebGpuLifStep(spec: WebGpuLifSpec): Promise<LifStepRunner> {
  const { net } = spec, sizes = denseSizes(net), H = sizes.length - 2;
  const { t: t0 = 0, ...options } = spec.adam ?? {}, mseWeight = spec.mseWeight ?? LIF_MSE_WEIGHT;
  const settings = adamSettings(options), { beta1, beta2, epsilon: eps } = settings;
  if (!(mseWeight >= 0 && mseWeight <= 1)) throw new OptionError(`MSE weight ${mseWeight}`);
  const ctx = spec.context ?? await GpuContext.create({ timeoutMs: spec.timeoutMs ?? 120000 });
  const own = !spec.context;
  let pipes: LifPipelines, params: LifParamBuffers;
  try {
    (pipes = await lifPipelines(ctx)), (params = lifParamBuffers(ctx, net));
  } catch (e) {
    if (own) ctx.destroy();
    throw e;
  }
  const { offsets, total } = lifParamOffsets(net);
  let acts: LifActivations | null = null, actBatch = 0, actX = 0, actBufs: GPUBuffer[] = [];
  const plans = new Map<string, LifPlan>();
  const dropPlans = () => {
    for (const p of plans.values()) for (const u of p.uniforms) u.destroy();
    plans.clear();
  };
  const ensure = (B: number, xFloats: number): LifBuffers => {
    if (!acts || B > actBatch || xFloats > actX) {
      for (const b of actBufs) b.destroy();
      dropPlans();
      (actBatch = Math.max(B, actBatch)), (actX = Math.max(xFloats, actX));
      acts = lifActivations(ctx, sizes, actBatch, actX, spec.method === "ottt");
      actBufs = Object.values(acts).flat();
    }
    return { ...params, ...acts };
  };
  let t = t0, closed = false;
  const c = new Map<number, Float64Array>();
  const run = async (
    xs: Float64Array[],
    labels: ArrayLike<number> | null,
    B: number,
    mode: LifPlanMode,
  ): Promise<{ result: LifStepResult; buf: LifBuffers; plan: LifPlan }> => {
    if (closed) throw new OptionError("the WebGPU LIF step was closed");
    if (!Number.isInteger(B) || B < 1) throw new ShapeError(`batch ${B}; need an integer >= 1`);
    const T = xs.length, n0 = sizes[0], K = sizes[H + 1];
    if (T < 1) throw new ShapeError("the input has no time steps");
    xs.forEach((x, i) => {
      if (x.length !== B * n0) {
        throw new ShapeError(`input step ${i} has ${x.length} values; need ${B * n0}`);
      }
    });
    const shared = xs.every((x) => x === xs[0]);
    const buf = ensure(B, (shared ? 1 : T) * B * n0);
    if (labels) {
      if (labels.length < B) throw new ShapeError(`${labels.length} labels for batch ${B}`);
      const lab = new Uint32Array(B);
      for (let b = 0; b < B; b++) {
        const y = labels[b];
        if (!(Number.isInteger(y) && y >= 0 && y < K)) {
          throw new ValueError(`label[${b}] = ${y} is not a class in 0..${K - 1}`);
        }
        lab[b] = y;
      }
      ctx.write(buf.labels, lab);
    }
    const x32 = new Float32Array((shared ? 1 : T) * B * n0);
    (shared ? [xs[0]] : xs).forEach((x, i) => x32.set(x, i * B * n0));
    ctx.write(buf.x, x32);
    const key = `${B}/${T}/${mode}/${shared}`;
    let plan = plans.get(key);
    if (!plan) {
      if (!c.has(T)) c.set(T, constantTraces(net.lambda, T));
      plan = buildLifPlan(ctx, pipes, buf, {
        sizes,
        offsets,
        batch: B,
        T,
        c: c.get(T)!,
        lambda: net.lambda,
        vth: net.vth,
        slope: net.surrogateSlope,
        mseWeight,
        readout: spec.readout ?? "trace",
        update: spec.update ?? "step",
        sharedInput: shared,
        mode,
        method: spec.method ?? "saf",
        adam: { beta1, beta2, eps },
      });
      plans.set(key, plan);
    }
    for (const u of plan.adamUniforms) { // lr_t of each Adam update, in float64 (nn/optim.ts)
      t++;
      const lrT = adamStepSize(settings, t); // nn/optim.ts: the one lr_t
      ctx.write(u, lifAdamParams(total, lrT, { beta1, beta2, eps }));
    }
    ctx.clear(buf.stats);
    return { result: await execute(plan, buf, mode), buf, plan };
  };
  let record: GPUBuffer | null = null;
  const execute = async (plan: LifPlan, buf: LifBuffers, mode: LifPlanMode) => {
    const { batch: B, T } = plan.shape, hidden = sizes.slice(1, -1).map((n) => n * B);
    const perStep = hidden.reduce((s, n) => s + n, 0);
    if (mode === "forward") {
      record?.destroy();
      record = ctx.storage(Math.max(1, T * perStep) * 4, "lif spike record");
    }
    plan.steps.forEach((list, step) => {
      for (const d of list) ctx.dispatch(d.pipeline, d.group, d.groups);
      let at = step * perStep;
      if (record && mode === "forward") {
        hidden.forEach((n, l) => (ctx.copy(buf.spikes[l], record!, n * 4, 0, at * 4), (at += n)));
      }
    });
    for (const d of plan.tail) ctx.dispatch(d.pipeline, d.group, d.groups);
    ctx.copy(buf.stats, buf.result, 4, 0, 8);
    const bytes = await ctx.readBytes(buf.result, 12);
    const f = new Float32Array(bytes), u = new Uint32Array(bytes);
    return { loss: f[0], correct: f[1], spikes: u[2] };
  };
  const split = (flat: Float32Array): Float64Array[] => splitLifParams(flat, net);
  return {
    get t() {
      return t;
    },
    step: async (xs, labels, B) => (await run(xs, labels, B, "train")).result,
    gradients: async (xs, labels, B) => {
      const { result, buf } = await run(xs, labels, B, "gradients");
      return { ...result, grads: split(await ctx.read(buf.grad, total)) };
    },
    forward: async (xs, B) => {
      const { plan } = await run(xs, null, B, "forward");
      const flat = await ctx.read(record!);
      const out: Float64Array[][] = [];
      let at = 0;
      for (let s = 0; s < plan.shape.T; s++) {
        out.push(
          sizes.slice(1, -1).map((n) => {
            const v = Float64Array.from(flat.subarray(at, at + n * B));
            return (at += n * B), v;
          }),
        );
      }
      return out;
    },
    read: async (into) => {
      if (denseSizes(into).join() !== sizes.join()) {
        throw new ShapeError(`network ${denseSizes(into).join("-")} is not ${sizes.join("-")}`);
      }
      const p = split(await ctx.read(params.theta, total));
      into.layers.forEach((l, i) => (l.w.set(p[2 * i]), l.b.set(p[2 * i + 1])));
    },
    close: () => {
      if (closed) return;
      closed = true;
      dropPlans();
      for (const b of [...Object.values(params), ...actBufs]) b.destroy();
      record?.destroy();
      if (own) ctx.destroy();
    },
  };
}
