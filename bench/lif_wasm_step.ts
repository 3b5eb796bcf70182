/**
 * Images per second of one lif-mlp 784-512-10 batch (T = 6, direct coding, batch 64 of the
 * embedded subset) for each LIF method (default all six: SAF-E and OTTT_O update after every
 * step, the others once per batch; OTTT trace variant, trace readout): the fused wasm step
 * (createWasmLifStep) against the reference step on the wasm backend's kernels
 * (createRefLifStep with createWasmBackend()), alternating fused and reference of each method in
 * turn, 5 rounds of `BATCHES` batches each; min and median per side, the median ratio per
 * method, and the load average before and after.
 *
 *   npx tsx bench/lif_wasm_step.ts [method ...]
 */
import { loadavg } from "node:os";
import process from "node:process";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { codeInput } from "../src/lif/coding.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { Rng } from "../src/nn/rng.ts";
import { createRefLifStep, type RefLifStep } from "../src/steps/lif/ref.ts";
import { createWasmLifStep } from "../src/steps/lif/wasm.ts";

const B = 64, T = 6, BATCHES = 4, ROUNDS = 5, lr = 3e-4;
const ALL = ["saf-e", "saf-f", "ottt-o", "ottt-a", "spikerep", "bptt"];
const METHODS = process.argv.length > 2 ? process.argv.slice(2) : ALL;
const { train } = await loadFashionMnist({ dir: "embedded" });
const order = new Rng(1).permutation(train.count);
const batches = Array.from({ length: BATCHES }, (_, k) => {
  const b = gatherBatch(train, order, k * B, B);
  return { xs: codeInput(b.x, T, "direct", k), labels: b.labels };
});
const net = initLifNetwork([784, 512, 10], new Rng(2));
const sides: [string, RefLifStep][] = METHODS.flatMap((name) => {
  const method = lifMethod(name), adam = { lr };
  return [
    [`${name} fused`, createWasmLifStep({ net: structuredClone(net), method, adam })],
    [
      `${name} ref`,
      createRefLifStep({
        net: structuredClone(net),
        method,
        adam,
        backend: createWasmBackend(),
      }),
    ],
  ] as [string, RefLifStep][];
});
const rates = new Map<string, number[]>(sides.map(([name]) => [name, []]));
const load0 = loadavg()[0];
for (const [, step] of sides) step.step(batches[0].xs, batches[0].labels, B); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, step] of sides) {
    const t0 = performance.now();
    for (const b of batches) step.step(b.xs, b.labels, B);
    rates.get(name)!.push((BATCHES * B) / ((performance.now() - t0) / 1000));
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, r] of rates) {
  console.log(`${name}: images/s min ${Math.min(...r).toFixed(0)} median ${median(r).toFixed(0)}`);
}
for (const name of METHODS) {
  const ratio = median(rates.get(`${name} fused`)!) / median(rates.get(`${name} ref`)!);
  console.log(`${name}: fused / ref median ratio ${ratio.toFixed(2)}`);
}
console.log(`load ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
