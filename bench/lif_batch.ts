/**
 * Seconds per batch of a LIF method's training step on the wasm backend, as `trainLif` picks
 * it, on random images (batch 64, T = 6): bench/peers.ts's LIF rows and bench/lif_batch_time.ts.
 */
import { backendByName } from "../src/backend/select.ts";
import { LIF_MODELS } from "../src/lif/models.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { buildLayers } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { createLifStep } from "../src/steps/lif/select.ts";
import { createWasmLifStep } from "../src/steps/lif/wasm.ts";
import { perCall } from "./peers_lib.ts";

/**
 * Seconds per batch of a LIF method's step on the wasm backend, as trainLif picks it (the fused
 * wasm step), measured by the function returned; with `otttForward: "replace"`, the fused OTTT
 * step that also runs the authors' second product W a_hat_in + k b per layer and step (their
 * cost, the same results).
 */
export function lifBatch(
  model: "lif-mlp" | "lif-conv",
  method: string,
  o: { variant?: "official"; otttForward?: "replace" } = {},
) {
  const rng = new Rng(1), T = 6, B = 64;
  const layers = model === "lif-mlp"
    ? [784, 512, 10]
    : buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"]);
  const net = initLifNetwork(layers, rng);
  const spec = { net, method: lifMethod(method), adam: { lr: 3e-4 }, variant: o.variant };
  const step = o.otttForward
    ? createWasmLifStep({ ...spec, otttForward: o.otttForward })
    : createLifStep(backendByName("wasm"), spec); // trainLif's choice: fused where it can
  const x = Float64Array.from({ length: B * 784 }, () => rng.uniform());
  const xs = Array.from({ length: T }, () => x),
    labels = Int32Array.from({ length: B }, (_, k) => k % 10);
  return () => perCall(() => step.step(xs, labels, B), model === "lif-mlp" ? 4 : 2);
}
