/**
 * Images per second of the fused wasm TTFS twin step (createWasmTwinStep) on ttfs-fc2, batch 64,
 * 39 batches of the embedded subset, 5 rounds: min, median, max.
 *
 *   npx tsx bench/twin_step_speed.ts
 */
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { Rng } from "../src/nn/rng.ts";
import { b1Params, initB1Network } from "../src/ttfs/b1.ts";
import { reluFromB1 } from "../src/ttfs/mapping.ts";
import { reluMlpParams } from "../src/nn/mlp.ts";
import { TWIN_STEP_ADAM } from "../src/steps/ttfs/step.ts";
import { createWasmTwinStep } from "../src/steps/ttfs/wasm.ts";
const data = await loadFashionMnist({ dir: "embedded" });
const B = 64, order = new Rng(1).permutation(data.train.count);
const batches = Array.from({ length: 39 }, (_, k) => gatherBatch(data.train, order, k * B, B));
const net = initB1Network([784, 340, 10], new Rng(2));
const step = createWasmTwinStep({
  sizes: [784, 340, 10],
  snn: b1Params(net),
  twin: reluMlpParams(reluFromB1(net)),
  adam: TWIN_STEP_ADAM,
  t: 0,
});
const rates: number[] = [];
for (let round = 0; round < 5; round++) {
  const t0 = performance.now();
  for (const b of batches) step.step(b.x, b.labels, B);
  rates.push((batches.length * B) / ((performance.now() - t0) / 1000));
}
rates.sort((a, b) => a - b);
console.log(
  `images/s min ${rates[0].toFixed(0)} median ${rates[2].toFixed(0)} max ${rates[4].toFixed(0)}`,
);
