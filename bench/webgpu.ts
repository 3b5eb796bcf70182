/**
 * `deno run -A bench/webgpu.ts`: the WebGPU benchmarks (bench/webgpu_cases.ts) with the
 * adapter and the load average. Matmul sizes: SPIKEPROOF_GPU_SIZES (comma-separated), by
 * default 1024,2048,4096 on a hardware adapter and 256,512 on a CPU fallback (llvmpipe, about
 * 0.2 GFLOP/s). SPIKEPROOF_GPU_STEPS: timed twin steps (default 3). Where there is no WebGPU
 * (Bun, Node) the GPU cases are skipped with the reason and ref/wasm still run.
 *
 * @module
 */
import process from "node:process";
import { loadavg } from "node:os";
import { GpuContext, webGpuAvailable } from "../src/backend/webgpu/device.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { Rng } from "../src/nn/rng.ts";
import { matmulGflops, twinStepThroughput, wasmMatmulGflops } from "./webgpu_cases.ts";

const gpu = await webGpuAvailable(10000), before = loadavg();
console.log(`load average before: ${before.map((v) => v.toFixed(2)).join(", ")}`);
if (gpu) {
  const ctx = await GpuContext.create({ timeoutMs: 600000 });
  const adapter = await navigator.gpu.requestAdapter();
  const info = adapter?.info, fallback = info?.isFallbackAdapter ?? false;
  console.log(`adapter: ${info?.description || info?.vendor} (fallback ${fallback})`);
  const env = process.env.SPIKEPROOF_GPU_SIZES;
  const sizes = env ? env.split(",").map(Number) : fallback ? [256, 512] : [1024, 2048, 4096];
  for (const r of await matmulGflops(ctx, sizes)) {
    console.log(`matmul ${r.n} v${r.version}: ${r.gflops.toFixed(3)} GFLOP/s (${r.reps} reps)`);
  }
  for (const r of wasmMatmulGflops(sizes)) {
    console.log(`matmul ${r.n} wasm (core v2, 1 thread): ${r.gflops.toFixed(3)} GFLOP/s`);
  }
  ctx.destroy();
} else console.log("WebGPU cases skipped: no WebGPU in this runtime (navigator.gpu missing)");
const B = 64, steps = Number(process.env.SPIKEPROOF_GPU_STEPS ?? 3);
const data = await loadFashionMnist({ dir: "embedded" });
const batch = gatherBatch(data.train, new Rng(4).permutation(data.train.count), 0, B);
const rows = await twinStepThroughput(batch.x, Int32Array.from(batch.labels), B, steps, gpu);
console.log(`ttfs-fc2 twin step (784-340-10, SNN + ReLU twin), batch ${B}, ${steps} timed steps`);
for (const r of rows) {
  console.log(`  ${r.column.padEnd(7)} ${r.imagesPerSecond.toFixed(1)} images/s`);
}
console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(", ")}`);
