/**
 * One measurement of `lifBatch` (bench/lif_batch.ts) in this runtime: seconds per batch of a LIF
 * method's training step on the wasm backend (relaxed SIMD where the engine has it), after a
 * warm-up. bench/peers.ts runs it in Node, Deno and Bun, alternating with PyTorch.
 *
 *   npx tsx bench/lif_batch_time.ts [--model lif-mlp|lif-conv] [--method saf-e] [--json FILE]
 *   npx deno run -A bench/lif_batch_time.ts ...      npx bun bench/lif_batch_time.ts ...
 */
import { writeFileAtomic } from "../src/io/atomic.ts";
import { relaxedSimdDefault } from "../src/backend/wasm/core.ts";
import { lifBatch } from "./lif_batch.ts";
import { arg } from "./peers_lib.ts";

const model = arg("model", "lif-mlp") as "lif-mlp" | "lif-conv";
const method = arg("method", "saf-e")!, json = arg("json", "");
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const measure = lifBatch(model, method);
// A fresh process's first batches may still run the engine's baseline code for some kernels
// (wasm tiers up while it runs: 15.8-18.4 ms against 13.9-14.5 in the calls after, Node): the
// first measurement warms up, the second counts, as a training run's thousands of batches are.
await measure();
const seconds = await measure();
const report = { runtime, relaxed: relaxedSimdDefault(), model, method, seconds };
console.log(`${runtime} ${model} ${method}: ${(seconds * 1e3).toFixed(2)} ms / batch`);
if (json) await writeFileAtomic(json, JSON.stringify(report) + "\n");
