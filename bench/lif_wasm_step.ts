/**
 * Images per second of one lif-mlp 784-512-10 SAF-E batch (T = 6, direct coding, batch 64 of
 * the embedded subset, Adam after every step): the fused wasm step (createWasmLifStep) against
 * the reference step on the wasm backend's kernels (createRefLifStep with createWasmBackend()),
 * alternating A B A B, 5 rounds of `BATCHES` batches each; min and median per side, the
 * median ratio, and the load average before and after.
 *
 *   npx tsx bench/lif_wasm_step.ts
 */
import { loadavg } from "node:os";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { codeInput } from "../src/lif/coding.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { Rng } from "../src/nn/rng.ts";
import { createRefLifStep } from "../src/steps/lif/ref.ts";
import { createWasmLifStep } from "../src/steps/lif/wasm.ts";

const B = 64, T = 6, BATCHES = 4, ROUNDS = 5, lr = 3e-4, method = lifMethod("saf-e");
const { train } = await loadFashionMnist({ dir: "embedded" });
const order = new Rng(1).permutation(train.count);
const batches = Array.from({ length: BATCHES }, (_, k) => {
  const b = gatherBatch(train, order, k * B, B);
  return { xs: codeInput(b.x, T, "direct", k), labels: b.labels };
});
const net = initLifNetwork([784, 512, 10], new Rng(2));
const sides = {
  fused: createWasmLifStep({ net: structuredClone(net), method, adam: { lr } }),
  ref: createRefLifStep({
    net: structuredClone(net),
    method,
    adam: { lr },
    backend: createWasmBackend(),
  }),
};
const rates: Record<keyof typeof sides, number[]> = { fused: [], ref: [] };
const load0 = loadavg()[0];
for (const step of Object.values(sides)) step.step(batches[0].xs, batches[0].labels, B); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const name of ["fused", "ref"] as const) {
    const t0 = performance.now();
    for (const b of batches) sides[name].step(b.xs, b.labels, B);
    rates[name].push((BATCHES * B) / ((performance.now() - t0) / 1000));
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const name of ["fused", "ref"] as const) {
  console.log(
    `${name}: images/s min ${Math.min(...rates[name]).toFixed(0)} median ${
      median(rates[name]).toFixed(0)
    }`,
  );
}
console.log(
  `fused / ref median ratio ${(median(rates.fused) / median(rates.ref)).toFixed(2)}; load ${
    load0.toFixed(2)
  } before, ${loadavg()[0].toFixed(2)} after`,
);
