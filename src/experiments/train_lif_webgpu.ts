/**
 * `trainLifWebGpu`: `trainLif`'s loop (`runEpochs` with the LIF hooks `lifEpochs`: batches,
 * codes, seeds, progress, per-epoch LIF evaluation, report) with the training step on the GPU
 * (`src/steps/lif/webgpu.ts`): the weights, accumulations, gradients and Adam's moments
 * stay in GPU buffers for the whole run; each batch reads back its loss and correct count;
 * the weights come back to the CPU once per epoch, for the evaluation (LIF inference on the
 * CPU, by default with the wasm backend's float32 kernels).
 *
 * SAF-E, OTTT_O and OTTT_A run on the GPU (dense lif-mlp nets; OTTT with its Replace
 * two-matmul forward and trace variant, every layer wrapped), each with the reference's update (`lif/methods.ts`):
 * Adam after every time step for saf-e and ottt-o, once per batch for ottt-a. Where there is
 * no WebGPU (Node, Bun) it rejects with a `BackendUnavailableError` naming the available
 * backends.
 *
 * @module
 */
import process from "node:process";
import { backendByName } from "../backend/select.ts";
import type { GpuOptions } from "../backend/webgpu/device.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { createWebGpuLifStep } from "../steps/lif/webgpu.ts";
import { stepAt } from "./divergence.ts";
import { driveAsync } from "./run_epochs.ts";
import {
  lifEpochs,
  lifResult,
  prepareLif,
  type TrainLifOptions,
  type TrainLifResult,
} from "./train_lif.ts";

/**
 * The methods the GPU step runs, with its forward (the update is the method's own).
 *
 * @example
 * ```ts
 * import { WEBGPU_LIF_METHODS } from "./train_lif_webgpu.ts";
 * console.log(WEBGPU_LIF_METHODS["ottt-a"], "bptt" in WEBGPU_LIF_METHODS); // "ottt" false
 * ```
 */
export const WEBGPU_LIF_METHODS: Readonly<Record<string, "saf" | "ottt">> = {
  "saf-e": "saf",
  "ottt-o": "ottt",
  "ottt-a": "ottt",
};

/** Options of {@link trainLifWebGpu}: `trainLif`'s, plus the device's. */
export interface TrainLifWebGpuOptions extends TrainLifOptions {
  /** Device request and readback timeouts (default 120 s: a llvmpipe batch can take a while). */
  gpu?: GpuOptions;
}

/**
 * Train on `train` with the method's step on the GPU, evaluate on `test` after every epoch
 * (with `options.backend`, default wasm).
 *
 * @example
 * ```ts ignore
 * import { loadFashionMnist } from "../data/fashion_mnist.ts";
 * import { trainLifWebGpu } from "./train_lif_webgpu.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * const r = await trainLifWebGpu(data.train, data.test, { layers: [784, 32, 10], method: "saf-e", T: 2, epochs: 1, batch: 32, lr: 1e-3, seed: 0 });
 * console.log(r.testAccuracy > 0.3); // true
 * ```
 */
export async function trainLifWebGpu(
  train: ImageSet,
  test: ImageSet,
  options: TrainLifWebGpuOptions,
): Promise<TrainLifResult> {
  const forward = WEBGPU_LIF_METHODS[options.method];
  if (!forward) {
    throw new OptionError(
      `--backend webgpu trains ${
        Object.keys(WEBGPU_LIF_METHODS).join(", ")
      } only, not '${options.method}'`,
    );
  }
  if (options.variant === "official") {
    throw new OptionError("--backend webgpu runs OTTT's trace variant only, not 'official'");
  }
  const setup = prepareLif(train, test, options), { method, net } = setup;
  const runner = await createWebGpuLifStep({
    net,
    adam: { lr: options.lr, decayRate: options.decayRate, decaySteps: options.decaySteps },
    mseWeight: options.mseWeight,
    readout: options.readout,
    update: method.update,
    method: forward,
    timeoutMs: options.gpu?.timeoutMs ?? 120000,
  });
  try {
    const evalBackend = options.backend ?? backendByName("wasm");
    const tally = { peak: process.memoryUsage().rss };
    const loop = lifEpochs(train, test, options, setup, tally, evalBackend);
    const done = await driveAsync(loop, async (q) => {
      if (q.kind === "step") return await stepAt(q.where, () => runner.step(q.x, q.labels, q.size));
      await runner.read(net);
    });
    return lifResult(train, test, options, setup, tally, done);
  } finally {
    runner.close();
  }
}
