/**
 * The dispatch list of one batch of the SAF-E step on the GPU (SPEC B3, kernels in
 * lif_wgsl.ts and lif_loss_wgsl.ts), built once per (batch size, T, mode) and replayed:
 *
 *   per step t = 1..T:
 *     A_0 <- lambda A_0 + x[t];  per hidden layer: U, s, a_hat, g (one fused matmul)
 *     o = W_L s_{L-1} + b_L;  the step's loss and dO (scale 1/T)          [forward ends here]
 *     readout gW, gb;  then for each hidden layer l, top down: delta_l = (W_{l+1}^T dz) g_l,
 *     gW_l, gb_l;  "train" with update "step": Adam on all parameters
 *   "train" with update "batch": Adam once;  the batch's loss and correct count
 *
 * "gradients" sums the T steps' gradients (keep = 1 after the first step) and skips Adam;
 * so does "train" with update "batch" before its one Adam update. With method "ottt" each
 * hidden layer runs OTTT's LIF neuron on its input spikes (lif_ottt_wgsl.ts) and, as the
 * OTTT's Replace (two-matmul) forward, a second matmul per layer (the gradient path W a_hat_in + b, into a
 * scratch buffer, never read); the backward is the same kernels (OTTT's trace = SAF's A).
 *
 * @module
 */
import type { GpuContext } from "../../backend/webgpu/device.ts";
import { packParams } from "../../backend/webgpu/params.ts";
import { workgroupGrid } from "../../backend/webgpu/device.ts";
import type { LifBuffers } from "./webgpu_buffers.ts";
import { ADAM_GROUP } from "../../backend/webgpu/adam.ts";
import { matmulGrid } from "../../backend/webgpu/matmul.ts";
import { LIF_MATMUL } from "../../backend/webgpu/lif_wgsl.ts";
import type { LifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
import {
  LIF_UNIFORM_BYTES,
  type LifUniform,
  lifUniform,
} from "../../backend/webgpu/lif_uniform.ts";

/** What a batch runs: a training step, the summed gradients only, or the forward only. */
export type LifPlanMode = "train" | "gradients" | "forward";

/**
 * The uniform of webgpu/adam.ts's kernel: n parameters, lrT (lr_t with both bias corrections)
 * and Adam's constants.
 *
 * @example
 * ```ts
 * import { lifAdamParams } from "./webgpu_plan.ts";
 * console.log(lifAdamParams(10, 1e-3, { beta1: 0.9, beta2: 0.999, eps: 1e-7 })[0]); // 10
 * ```
 */
export function lifAdamParams(
  n: number,
  lrT: number,
  adam: { beta1: number; beta2: number; eps: number },
): Uint32Array {
  const { beta1: b1, beta2: b2, eps } = adam;
  return packParams({ n, lrT, b1, b2, eps }, ["lrT", "b1", "b2", "eps"]);
}

/** The fixed settings of a plan. */
export interface LifPlanShape {
  /** Layer sizes [n_0, ..., n_L]. */
  sizes: number[];
  /** Parameter offset (floats) of each layer in theta. */
  offsets: number[];
  /** Samples per batch. */
  batch: number;
  /** Time steps. */
  T: number;
  /** c[t] for t = 1..T. */
  c: Float64Array;
  /** Leak lambda. */
  lambda: number;
  /** Threshold V_th. */
  vth: number;
  /** Slope of the sigmoid surrogate. */
  slope: number;
  /** MSE weight of the loss. */
  mseWeight: number;
  /** The readout's presynaptic factor (see `lif/method.ts`). */
  readout: "trace" | "spike";
  /** Adam after every step, or once per batch. */
  update: "step" | "batch";
  /** Every step reads the same x (direct coding: x uploaded once). */
  sharedInput: boolean;
  /** What the batch runs. */
  mode: LifPlanMode;
  /** The hidden layers' forward: SAF's accumulation or OTTT's LIF neuron (Replace forward). */
  method: "saf" | "ottt";
  /** Adam's constants. */
  adam: { beta1: number; beta2: number; eps: number };
}

/** One recorded dispatch. */
interface Dispatch {
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  groups: [number, number];
}

/** A replayable batch: its dispatches and the Adam uniforms whose lr changes per update. */
export interface LifPlan {
  /** The settings the plan was built for. */
  shape: LifPlanShape;
  /** The dispatches of step t (index t), then those after the last step. */
  steps: Dispatch[][];
  /** The dispatches after the last step. */
  tail: Dispatch[];
  /** Uniform buffers of the Adam dispatches, in update order (T, 1 or 0 of them). */
  adamUniforms: GPUBuffer[];
  /** Uniform buffers to destroy with the plan. */
  uniforms: GPUBuffer[];
}

const cdiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * Builds the dispatches of one batch (module header) over `buf` with `pipes`.
 *
 * @example
 * ```ts
 * import type { GpuContext } from "../../backend/webgpu/device.ts";
 * import type { LifBuffers } from "./webgpu_buffers.ts";
 * import { buildLifPlan, lifAdamParams, type LifPlanShape } from "./webgpu_plan.ts";
 * import type { LifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
 *
 * // Record a batch once, then per batch: set each Adam update's lr_t and replay the dispatches
 * // (webgpu.ts does this, with lr_t from the decay schedule and the bias corrections).
 * function runBatch(ctx: GpuContext, pipes: LifPipelines, buf: LifBuffers, shape: LifPlanShape) {
 *   const plan = buildLifPlan(ctx, pipes, buf, shape), n = buf.theta.size / 4; // float32s
 *   for (const u of plan.adamUniforms) ctx.write(u, lifAdamParams(n, 1e-3, shape.adam));
 *   for (const d of [...plan.steps.flat(), ...plan.tail]) {
 *     ctx.dispatch(d.pipeline, d.group, d.groups);
 *   }
 * }
 * ```
 */
export function buildLifPlan(
  ctx: GpuContext,
  pipes: LifPipelines,
  buf: LifBuffers,
  shape: LifPlanShape,
): LifPlan {
  const { sizes, offsets, batch: B, T, c, mode } = shape;
  const H = sizes.length - 2, K = sizes[H + 1], nr = sizes[H]; // hidden layers, classes, fan-in
  const base: LifUniform = { lambda: shape.lambda, vth: shape.vth, slope: shape.slope };
  const uniforms: GPUBuffer[] = [], adamUniforms: GPUBuffer[] = [];
  const total = offsets[H] + K * (nr + 1);
  const make = (
    pipeline: GPUComputePipeline,
    u: LifUniform,
    buffers: GPUBuffer[],
    groups: [number, number],
  ): Dispatch => {
    const bytes = new ArrayBuffer(LIF_UNIFORM_BYTES);
    lifUniform({ ...base, ...u }, bytes);
    const ub = ctx.uniform(new Uint32Array(bytes), "lif uniform");
    uniforms.push(ub);
    return { pipeline, group: ctx.bind(pipeline, [ub, ...buffers]), groups };
  };
  const tiles = (m: number, n: number): [number, number] => matmulGrid(m, n, LIF_MATMUL);
  const adam = (): Dispatch => { // webgpu/adam.ts's kernel; lrT is written before each batch
    const ub = ctx.uniform(lifAdamParams(total, 0, shape.adam), "lif adam uniform");
    uniforms.push(ub), adamUniforms.push(ub);
    const grid = workgroupGrid(
      cdiv(total, ADAM_GROUP),
      ctx.limits.maxComputeWorkgroupsPerDimension,
    );
    return {
      pipeline: pipes.adam,
      group: ctx.bind(pipes.adam, [ub, buf.theta, buf.grad, buf.m1, buf.m2]),
      groups: grid,
    };
  };
  const steps: Dispatch[][] = [];
  for (let t = 0; t < T; t++) {
    const list: Dispatch[] = [], keep = t > 0 ? 1 : 0, ct = c[t];
    const sum = mode === "gradients" || shape.update === "batch"; // gradients summed over t
    const keepGrad = sum && t > 0 ? 1 : 0;
    const offX = shape.sharedInput ? 0 : t * B * sizes[0];
    const nx = B * sizes[0];
    list.push(make(pipes.accumulate, { m: nx, keep, offX }, [buf.x, buf.a0], [
      ...workgroupGrid(cdiv(nx, 64), ctx.limits.maxComputeWorkgroupsPerDimension),
    ] as [number, number]));
    const input = (l: number) => (l === 0 ? buf.a0 : buf.acc[l - 1]); // A_{l}
    const gradPath = (l: number) =>
      // OTTT's Replace forward: W_l a_hat_{l-1} + b_l, unread
      make(pipes.readout, { m: B, n: sizes[l + 1], k: sizes[l], offW: offsets[l] }, [
        input(l),
        buf.theta,
        buf.scratch,
      ], tiles(B, sizes[l + 1]));
    for (let l = 0; l < H; l++) {
      const u = { m: B, n: sizes[l + 1], k: sizes[l], keep, offW: offsets[l], ct };
      const out = [buf.acc[l], buf.deriv[l], buf.spikes[l], buf.stats];
      if (shape.method === "ottt") {
        const y = l === 0 ? buf.x : buf.spikes[l - 1]; // y_{l-1}[t]: x[t] or s_{l-1}[t]
        list.push(make(pipes.ottt, { ...u, offX: l === 0 ? offX : 0 }, [
          y,
          buf.theta,
          ...out,
          buf.vpot[l],
        ], tiles(B, sizes[l + 1])));
        list.push(gradPath(l));
      } else {
        list.push(make(pipes.hidden, u, [input(l), buf.theta, ...out], tiles(B, sizes[l + 1])));
      }
    }
    const sIn = H > 0 ? buf.spikes[H - 1] : buf.x, sOff = H > 0 ? 0 : offX;
    list.push(make(
      pipes.readout,
      { m: B, n: K, k: nr, offW: offsets[H], offX: sOff },
      [sIn, buf.theta, buf.o],
      tiles(B, K),
    ));
    if (shape.method === "ottt" && shape.readout === "trace") list.push(gradPath(H));
    steps.push(list);
    if (mode === "forward") continue;
    list.push(make(pipes.loss, { batch: B, classes: K, scale: 1 / T, mse: shape.mseWeight, keep }, [
      buf.o,
      buf.labels,
      buf.dO,
      buf.scores,
      buf.lossRows,
    ], [cdiv(B, 64), 1]));
    const trace = shape.readout === "trace";
    list.push(make(
      pipes.weightGrad,
      {
        m: K,
        n: nr + 1,
        k: B,
        nIn: nr,
        offW: offsets[H],
        offX: trace ? 0 : sOff,
        ct: trace ? ct : 1,
        keep: keepGrad,
      },
      [buf.dO, trace ? input(H) : sIn, buf.grad],
      tiles(K, nr + 1),
    ));
    let dz = buf.dO;
    for (let l = H - 1; l >= 0; l--) {
      const n = sizes[l + 1]; // delta_l = (W_{l+1}^T dz) g_l
      list.push(make(
        pipes.inputGrad,
        { m: B, n, k: sizes[l + 2], offW: offsets[l + 1] },
        [dz, buf.theta, buf.deriv[l], buf.delta[l]],
        tiles(B, n),
      ));
      dz = buf.delta[l];
      list.push(make(
        pipes.weightGrad,
        { m: n, n: sizes[l] + 1, k: B, nIn: sizes[l], offW: offsets[l], ct, keep: keepGrad },
        [dz, input(l), buf.grad],
        tiles(n, sizes[l] + 1),
      ));
    }
    if (mode === "train" && shape.update === "step") list.push(adam());
  }
  const tail: Dispatch[] = [];
  if (mode === "train" && shape.update === "batch") tail.push(adam());
  if (mode !== "forward") {
    tail.push(make(pipes.finish, { batch: B, classes: K }, [
      buf.scores,
      buf.labels,
      buf.lossRows,
      buf.result,
    ], [1, 1]));
  }
  return { shape, steps, tail, adamUniforms, uniforms };
}
