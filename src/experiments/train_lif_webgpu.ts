/**
 * `trainLifWebGpu`: `trainLif`'s schedule (`lifTrainingLoop`: batches, codes, seeds, progress,
 * per-epoch LIF evaluation, report) with the training step on the GPU
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
import type { Backend } from "../backend/backend.ts";
import { createWasmBackend } from "../backend/wasm.ts";
import type { GpuOptions } from "../backend/webgpu/device.ts";
import { createWebGpuLifStep } from "../steps/lif/webgpu.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import type { LifNetwork } from "../lif/network.ts";
import { stepAt } from "./divergence.ts";
import {
  type LifBatchOutcome,
  lifTrainingLoop,
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

/** One sample of a batch request (the cost count is per sample). */
function firstSample(xs: Float64Array[], nIn: number): Float64Array[] {
  const one = xs[0].slice(0, nIn);
  return xs.map((x) => (x === xs[0] ? one : x.slice(0, nIn)));
}

/** A copy of the network (the cost count runs the CPU method on it, one sample). */
function cloneNet(net: LifNetwork): LifNetwork {
  return { ...net, layers: net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })) };
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
    const evalBackend: Backend = options.backend ?? createWasmBackend();
    const loop = lifTrainingLoop(train, test, options, setup, evalBackend);
    const nIn = net.layers[0].nIn;
    for (let req = loop.next();;) {
      if (req.done) return req.value;
      if (req.value.kind === "sync") {
        await runner.read(net);
        req = loop.next();
        continue;
      }
      const { xs, labels, size, counter } = req.value;
      if (counter) { // the cost figures: the CPU method on one sample of a copy
        const { mseWeight, readout } = options;
        method.gradients(cloneNet(net), firstSample(xs, nIn), labels.subarray(0, 1), 1, {
          mseWeight,
          readout,
          cost: counter,
        });
      }
      const r = await stepAt(req.value.where, () => runner.step(xs, labels, size));
      const outcome: LifBatchOutcome = { loss: r.loss, correct: r.correct, countedSize: 1 };
      req = loop.next(outcome);
    }
  } finally {
    runner.close();
  }
}
