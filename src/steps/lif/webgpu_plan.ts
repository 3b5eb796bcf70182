/**
 * The op list of one batch of the LIF step on the GPU (SPEC B3, kernels in lif_wgsl.ts,
 * lif_ottt_wgsl.ts and lif_loss_wgsl.ts), recorded once per (batch size, T, mode, shared input)
 * on a GpuPlan (backend/webgpu/plan.ts) and replayed; each phase named as in the reference
 * (lif/saf.ts safEGradients: the forward step, mixedLoss, backwardStep, then Adam):
 *
 *   stats = 0
 *   per step t = 1..T:
 *     forward   A_0 <- lambda A_0 + x[t];  per hidden layer: U, s, a_hat, g (one fused matmul);
 *               o = W_L s_{L-1} + b_L                      ["forward" mode: record the spikes]
 *     loss      the step's mixed loss and dO (scale 1/T)
 *     backward  readout gW, gb;  then for each hidden layer l, top down:
 *               delta_l = (W_{l+1}^T dz) g_l, gW_l, gb_l
 *     Adam      "train" with update "step": on all parameters
 *   "train" with update "batch": Adam once;  finish: the batch's loss and correct count
 *   result[2] = stats (the spike count)
 *
 * "gradients" sums the T steps' gradients (keep = 1 after the first step) and skips Adam; so
 * does "train" with update "batch" before its one Adam update. With method "ottt" each hidden
 * layer runs OTTT's LIF neuron on its input spikes (lif_ottt_wgsl.ts) and, as OTTT's Replace
 * (two-matmul) forward, a second matmul per layer (the gradient path W a_hat_in + b, into a
 * scratch buffer, never read); the backward is the same kernels (OTTT's trace = SAF's A).
 *
 * The plan owns its uniforms (LIF_PARAMS; the Adam updates' ADAM_PARAMS, named "adam", whose
 * lr_t the runner writes before each batch) and, in "forward" mode, the "spike record"
 * [T][hidden layer][batch, n_l]; the buffers it binds are the runner's (webgpu_buffers.ts).
 *
 * @module
 */
import { ADAM_GROUP, ADAM_PARAMS, adamUniform } from "../../backend/webgpu/adam.ts";
import type { GpuContext } from "../../backend/webgpu/device.ts";
import { matmulGrid } from "../../backend/webgpu/matmul.ts";
import { LIF_MATMUL } from "../../backend/webgpu/lif_wgsl.ts";
import type { LifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
import { LIF_PARAMS } from "../../backend/webgpu/lif_uniform.ts";
import type { UniformValues } from "../../backend/webgpu/params.ts";
import { type Binding, GpuPlan, type Grid } from "../../backend/webgpu/plan.ts";
import type { LifBuffers } from "./webgpu_buffers.ts";

/** What a batch runs: a training step, the summed gradients only, or the forward only. */
export type LifPlanMode = "train" | "gradients" | "forward";

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

type LifValues = UniformValues<keyof typeof LIF_PARAMS>;

/** What every phase's recorder sees. */
interface Recording {
  plan: GpuPlan;
  pipes: LifPipelines;
  buf: LifBuffers;
  shape: LifPlanShape;
  /** Hidden layers, classes, the readout's fan-in. */
  H: number;
  K: number;
  nr: number;
}

/** Step t's settings: history flags, c[t], where x[t] starts. */
interface StepAt {
  keep: number;
  keepGrad: number;
  ct: number;
  offX: number;
}

/** Records a LIF kernel: its uniform (the neuron's constants and `values`), then `bindings`. */
function lif(
  r: Recording,
  pipeline: GPUComputePipeline,
  values: LifValues,
  bindings: Binding[],
  grid: Grid,
): void {
  const { lambda, vth, slope } = r.shape;
  r.plan.kernel(pipeline, LIF_PARAMS, { lambda, vth, slope, ...values }, bindings, grid);
}

const tiles = (m: number, n: number): Grid => matmulGrid(m, n, LIF_MATMUL);

/**
 * Records the ops of one batch (module doc) over `buf` with `pipes`.
 *
 * @example
 * ```ts
 * import type { GpuContext } from "../../backend/webgpu/device.ts";
 * import { ADAM_PARAMS, adamUniform } from "../../backend/webgpu/adam.ts";
 * import type { LifPipelines } from "../../backend/webgpu/lif_pipelines.ts";
 * import type { LifBuffers } from "./webgpu_buffers.ts";
 * import { buildLifPlan, type LifPlanShape } from "./webgpu_plan.ts";
 *
 * // Record a batch once, then per batch: set each Adam update's lr_t and replay the ops
 * // (webgpu.ts does this, with lr_t from the decay schedule and the bias corrections).
 * function runBatch(ctx: GpuContext, pipes: LifPipelines, buf: LifBuffers, shape: LifPlanShape) {
 *   const plan = buildLifPlan(ctx, pipes, buf, shape), n = buf.theta.size / 4; // float32s
 *   const { beta1, beta2, eps: epsilon } = shape.adam;
 *   for (const u of plan.buffers("adam")) plan.write(u, ADAM_PARAMS, adamUniform(n, 1e-3, { beta1, beta2, epsilon }));
 *   plan.run();
 * }
 * ```
 */
export function buildLifPlan(
  ctx: GpuContext,
  pipes: LifPipelines,
  buf: LifBuffers,
  shape: LifPlanShape,
): GpuPlan {
  const { sizes, batch: B, T, mode } = shape, H = sizes.length - 2;
  const plan = new GpuPlan(ctx, `lif ${mode}, batch ${B}, T ${T}`);
  const r: Recording = { plan, pipes, buf, shape, H, K: sizes[H + 1], nr: sizes[H] };
  const train = mode === "train", sum = mode === "gradients" || shape.update === "batch";
  plan.clear(buf.stats);
  for (let t = 0; t < T; t++) {
    const at: StepAt = {
      keep: t > 0 ? 1 : 0,
      keepGrad: sum && t > 0 ? 1 : 0, // the gradients summed over t
      ct: shape.c[t],
      offX: shape.sharedInput ? 0 : t * B * sizes[0],
    };
    forward(r, at);
    if (mode === "forward") {
      recordSpikes(r, t);
      continue;
    }
    loss(r, at);
    backward(r, at);
    if (train && shape.update === "step") adam(r);
  }
  if (train && shape.update === "batch") adam(r);
  if (mode !== "forward") finish(r);
  plan.copy(buf.stats, buf.result, 4, 0, 8);
  return plan;
}

/** The input of layer l's product: A_{l-1} (A_0 the input accumulation). */
const input = ({ buf }: Recording, l: number): GPUBuffer => (l === 0 ? buf.a0 : buf.acc[l - 1]);

/** forward: A_0, every hidden layer (SAF's or OTTT's neuron), the readout o[t]. */
function forward(r: Recording, { keep, ct, offX }: StepAt): void {
  const { pipes, buf, shape, H, K, nr } = r, { sizes, offsets, batch: B } = shape;
  const nx = B * sizes[0];
  lif(r, pipes.accumulate, { m: nx, keep, off_x: offX }, [buf.x, buf.a0], r.plan.flatGrid(nx, 64));
  for (let l = 0; l < H; l++) {
    const u = { m: B, n: sizes[l + 1], k: sizes[l], keep, off_w: offsets[l], ct };
    const out = [buf.acc[l], buf.deriv[l], buf.spikes[l], buf.stats], grid = tiles(B, sizes[l + 1]);
    if (shape.method === "ottt") {
      const y = l === 0 ? buf.x : buf.spikes[l - 1]; // y_{l-1}[t]: x[t] or s_{l-1}[t]
      const v = { ...u, off_x: l === 0 ? offX : 0 };
      lif(r, pipes.ottt, v, [y, buf.theta, ...out, buf.vpot[l]], grid);
      gradPath(r, l);
    } else {
      lif(r, pipes.hidden, u, [input(r, l), buf.theta, ...out], grid);
    }
  }
  const sIn = H > 0 ? buf.spikes[H - 1] : buf.x, sOff = H > 0 ? 0 : offX;
  const o = { m: B, n: K, k: nr, off_w: offsets[H], off_x: sOff };
  lif(r, pipes.readout, o, [sIn, buf.theta, buf.o], tiles(B, K));
  if (shape.method === "ottt" && shape.readout === "trace") gradPath(r, H);
}

/** OTTT's Replace forward: W_l a_hat_{l-1} + b_l into the scratch buffer, unread. */
function gradPath(r: Recording, l: number): void {
  const { sizes, offsets, batch: B } = r.shape;
  const u = { m: B, n: sizes[l + 1], k: sizes[l], off_w: offsets[l] };
  lif(r, r.pipes.readout, u, [input(r, l), r.buf.theta, r.buf.scratch], tiles(B, sizes[l + 1]));
}

/** "forward" mode: copies step t's hidden spikes into the plan's spike record. */
function recordSpikes({ plan, buf, shape }: Recording, t: number): void {
  const hidden = shape.sizes.slice(1, -1).map((n) => n * shape.batch);
  const perStep = hidden.reduce((s, n) => s + n, 0);
  if (t === 0) plan.storage(Math.max(1, shape.T * perStep) * 4, "spike record");
  const record = plan.buffer("spike record");
  let at = t * perStep;
  hidden.forEach((n, l) => (plan.copy(buf.spikes[l], record, n * 4, 0, at * 4), (at += n)));
}

/** loss: the step's mixed loss (scale 1/T), dO, and the running scores and loss rows. */
function loss(r: Recording, { keep }: StepAt): void {
  const { batch: B, T, mseWeight: mse } = r.shape, { buf } = r;
  const u = { batch: B, classes: r.K, scale: 1 / T, mse, keep };
  const bindings = [buf.o, buf.labels, buf.dO, buf.scores, buf.lossRows];
  lif(r, r.pipes.loss, u, bindings, [Math.ceil(B / 64), 1]);
}

/** backward: the readout's gW, gb, then each hidden layer's delta, gW, gb, top down. */
function backward(r: Recording, { keepGrad, ct, offX }: StepAt): void {
  const { pipes, buf, shape, H, K, nr } = r, { sizes, offsets, batch: B } = shape;
  const trace = shape.readout === "trace";
  const sIn = H > 0 ? buf.spikes[H - 1] : buf.x, sOff = H > 0 ? 0 : offX;
  const readout = {
    m: K,
    n: nr + 1,
    k: B,
    n_in: nr,
    off_w: offsets[H],
    off_x: trace ? 0 : sOff,
    ct: trace ? ct : 1,
    keep: keepGrad,
  };
  const pre = trace ? input(r, H) : sIn;
  lif(r, pipes.weightGrad, readout, [buf.dO, pre, buf.grad], tiles(K, nr + 1));
  let dz = buf.dO;
  for (let l = H - 1; l >= 0; l--) {
    const n = sizes[l + 1]; // delta_l = (W_{l+1}^T dz) g_l
    const delta = { m: B, n, k: sizes[l + 2], off_w: offsets[l + 1] };
    lif(r, pipes.inputGrad, delta, [dz, buf.theta, buf.deriv[l], buf.delta[l]], tiles(B, n));
    dz = buf.delta[l];
    const u = {
      m: n,
      n: sizes[l] + 1,
      k: B,
      n_in: sizes[l],
      off_w: offsets[l],
      ct,
      keep: keepGrad,
    };
    lif(r, pipes.weightGrad, u, [dz, input(r, l), buf.grad], tiles(n, sizes[l] + 1));
  }
}

/** Adam on all parameters; its uniform (named "adam") gets lr_t before each batch. */
function adam({ plan, pipes, buf, shape, H, K, nr }: Recording): void {
  const total = shape.offsets[H] + K * (nr + 1), { beta1, beta2, eps: epsilon } = shape.adam;
  const u = plan.uniform(ADAM_PARAMS, adamUniform(total, 0, { beta1, beta2, epsilon }), "adam");
  plan.dispatch(
    pipes.adam,
    [u, buf.theta, buf.grad, buf.m1, buf.m2],
    plan.flatGrid(total, ADAM_GROUP),
  );
}

/** finish: the batch's loss and correct count into the result. */
function finish(r: Recording): void {
  const { buf } = r, u = { batch: r.shape.batch, classes: r.K };
  lif(r, r.pipes.finish, u, [buf.scores, buf.labels, buf.lossRows, buf.result], [1, 1]);
}
