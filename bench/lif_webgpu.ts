/**
 * `deno run -A bench/lif_webgpu.ts [batches]` (bun or tsx: without the webgpu row): SAF-E and
 * OTTT_O lif-mlp (784-512-10, T = 6, batch 64, Adam every step) training throughput in
 * images/s on ref, wasm (float32 WASM SIMD) and the GPU-owned WebGPU step (only where WebGPU
 * exists: Deno), with the SAF-E/OTTT_O time ratio and the machine's load average.
 *
 * @module
 */
import { loadavg } from "node:os";
import process from "node:process";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { Rng } from "../src/nn/rng.ts";
import { lifOnlineThroughput } from "./lif_cases.ts";

const B = 64, batches = Number(process.argv[2] ?? 3);
const data = await loadFashionMnist({ dir: "embedded" });
const batch = gatherBatch(data.train, new Rng(4).permutation(data.train.count), 0, B);
const before = loadavg()[0];
const rows = await lifOnlineThroughput(batch.x, Int32Array.from(batch.labels), B, batches);
console.log(`lif-mlp training, 784-512-10, T = 6, batch ${B}, ${batches} timed batches`);
console.log("  column   SAF-E img/s  OTTT_O trace img/s  SAF-E/OTTT_O trace time");
for (const column of ["ref", "wasm", "webgpu"]) {
  const at = (m: string) => rows.find((r) => r.column === column && r.method === m);
  const saf = at("SAF-E"), ottt = at("OTTT_O trace");
  if (!saf || !ottt) {
    console.log(`  ${column.padEnd(8)} skipped: no WebGPU in this runtime (navigator.gpu missing)`);
    continue;
  }
  const [a, b] = [saf.imagesPerSecond, ottt.imagesPerSecond];
  console.log(
    `  ${column.padEnd(8)} ${a.toFixed(1).padStart(11)}  ${b.toFixed(1).padStart(12)}  ${
      (b / a).toFixed(2).padStart(17)
    }`,
  );
}
console.log(`  load average (1 min) before ${before.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`);
