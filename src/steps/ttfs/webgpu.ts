/**
 * The TTFS training step on the WebGPU backend (the reference's sibling: `ref.ts`): a dense B = 1
 * network and its ReLU twin, trained in float32 with their parameters, gradients and Adam
 * moments resident on the GPU (layout: webgpu_layout.ts). The math is the wasm step's
 * (wasm_core.ts): both models run the same kernels, the SNN on x = tmin - t0 with input
 * spike times t0 = 1 - pixel (A2, decoded in float64 on the CPU), the twin on the pixels; the
 * SNN carries a = tmax - t between layers (SPEC A5).
 *
 * One step uploads the batch (both inputs and the labels) and one Adam uniform, records every
 * dispatch into one command buffer, and reads back only the metrics buffer:
 *   [loss, correct, twinLoss, twinCorrect, |dW_l|^2 (SNN, L), |dW_l|^2 (twin, L), max a (L - 1)]
 * Per model: forward (relu hidden, bias readout), softmax cross-entropy into dLogits, then per
 * layer from the top dW += dz^T x, dD += sum_b dz, and dz below = (dz W) masked by a > 0 (a
 * silent neuron passes no gradient, A7); then the squared norms, then Adam over both models.
 *
 * Buffers and bind groups are built once per batch size (a "plan"; a few are kept).
 *
 * @module
 */
import { ShapeError } from "../../errors.ts";
import { adamStepSize } from "../../nn/optim.ts";
import {
  type AsyncTwinStepRunner,
  checkStep,
  type TwinStepResult,
  type TwinStepSpec,
} from "./step.ts";
import { ADAM_GROUP, ADAM_WGSL } from "../../backend/webgpu/adam.ts";
import { type GpuContext, workgroupGrid } from "../../backend/webgpu/device.ts";
import {
  densePipeline,
  type Epilogue,
  matmulGrid,
  type MatmulLayout,
  type MatmulVersion,
} from "../../backend/webgpu/matmul.ts";
import { packParams } from "../../backend/webgpu/params.ts";
import { COLUMN_GROUP, COLUMN_SUM_WGSL, reduceWgsl } from "../../backend/webgpu/reduce.ts";
import { SOFTMAX_XENT_WGSL } from "../../backend/webgpu/softmax.ts";
import { packTwin, twinLayout, unpackTwin } from "./webgpu_layout.ts";

type Op = [GPUComputePipeline, GPUBindGroup, [number, number?]];

/** The buffers and recorded dispatches of one batch size. */
interface Plan {
  rows: number;
  inputs: GPUBuffer[];
  /** outs[m][l]: layer l's output of model m (the last is the logits). */
  outs: GPUBuffer[][];
  labels: GPUBuffer;
  forward: Op[];
  train: Op[];
  owned: GPUBuffer[];
}

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
  const { context: ctx, version } = gpu;
  const layout = twinLayout(spec), { layers, per } = layout, L = layers.length;
  const { sizes } = spec, classes = sizes[L], total = 2 * per;
  const mm = (lay: MatmulLayout, epi: Epilogue) => densePipeline(ctx, version, lay, epi);
  const [fwdRelu, fwdBias, wAdd, inMask, colSum, softmax, rMax, rSumsq, adamK] = await Promise.all([
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
  const P = ctx.storage(packTwin(layout, spec.snn, spec.twin), "params");
  const [G, M, V] = ["grads", "adam m", "adam v"].map((label) => ctx.storage(total * 4, label));
  const nMetrics = 4 + 3 * L - 1, metrics = ctx.storage(nMetrics * 4, "metrics");
  const adamParams = ctx.uniform(new Uint32Array(8), "adam params");
  const adamOp: Op = [
    adamK,
    ctx.bind(adamK, [adamParams, P, G, M, V]),
    workgroupGrid(Math.ceil(total / ADAM_GROUP), ctx.limits.maxComputeWorkgroupsPerDimension),
  ];
  const range = (buf: GPUBuffer, m: number, off: number, n: number): GPUBufferBinding => ({
    buffer: buf,
    offset: (m * per + off) * 4,
    size: n * 4,
  });
  const plans = new Map<number, Plan>();
  let t = spec.t, closed = false;

  function plan(rows: number): Plan {
    const hit = plans.get(rows);
    if (hit) return hit;
    const { maxStorageBufferBindingSize: maxBytes, maxComputeWorkgroupsPerDimension: maxGroups } =
      ctx.limits;
    const widest = Math.max(...sizes);
    if (rows * widest * 4 > maxBytes || matmulGrid(rows, 1, version)[1] > maxGroups) {
      throw new ShapeError(
        `a batch of ${rows} rows of ${widest} floats exceeds the device's limits ` +
          `(${maxBytes} bytes per buffer, ${maxGroups} workgroups per dimension)`,
      );
    }
    const owned: GPUBuffer[] = [], own = <B extends GPUBuffer>(b: B): B => (owned.push(b), b);
    const uni = (f: Record<string, number>, floats: string[] = []) =>
      own(ctx.uniform(packParams(f, floats)));
    const inputs = [0, 1].map(() => own(ctx.storage(rows * sizes[0] * 4, "input")));
    const outs = [0, 1].map(() => layers.map((l) => own(ctx.storage(rows * l.nOut * 4, "out"))));
    const dzs = [0, 1].map(() => layers.map((l) => own(ctx.storage(rows * l.nOut * 4, "dz"))));
    const labels = own(ctx.storage(rows * 4, "labels"));
    const op = (p: GPUComputePipeline, b: (GPUBuffer | GPUBufferBinding)[], g: Op[2]): Op => [
      p,
      ctx.bind(p, b),
      g,
    ];
    const forward: Op[] = [], train: Op[] = [];
    for (let m = 0; m < 2; m++) {
      layers.forEach(({ nIn, nOut, w, d }, l) => {
        const x = l === 0 ? inputs[m] : outs[m][l - 1], hidden = l < L - 1;
        const u = uni({ M: rows, N: nOut, K: nIn, tmax: 0 }, ["tmax"]);
        const bind = [u, x, range(P, m, w, nIn * nOut), outs[m][l], range(P, m, d, nOut)];
        forward.push(op(hidden ? fwdRelu : fwdBias, bind, matmulGrid(rows, nOut, version)));
        if (m === 0 && hidden) {
          const r = uni({ n: rows * nOut, offset: 0, slot: 4 + 2 * L + l });
          forward.push(op(rMax, [r, outs[0][l], metrics], [1]));
        }
      });
    }
    train.push(...forward);
    for (let m = 0; m < 2; m++) {
      const s = uni({ batch: rows, classes, denom: rows, slot: 2 * m }, ["denom"]);
      train.push(op(softmax, [s, outs[m][L - 1], labels, dzs[m][L - 1], metrics], [1]));
      for (let l = L - 1; l >= 0; l--) {
        const { nIn, nOut, w, d } = layers[l], x = l === 0 ? inputs[m] : outs[m][l - 1];
        const uw = uni({ M: nOut, N: nIn, K: rows, tmax: 0 }, ["tmax"]);
        train.push(
          op(wAdd, [uw, dzs[m][l], x, range(G, m, w, nIn * nOut)], matmulGrid(nOut, nIn, version)),
        );
        const uc = uni({ M: rows, N: nOut });
        train.push(
          op(colSum, [uc, dzs[m][l], range(G, m, d, nOut)], [Math.ceil(nOut / COLUMN_GROUP)]),
        );
        if (l > 0) {
          const ui = uni({ M: rows, N: nIn, K: nOut, tmax: 0 }, ["tmax"]);
          const bind = [ui, dzs[m][l], range(P, m, w, nIn * nOut), dzs[m][l - 1], x];
          train.push(op(inMask, bind, matmulGrid(rows, nIn, version)));
        }
      }
      layers.forEach(({ nIn, nOut, w }, l) => {
        const r = uni({ n: nIn * nOut, offset: 0, slot: 4 + m * L + l });
        train.push(op(rSumsq, [r, range(G, m, w, nIn * nOut), metrics], [1]));
      });
    }
    train.push(adamOp);
    const made: Plan = { rows, inputs, outs, labels, forward, train, owned };
    if (plans.size >= PLANS) {
      const [oldest, old] = plans.entries().next().value!;
      plans.delete(oldest);
      ctx.flush();
      old.owned.forEach((b) => b.destroy());
    }
    plans.set(rows, made);
    return made;
  }

  /** Uploads both models' inputs: the SNN's x = 1 - t0, t0 = 1 - pixel (in float64), the pixels. */
  function upload(p: Plan, x: Float64Array, rows: number): void {
    const n = rows * sizes[0], snn = new Float32Array(n), twin = new Float32Array(n);
    for (let k = 0; k < n; k++) (snn[k] = 1 - (1 - x[k])), (twin[k] = x[k]);
    ctx.write(p.inputs[0], snn);
    ctx.write(p.inputs[1], twin);
  }

  const run = (ops: Op[]) => ops.forEach(([p, b, g]) => ctx.dispatch(p, b, g));
  const live = (): void => {
    if (closed) throw new ShapeError("the WebGPU twin step was closed");
    ctx.check();
  };

  return {
    async step(x, labels, batch): Promise<TwinStepResult> {
      live();
      checkStep(sizes, x, labels, batch);
      const p = plan(batch);
      upload(p, x, batch);
      ctx.write(p.labels, Uint32Array.from({ length: batch }, (_, b) => labels[b]));
      const { beta1: b1, beta2: b2, epsilon } = spec.adam;
      t++;
      const lrT = adamStepSize(spec.adam, t); // nn/optim.ts: the one lr_t
      const f = { n: total, lrT, b1, b2, eps: epsilon };
      ctx.write(adamParams, packParams(f, ["lrT", "b1", "b2", "eps"]));
      ctx.clear(G);
      run(p.train);
      const r = await ctx.read(metrics, nMetrics);
      const norms = (m: number) => layers.map((_, l) => Math.sqrt(r[4 + m * L + l]));
      return {
        loss: r[0] / batch,
        twinLoss: r[2] / batch,
        correct: Math.round(r[1]),
        twinCorrect: Math.round(r[3]),
        gradNorms: norms(0),
        twinGradNorms: norms(1),
        maxActivation: Array.from(r.subarray(4 + 2 * L, nMetrics)),
      };
    },

    async forward(x, batch) {
      live();
      if (!Number.isInteger(batch) || batch < 1 || x.length < batch * sizes[0]) {
        throw new ShapeError(`forward: x has ${x.length} entries for batch ${batch}x${sizes[0]}`);
      }
      const p = plan(batch);
      upload(p, x, batch);
      run(p.forward);
      const back = async (b: GPUBuffer, n: number) =>
        Float64Array.from(await ctx.read(b, batch * n));
      const activations: Float64Array[] = [];
      for (let l = 0; l + 1 < L; l++) activations.push(await back(p.outs[0][l], sizes[l + 1]));
      return {
        logits: await back(p.outs[0][L - 1], classes),
        twinLogits: await back(p.outs[1][L - 1], classes),
        activations,
      };
    },

    async read({ snn, twin }): Promise<void> {
      live();
      unpackTwin(layout, await ctx.read(P, total), snn, twin);
    },

    close(): void {
      if (closed) return;
      closed = true;
      ctx.flush();
      for (const p of plans.values()) p.owned.forEach((b) => b.destroy());
      [P, G, M, V, metrics, adamParams].forEach((b) => b.destroy());
    },
  };
}
