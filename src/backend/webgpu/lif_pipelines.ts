/**
 * The compiled kernels of the LIF step (lif_wgsl.ts, lif_ottt_wgsl.ts, lif_loss_wgsl.ts and
 * webgpu/adam.ts), compiled once per GpuContext (its pipeline cache).
 *
 * @module
 */
import { ADAM_WGSL } from "./adam.ts";
import type { GpuContext } from "./device.ts";
import { lifFinishWgsl, lifLossWgsl } from "./lif_loss_wgsl.ts";
import { lifOtttForwardWgsl } from "./lif_ottt_wgsl.ts";
import {
  lifAccumulateWgsl,
  lifHiddenForwardWgsl,
  lifInputGradWgsl,
  lifReadoutForwardWgsl,
  lifWeightGradWgsl,
} from "./lif_wgsl.ts";

/** The compiled pipelines of the LIF step. */
export interface LifPipelines {
  /** A_0 <- lambda A_0 + x[t]. */
  accumulate: GPUComputePipeline;
  /** SAF's hidden layer (fused matmul and neuron). */
  hidden: GPUComputePipeline;
  /** OTTT's hidden layer (fused matmul and LIF neuron). */
  ottt: GPUComputePipeline;
  /** o = W s + b (also OTTT's gradient path). */
  readout: GPUComputePipeline;
  /** The step's mixed loss and dO. */
  loss: GPUComputePipeline;
  /** gW, gb. */
  weightGrad: GPUComputePipeline;
  /** delta of the layer below. */
  inputGrad: GPUComputePipeline;
  /** webgpu/adam.ts's Adam. */
  adam: GPUComputePipeline;
  /** The batch's loss and correct count. */
  finish: GPUComputePipeline;
}

/**
 * Compiles the LIF step's pipelines (cached by the context).
 *
 * @example
 * ```ts ignore
 * const pipes = await lifPipelines(ctx);
 * ```
 */
export async function lifPipelines(ctx: GpuContext): Promise<LifPipelines> {
  const pipe = (code: string, label: string) => ctx.pipeline(code, "main", label);
  const [accumulate, hidden, ottt, readout, loss, weightGrad, inputGrad, adam, finish] =
    await Promise
      .all([
        pipe(lifAccumulateWgsl, "lif accumulate"),
        pipe(lifHiddenForwardWgsl, "lif hidden forward"),
        pipe(lifOtttForwardWgsl, "lif ottt forward"),
        pipe(lifReadoutForwardWgsl, "lif readout forward"),
        pipe(lifLossWgsl, "lif loss"),
        pipe(lifWeightGradWgsl, "lif weight grad"),
        pipe(lifInputGradWgsl, "lif input grad"),
        pipe(ADAM_WGSL, "adam"),
        pipe(lifFinishWgsl, "lif finish"),
      ]);
  return { accumulate, hidden, ottt, readout, loss, weightGrad, inputGrad, adam, finish };
}
