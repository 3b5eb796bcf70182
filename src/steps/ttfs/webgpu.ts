/**
 * The TTFS training step on the WebGPU backend (the reference's sibling: `ref.ts`): a dense B = 1
 * network and its ReLU twin, trained in float32 with their parameters, gradients and Adam
 * moments resident on the GPU (layout: webgpu_layout.ts). The math is the wasm step's
 * (wasm_core.ts): both models run the same kernels, the SNN on x = tmin - t0 with input
 * spike times t0 = 1 - pixel (A2, decoded in float64 on the CPU), the twin on the pixels; the
 * SNN carries a = tmax - t between layers (SPEC A5).
 *
 * The ops (forward, loss, backward, norms, Adam) are recorded once per batch size on a GpuPlan
 * (webgpu_plan.ts gives the op list and the buffers; a few plans are kept). One step uploads the
 * batch (both inputs and the labels) and Adam's lr_t, replays the plan's "forward" ("twin" too
 * when the twin trains) and "train" segments as one command buffer, and reads back only the
 * metrics buffer; `forward` replays "forward" and "twin" and reads the outputs.
 *
 * `trainTwin: false` (what `openTwinStep` asks for unless `twin: true`): only the SNN's block
 * trains; the twin is the SNN's ReLU map (its forward reads the SNN's parameters, `read` gives
 * it the SNN's), since in float32 both models see the same operands and the twin proves nothing.
 *
 * @module
 */
import { ShapeError } from "../../errors.ts";
import { adamStepSize } from "../../nn/optim.ts";
import { ADAM_PARAMS, adamUniform } from "../../backend/webgpu/adam.ts";
import type { GpuContext } from "../../backend/webgpu/device.ts";
import type { MatmulVersion } from "../../backend/webgpu/matmul.ts";
import { type GpuPlan, PlanCache } from "../../backend/webgpu/plan.ts";
import {
  type AsyncTwinStepRunner,
  checkStep,
  type TwinForward,
  type TwinStepResult,
  type TwinStepSpec,
} from "./step.ts";
import { twinLayout, unpackTwin } from "./webgpu_layout.ts";
import { metricSlots, twinKernels, twinPlan, twinState } from "./webgpu_plan.ts";

/** Batch sizes whose plans are kept. */
const PLANS = 4;

/**
 * A training step of a dense B = 1 network and its twin on the GPU of `ctx`.
 *
 * @example
 * ```ts
 * import { GpuContext } from "../../backend/webgpu/device.ts";
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * import { createWebGpuTwinStep } from "./webgpu.ts";
 * const ctx = await GpuContext.create();
 * const W = () => [new Float64Array([0.5, -0.5]), new Float64Array(1), new Float64Array([1, -1]), new Float64Array(2)];
 * const run = await createWebGpuTwinStep({ context: ctx, version: 3 }, { sizes: [2, 1, 2], snn: W(), twin: W(), adam: TWIN_STEP_ADAM, t: 0 });
 * console.log((await run.step(new Float64Array([1, 0]), [0], 1)).loss > 0); // true
 * run.close();
 * ctx.destroy();
 * ```
 */
export async function createWebGpuTwinStep(
  gpu: { readonly context: GpuContext; readonly version: MatmulVersion },
  spec: TwinStepSpec,
): Promise<AsyncTwinStepRunner> {
  const { context: ctx, version } = gpu, { sizes } = spec;
  const layout = twinLayout(spec), L = layout.layers.length;
  const kernels = await twinKernels(ctx, version), state = twinState(ctx, layout, spec);
  const plans = new PlanCache<number, GpuPlan>(PLANS);
  const plan = (rows: number) =>
    plans.get(rows, () => twinPlan(ctx, kernels, state, version, rows));
  let t = spec.t, closed = false;
  const live = (): void => {
    if (closed) throw new ShapeError("the WebGPU twin step was closed");
    ctx.check();
  };
  const train = state.twin ? ["forward", "twin", "train"] : ["forward", "train"];
  return {
    twinTrained: state.twin,
    async step(x, labels, batch): Promise<TwinStepResult> {
      live();
      checkStep(sizes, x, labels, batch);
      const p = plan(batch);
      uploadInputs(p, x, sizes[0], batch);
      ctx.write(p.buffer("labels"), Uint32Array.from({ length: batch }, (_, b) => labels[b]));
      const lrT = adamStepSize(spec.adam, ++t); // nn/optim.ts: the one lr_t
      state.plan.write(state.adam, ADAM_PARAMS, adamUniform(state.trained, lrT, spec.adam));
      p.run(...train);
      const metrics = await ctx.read(state.metrics, metricSlots(L).count);
      return twinResult(metrics, L, batch, state.twin);
    },
    async forward(x, batch) {
      live();
      if (!Number.isInteger(batch) || batch < 1 || x.length < batch * sizes[0]) {
        throw new ShapeError(`forward: x has ${x.length} entries for batch ${batch}x${sizes[0]}`);
      }
      const p = plan(batch);
      uploadInputs(p, x, sizes[0], batch);
      p.run("forward", "twin");
      return await readForward(p, sizes, batch);
    },
    async read({ snn, twin }): Promise<void> {
      live();
      const image = await ctx.read(state.params, 2 * layout.per);
      if (!state.twin) image.copyWithin(layout.per, 0, layout.per); // the twin is the SNN's map
      unpackTwin(layout, image, snn, twin);
    },
    close(): void {
      if (closed) return;
      closed = true;
      plans.clear();
      state.plan.close();
    },
  };
}

/** Uploads both models' inputs: the SNN's x = 1 - t0, t0 = 1 - pixel (in float64), the pixels. */
function uploadInputs(plan: GpuPlan, x: Float64Array, nIn: number, rows: number): void {
  const n = rows * nIn, snn = new Float32Array(n), twin = new Float32Array(n);
  for (let k = 0; k < n; k++) (snn[k] = 1 - (1 - x[k])), (twin[k] = x[k]);
  const [snnInput, twinInput] = plan.buffers("input");
  plan.ctx.write(snnInput, snn);
  plan.ctx.write(twinInput, twin);
}

/** The step's figures from the metrics buffer (webgpu_plan.ts's slots); the twin's are NaN
 * when it does not train. */
function twinResult(r: Float32Array, L: number, batch: number, twin: boolean): TwinStepResult {
  const slots = metricSlots(L), layers = Array.from({ length: L }, (_, l) => l);
  const norms = (m: number) => layers.map((l) => Math.sqrt(r[slots.norm(m, l)]));
  return {
    loss: r[slots.loss(0)] / batch,
    twinLoss: twin ? r[slots.loss(1)] / batch : NaN,
    correct: Math.round(r[slots.loss(0) + 1]),
    twinCorrect: twin ? Math.round(r[slots.loss(1) + 1]) : NaN,
    gradNorms: norms(0),
    twinGradNorms: twin ? norms(1) : layers.map(() => NaN),
    maxActivation: Array.from(r.subarray(slots.maxA(0), slots.count)),
  };
}

/** Both models' logits and the SNN's hidden outputs, after the "forward" segment ran. */
async function readForward(plan: GpuPlan, sizes: number[], batch: number): Promise<TwinForward> {
  const L = sizes.length - 1, snn = plan.buffers("out 0"), twin = plan.buffers("out 1");
  const back = async (b: GPUBuffer, n: number) =>
    Float64Array.from(await plan.ctx.read(b, batch * n));
  const activations: Float64Array[] = [];
  for (let l = 0; l + 1 < L; l++) activations.push(await back(snn[l], sizes[l + 1]));
  return {
    logits: await back(snn[L - 1], sizes[L]),
    twinLogits: await back(twin[L - 1], sizes[L]),
    activations,
  };
}
