/**
 * `deno run -A bench/lif_webgpu.ts [batches]` (or bun / tsx, without the webgpu row): SAF-E lif-mlp (784-512-10, T = 6, batch 64)
 * training throughput in images/s, ref and wasm (float32 WASM SIMD) next to the GPU-owned
 * WebGPU step (only where WebGPU exists: Deno), with the machine's load average.
 *
 * @module
 */
import { loadavg } from "node:os";
import process from "node:process";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { Rng } from "../src/nn/rng.ts";
import { lifSafEThroughput } from "./lif_cases.ts";

const B = 64, batches = Number(process.argv[2] ?? 3);
const data = await loadFashionMnist({ dir: "embedded" });
const batch = gatherBatch(data.train, new Rng(4).permutation(data.train.count), 0, B);
const before = loadavg()[0];
const rows = await lifSafEThroughput(batch.x, Int32Array.from(batch.labels), B, batches);
console.log(`lif-mlp SAF-E training, 784-512-10, T = 6, batch ${B}, ${batches} timed batches`);
for (const r of rows) {
  console.log(`  ${r.column.padEnd(7)} ${r.imagesPerSecond.toFixed(1)} images/s`);
}
if (!rows.some((r) => r.column === "webgpu")) {
  console.log("  webgpu  skipped: no WebGPU in this runtime (navigator.gpu missing)");
}
console.log(`  load average (1 min) before ${before.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`);
