/**
 * WebGPU benchmark cases (run by bench/webgpu.ts, in Deno): the dense forward product z = b +
 * x W^T of n x n matrices in GFLOP/s for kernel versions 1, 2 and 3, with the operands resident
 * on the GPU (`reps` dispatches in one submission, then one 4-byte readback to wait for them);
 * and the ttfs-fc2 twin training step (784-340-10, the SNN and its ReLU twin, batch 64, real
 * images) in images/s on ref, wasm (its owned float32 step) and webgpu (its owned step, only
 * the metrics read back per step).
 *
 * @module
 */
import { WasmCore } from "../src/backend/wasm/core.ts";
import { createWebGpuBackend } from "../src/backend/webgpu.ts";
import type { GpuContext } from "../src/backend/webgpu/device.ts";
import {
  MATMUL_PARAMS,
  matmulGrid,
  type MatmulVersion,
  matmulWgsl,
} from "../src/backend/webgpu/matmul.ts";
import { packUniform } from "../src/backend/webgpu/params.ts";
import { TwinTrainer } from "../src/experiments/twin_trainer.ts";
import { TWIN_STEP_ADAM, type TwinStepSpec } from "../src/steps/ttfs/step.ts";
import { createWasmTwinStep } from "../src/steps/ttfs/wasm.ts";
import { createWebGpuTwinStep } from "../src/steps/ttfs/webgpu.ts";
import { Rng } from "../src/nn/rng.ts";
import { b1Params, initB1Network } from "../src/ttfs/b1.ts";

/** One matmul measurement. */
export interface MatmulFigure {
  n: number;
  version: MatmulVersion;
  reps: number;
  gflops: number;
}

/**
 * GFLOP/s of the n x n x n forward product (2 n^3 flops) on `ctx`, per kernel version; each
 * size runs once to warm up (compile, first touch), then enough repetitions for about
 * `seconds` of GPU time.
 *
 * @example
 * ```ts ignore
 * const ctx = await GpuContext.create();
 * console.log(await matmulGflops(ctx, [256], 1));
 * ```
 */
export async function matmulGflops(
  ctx: GpuContext,
  sizes: number[],
  seconds = 2,
): Promise<MatmulFigure[]> {
  const rng = new Rng(1), out: MatmulFigure[] = [];
  for (const n of sizes) {
    const data = () => Float32Array.from({ length: n * n }, () => rng.uniform());
    const [x, W, z] = [ctx.storage(data()), ctx.storage(data()), ctx.storage(n * n * 4)];
    const bias = ctx.storage(new Float32Array(n));
    const params = ctx.uniform(packUniform(MATMUL_PARAMS, { M: n, N: n, K: n, tmax: 0 }));
    for (const version of [1, 2, 3] as const) {
      const p = await ctx.pipeline(
        matmulWgsl(version, "forward", "bias"),
        "main",
        `mm v${version}`,
      );
      const group = ctx.bind(p, [params, x, W, z, bias]);
      const run = async (reps: number) => {
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) ctx.dispatch(p, group, matmulGrid(n, n, version));
        await ctx.read(z, 1);
        return (performance.now() - t0) / 1000;
      };
      const once = await run(1);
      const reps = Math.max(1, Math.min(200, Math.round(seconds / once)));
      const s = await run(reps);
      out.push({ n, version, reps, gflops: (2 * n ** 3 * reps) / s / 1e9 });
    }
    [x, W, z, bias, params].forEach((b) => b.destroy());
  }
  return out;
}

/**
 * GFLOP/s of the same n x n x n forward product on the wasm core's kernel (version 2, one
 * thread, operands resident in its memory as float32), the CPU column beside the GPU's.
 *
 * @example
 * ```ts ignore
 * console.log(wasmMatmulGflops([256], 1));
 * ```
 */
export function wasmMatmulGflops(sizes: number[], seconds = 2): { n: number; gflops: number }[] {
  const rng = new Rng(1), core = new WasmCore(), ex = core.exports;
  return sizes.map((n) => {
    core.reset();
    const data = () => Float64Array.from({ length: n * n }, () => rng.uniform());
    const px = core.put(data(), n * n), pW = core.put(data(), n * n);
    const pb = core.put(new Float64Array(n), n), pz = core.alloc(n * n * 4);
    const ps = core.alloc(ex.denseScratchBytes(n, n, n, 1));
    const run = (reps: number) => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) ex.denseForward2(px, pW, pb, pz, n, n, n, ps);
      return (performance.now() - t0) / 1000;
    };
    const reps = Math.max(1, Math.min(200, Math.round(seconds / run(1))));
    return { n, gflops: (2 * n ** 3 * reps) / run(reps) / 1e9 };
  });
}

function fc2Spec(): TwinStepSpec {
  const net = initB1Network([784, 340, 10], new Rng(2));
  const adam = TWIN_STEP_ADAM;
  return { sizes: [784, 340, 10], snn: b1Params(net), twin: b1Params(net), adam, t: 0 };
}

/** Images per second of one twin-step column. */
export interface StepFigure {
  /** ref, wasm, webgpu (matmul v3), webgpu-v2 or webgpu-v1. */
  column: string;
  imagesPerSecond: number;
}

/**
 * ttfs-fc2 twin-step throughput in images/s: one warm-up step, then `steps` timed steps of
 * the batch x [B, 784], on ref, wasm and (where `gpu` is true) webgpu with matmul v3, v2 and v1.
 *
 * @example
 * ```ts ignore
 * console.log(await twinStepThroughput(x, labels, 64, 3, true));
 * ```
 */
export async function twinStepThroughput(
  x: Float64Array,
  labels: Int32Array,
  B: number,
  steps: number,
  gpu: boolean,
): Promise<StepFigure[]> {
  const time = async (step: () => unknown) => {
    await step();
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) await step();
    return (B * steps) / ((performance.now() - t0) / 1000);
  };
  const ref = new TwinTrainer([784, 340, 10], { seed: 2, lr: 1e-3 });
  const wasm = createWasmTwinStep(fc2Spec());
  const rows: StepFigure[] = [
    { column: "ref", imagesPerSecond: await time(() => ref.step(x, labels, B)) },
    { column: "wasm", imagesPerSecond: await time(() => wasm.step(x, labels, B)) },
  ];
  wasm.close();
  for (const version of gpu ? [3, 2, 1] as const : []) {
    const be = await createWebGpuBackend({ version, timeoutMs: 600000 });
    const run = await createWebGpuTwinStep(be.gpu!, fc2Spec());
    rows.push({ column: be.name, imagesPerSecond: await time(() => run.step(x, labels, B)) });
    run.close();
    be.close();
  }
  return rows;
}
