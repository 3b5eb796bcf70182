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
 * two-matmul forward and trace variant, every layer wrapped): OTTT_O with update "step", OTTT_A
 * with "batch"; the backward kernels are shared, since OTTT's presynaptic trace is SAF's
 * accumulation.
 *
 * Float32 throughout (the kernels' header comments give the equations and layout). The op list
 * of a batch is webgpu_plan.ts's; the buffers and recorded batches are webgpu_session.ts's.
 *
 * @module
 */
import { OptionError, ShapeError } from "../../errors.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { type AdamOptions, adamSettings } from "../../nn/optim.ts";
import { LIF_MSE_WEIGHT } from "../../lif/loss.ts";
import type { GpuContext } from "../../backend/webgpu/device.ts";
import { lifParamOffsets, splitLifParams } from "./webgpu_buffers.ts";
import { type LifFixed, LifSession, openLifGpu } from "./webgpu_session.ts";

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
  const { t = 0, ...options } = spec.adam ?? {}, settings = adamSettings(options);
  const fixed = lifFixed(spec, settings), { net } = spec, sizes = fixed.sizes;
  const gpu = await openLifGpu(net, spec.context, spec.timeoutMs ?? 120000);
  const s = new LifSession(gpu, fixed, settings, t), ctx = s.ctx;
  return {
    get t() {
      return s.t;
    },
    step: async (xs, labels, B) => (await s.run(xs, labels, B, "train")).result,
    gradients: async (xs, labels, B) => {
      const { result } = await s.run(xs, labels, B, "gradients");
      return { ...result, grads: splitLifParams(await ctx.read(s.params.grad, s.total), net) };
    },
    forward: async (xs, B) => s.spikes((await s.run(xs, null, B, "forward")).plan, xs.length, B),
    read: async (into) => {
      if (denseSizes(into).join() !== sizes.join()) {
        throw new ShapeError(`network ${denseSizes(into).join("-")} is not ${sizes.join("-")}`);
      }
      const p = splitLifParams(await ctx.read(s.params.theta, s.total), net);
      into.layers.forEach((l, i) => (l.w.set(p[2 * i]), l.b.set(p[2 * i + 1])));
    },
    close: () => s.close(),
  };
}

/** The settings every plan of a runner shares, from the spec (checked). */
function lifFixed(spec: WebGpuLifSpec, settings: ReturnType<typeof adamSettings>): LifFixed {
  const { net } = spec, sizes = denseSizes(net), mseWeight = spec.mseWeight ?? LIF_MSE_WEIGHT;
  if (!(mseWeight >= 0 && mseWeight <= 1)) throw new OptionError(`MSE weight ${mseWeight}`);
  const { beta1, beta2, epsilon: eps } = settings;
  return {
    sizes,
    offsets: lifParamOffsets(net).offsets,
    lambda: net.lambda,
    vth: net.vth,
    slope: net.surrogateSlope,
    mseWeight,
    readout: spec.readout ?? "trace",
    update: spec.update ?? "step",
    method: spec.method ?? "saf",
    adam: { beta1, beta2, eps },
  };
}
