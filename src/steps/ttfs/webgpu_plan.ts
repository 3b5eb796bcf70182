/**
 * The op list of the WebGPU twin step (webgpu.ts), recorded once per batch size on a GpuPlan
 * (backend/webgpu/plan.ts), each phase named as in the reference step (ref.ts).
 *
 * Memory. Resident ({@link TwinState}, one GpuPlan that lives as long as the step): "params",
 * "grads", "adam m", "adam v" in webgpu_layout.ts's layout (the SNN's block, then the twin's), the
 * "metrics" buffer and Adam's uniform. Per batch of `rows` ({@link twinPlan}): per model m (0 the
 * SNN, 1 the twin) its "input" [rows, n_0], "out m" [rows, n_l] per layer (the last: the logits)
 * and "dz m" [rows, n_l] per layer; the "labels" (u32 [rows]).
 *
 * Segment "forward", per model and layer l:
 *   forward  out_l = relu(x_l W_l^T + D_l)  (the readout without relu; x_0 the input)      A5
 *            SNN hidden layers: metrics[max a, l] = max out_l  (for widening)              A1
 * Segment "train":
 *   G = 0; then per model:
 *   loss     softmax cross-entropy of the logits: dz_{L-1}, metrics[2m] (loss), [2m+1] (correct)  A6
 *   backward per layer from the top: dW_l += dz_l^T x_l, dD_l += sum_b dz_l, and below it
 *            dz_{l-1} = (dz_l W_l) masked by out_{l-1} > 0 (a silent neuron passes nothing)  A7
 *   norms    metrics[4 + m L + l] = |dW_l|^2
 *   Adam     over both models at once (lr_t written into its uniform before each step)   A10.1
 * Metrics: [loss, correct, twinLoss, twinCorrect, |dW_l|^2 (SNN, L), |dW_l|^2 (twin, L),
 * max a (L - 1)].
 *
 * @module
 */
import { ShapeError } from "../../errors.ts";
import { ADAM_GROUP, ADAM_PARAMS, ADAM_WGSL } from "../../backend/webgpu/adam.ts";
import type { GpuContext } from "../../backend/webgpu/device.ts";
import {
  densePipeline,
  type Epilogue,
  MATMUL_PARAMS,
  matmulGrid,
  type MatmulLayout,
  type MatmulVersion,
} from "../../backend/webgpu/matmul.ts";
import { GpuPlan, type Grid } from "../../backend/webgpu/plan.ts";
import {
  COLUMN_GROUP,
  COLUMN_SUM_PARAMS,
  COLUMN_SUM_WGSL,
  REDUCE_PARAMS,
  reduceWgsl,
} from "../../backend/webgpu/reduce.ts";
import { SOFTMAX_PARAMS, SOFTMAX_XENT_WGSL } from "../../backend/webgpu/softmax.ts";
import type { TwinStepSpec } from "./step.ts";
import { packTwin, type TwinLayout } from "./webgpu_layout.ts";

/** The compiled kernels of the twin step. */
export interface TwinKernels {
  /** A hidden layer's forward (relu). */
  forwardRelu: GPUComputePipeline;
  /** The readout's forward (bias only). */
  forwardBias: GPUComputePipeline;
  /** dW += dz^T x. */
  weightGrad: GPUComputePipeline;
  /** dz below = (dz W) masked by the layer below's output > 0. */
  inputGrad: GPUComputePipeline;
  /** dD += sum_b dz. */
  biasGrad: GPUComputePipeline;
  /** Softmax cross-entropy. */
  softmax: GPUComputePipeline;
  /** max a. */
  max: GPUComputePipeline;
  /** Squared norms. */
  sumsq: GPUComputePipeline;
  /** Adam. */
  adam: GPUComputePipeline;
}

/**
 * Compiles the twin step's kernels (cached by the context).
 *
 * @example
 * ```ts ignore
 * const kernels = await twinKernels(ctx, 3);
 * ```
 */
export async function twinKernels(
  ctx: GpuContext,
  version: MatmulVersion,
): Promise<TwinKernels> {
  const mm = (lay: MatmulLayout, epi: Epilogue) => densePipeline(ctx, version, lay, epi);
  const [forwardRelu, forwardBias, weightGrad, inputGrad, biasGrad, softmax, max, sumsq, adam] =
    await Promise.all([
      mm("forward", "relu"),
      mm("forward", "bias"),
      mm("weights", "add"),
      mm("input", "mask"),
      ctx.pipeline(COLUMN_SUM_WGSL, "main", "column_sum"),
      ctx.pipeline(SOFTMAX_XENT_WGSL, "main", "softmax_xent"),
      ctx.pipeline(reduceWgsl("max"), "main", "reduce_max"),
      ctx.pipeline(reduceWgsl("sumsq"), "main", "reduce_sumsq"),
      ctx.pipeline(ADAM_WGSL, "main", "adam"),
    ]);
  return { forwardRelu, forwardBias, weightGrad, inputGrad, biasGrad, softmax, max, sumsq, adam };
}

/**
 * Where each figure sits in the metrics buffer of an L-layer net (module doc).
 *
 * @example
 * ```ts
 * import { metricSlots } from "./webgpu_plan.ts";
 * const s = metricSlots(2);
 * console.log(s.loss(1), s.norm(1, 0), s.maxA(0), s.count); // 2 6 8 9
 * ```
 */
export function metricSlots(L: number): {
  loss: (m: number) => number;
  norm: (m: number, l: number) => number;
  maxA: (l: number) => number;
  count: number;
} {
  return {
    loss: (m) => 2 * m,
    norm: (m, l) => 4 + m * L + l,
    maxA: (l) => 4 + 2 * L + l,
    count: 4 + 3 * L - 1,
  };
}

/** The buffers that live as long as the step (module doc). */
export interface TwinState {
  /** The plan that owns them. */
  plan: GpuPlan;
  /** Where each layer sits in the parameter buffers. */
  layout: TwinLayout;
  /** Both models' parameters. */
  params: GPUBuffer;
  /** Their gradients. */
  grads: GPUBuffer;
  /** Adam's first moments. */
  m: GPUBuffer;
  /** Adam's second moments. */
  v: GPUBuffer;
  /** The figures a step reads back. */
  metrics: GPUBuffer;
  /** Adam's uniform (ADAM_PARAMS), rewritten with lr_t before each step. */
  adam: GPUBuffer;
  /** Whether the twin trains (`TwinStepSpec.trainTwin`); if not, only the SNN's block does. */
  twin: boolean;
  /** Floats Adam updates: both blocks, or the SNN's alone (the first `layout.per`). */
  trained: number;
}

/**
 * The resident buffers of `spec` laid out as `layout`, its parameters uploaded.
 *
 * @example
 * ```ts ignore
 * const state = twinState(ctx, twinLayout(spec), spec);
 * ```
 */
export function twinState(ctx: GpuContext, layout: TwinLayout, spec: TwinStepSpec): TwinState {
  const plan = new GpuPlan(ctx, "ttfs twin state"), total = 2 * layout.per;
  const [grads, m, v] = ["grads", "adam m", "adam v"].map((name) => plan.storage(total * 4, name));
  const twin = spec.trainTwin ?? true, trained = twin ? total : layout.per;
  return {
    twin,
    trained,
    plan,
    layout,
    params: plan.storage(packTwin(layout, spec.snn, spec.twin), "params"),
    grads,
    m,
    v,
    metrics: plan.storage(metricSlots(layout.layers.length).count * 4, "metrics"),
    adam: plan.uniform(ADAM_PARAMS, { n: trained }, "adam params"),
  };
}

/** What every phase's recorder sees. */
interface Recording {
  plan: GpuPlan;
  k: TwinKernels;
  s: TwinState;
  version: MatmulVersion;
  rows: number;
  slots: ReturnType<typeof metricSlots>;
}

/** Model m's buffers in a plan. */
interface ModelBuffers {
  input: GPUBuffer;
  outs: GPUBuffer[];
  dzs: GPUBuffer[];
}

/** Floats [off, off + n) of model m's block of `buffer`, as a binding. */
function range(r: Recording, buffer: GPUBuffer, m: number, off: number, n: number) {
  return { buffer, offset: (m * r.s.layout.per + off) * 4, size: n * 4 };
}

/** A ShapeError where a batch of `rows` would not fit the device's buffers or grid. */
function checkRows(ctx: GpuContext, layout: TwinLayout, version: MatmulVersion, rows: number) {
  const { maxStorageBufferBindingSize: maxBytes, maxComputeWorkgroupsPerDimension: maxGroups } =
    ctx.limits;
  const widest = Math.max(layout.layers[0].nIn, ...layout.layers.map((l) => l.nOut));
  if (rows * widest * 4 > maxBytes || matmulGrid(rows, 1, version)[1] > maxGroups) {
    throw new ShapeError(
      `a batch of ${rows} rows of ${widest} floats exceeds the device's limits ` +
        `(${maxBytes} bytes per buffer, ${maxGroups} workgroups per dimension)`,
    );
  }
}

/**
 * The plan of a batch of `rows`: segments "forward" and "train" (module doc).
 *
 * @example
 * ```ts ignore
 * const plan = twinPlan(ctx, kernels, state, 3, 64);
 * plan.run("forward", "train");
 * ```
 */
export function twinPlan(
  ctx: GpuContext,
  k: TwinKernels,
  s: TwinState,
  version: MatmulVersion,
  rows: number,
): GpuPlan {
  checkRows(ctx, s.layout, version, rows);
  const plan = new GpuPlan(ctx, `ttfs twin, ${rows} rows`, "forward");
  const r: Recording = { plan, k, s, version, rows, slots: metricSlots(s.layout.layers.length) };
  const labels = plan.storage(rows * 4, "labels");
  const models = [0, 1].map((m) => modelBuffers(r, m));
  forward(r, models[0], 0);
  plan.segment("twin"); // the twin's forward: its own block, or the SNN's when it does not train
  forward(r, models[1], 1, s.twin ? 1 : 0);
  plan.segment("train");
  plan.clear(s.grads);
  models.slice(0, s.twin ? 2 : 1).forEach((bufs, m) => {
    loss(r, bufs, labels, m);
    backward(r, bufs, m);
    norms(r, m);
  });
  adam(r);
  return plan;
}

/** Model m's input, layer outputs and dz (named "input", "out m", "dz m"). */
function modelBuffers({ plan, rows, s }: Recording, m: number): ModelBuffers {
  const { layers } = s.layout;
  return {
    input: plan.storage(rows * layers[0].nIn * 4, "input"),
    outs: layers.map((l) => plan.storage(rows * l.nOut * 4, `out ${m}`)),
    dzs: layers.map((l) => plan.storage(rows * l.nOut * 4, `dz ${m}`)),
  };
}

/** forward: every layer of model m, on the parameters of block `p`; the SNN's hidden maxima
 * into the metrics. */
function forward(r: Recording, { input, outs }: ModelBuffers, m: number, p = m): void {
  const { plan, k, s, rows, version } = r, L = s.layout.layers.length;
  s.layout.layers.forEach(({ nIn, nOut, w, d }, l) => {
    const x = l === 0 ? input : outs[l - 1], hidden = l < L - 1;
    const W = range(r, s.params, p, w, nIn * nOut), D = range(r, s.params, p, d, nOut);
    const kernel = hidden ? k.forwardRelu : k.forwardBias, dims = { M: rows, N: nOut, K: nIn };
    plan.kernel(kernel, MATMUL_PARAMS, dims, [x, W, outs[l], D], matmulGrid(rows, nOut, version));
    if (m === 0 && hidden) {
      const at = { n: rows * nOut, slot: r.slots.maxA(l) };
      plan.kernel(k.max, REDUCE_PARAMS, at, [outs[l], s.metrics], [1]);
    }
  });
}

/** loss: softmax cross-entropy of model m's logits into its top dz and the metrics. */
function loss(r: Recording, { outs, dzs }: ModelBuffers, labels: GPUBuffer, m: number): void {
  const { rows } = r, L = outs.length, classes = r.s.layout.layers[L - 1].nOut;
  const at = { batch: rows, classes, denom: rows, slot: r.slots.loss(m) };
  const bindings = [outs[L - 1], labels, dzs[L - 1], r.s.metrics];
  r.plan.kernel(r.k.softmax, SOFTMAX_PARAMS, at, bindings, [1]);
}

/** backward: model m's gradients, layer by layer from the top. */
function backward(r: Recording, { input, outs, dzs }: ModelBuffers, m: number): void {
  const { plan, k, s, rows, version } = r;
  for (let l = s.layout.layers.length - 1; l >= 0; l--) {
    const { nIn, nOut, w, d } = s.layout.layers[l], x = l === 0 ? input : outs[l - 1];
    const W = range(r, s.params, m, w, nIn * nOut);
    const dW = range(r, s.grads, m, w, nIn * nOut), dD = range(r, s.grads, m, d, nOut);
    const weights = { M: nOut, N: nIn, K: rows }, grid = matmulGrid(nOut, nIn, version);
    plan.kernel(k.weightGrad, MATMUL_PARAMS, weights, [dzs[l], x, dW], grid); // dW += dz^T x
    const columns = { M: rows, N: nOut }, bias = [Math.ceil(nOut / COLUMN_GROUP)] as Grid;
    plan.kernel(k.biasGrad, COLUMN_SUM_PARAMS, columns, [dzs[l], dD], bias); // dD += sum_b dz
    if (l === 0) continue;
    const below = { M: rows, N: nIn, K: nOut }, gridIn = matmulGrid(rows, nIn, version);
    plan.kernel(k.inputGrad, MATMUL_PARAMS, below, [dzs[l], W, dzs[l - 1], x], gridIn); // A7 mask
  }
}

/** norms: |dW_l|^2 of model m into the metrics. */
function norms(r: Recording, m: number): void {
  r.s.layout.layers.forEach(({ nIn, nOut, w }, l) => {
    const at = { n: nIn * nOut, slot: r.slots.norm(m, l) };
    const dW = range(r, r.s.grads, m, w, nIn * nOut);
    r.plan.kernel(r.k.sumsq, REDUCE_PARAMS, at, [dW, r.s.metrics], [1]);
  });
}

/** Adam: one update of the trained blocks (its uniform is the state's, written per step). */
function adam({ plan, k, s }: Recording): void {
  const bindings = [s.adam, s.params, s.grads, s.m, s.v];
  plan.dispatch(k.adam, bindings, plan.flatGrid(s.trained, ADAM_GROUP));
}
