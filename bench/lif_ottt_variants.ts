/**
 * SAF-E against OTTT_O in each of its variants and forwards, timed side by side: one batch of 64
 * embedded images, T = 6, gradients only (no optimizer: the update is the same for all), on the
 * float64 reference and the float32 wasm kernels, for lif-mlp and lif-conv. The sides run in
 * turn (A B C D E, A B C D E, ...) for `rounds` rounds after one warm-up round; each side's min
 * and median ms are printed, with SAF-E's time over each OTTT side's, and the load average.
 *
 *   OTTT_O trace, replace:    every layer wrapped, two matmuls each (2x SAF's forward MACs)
 *   OTTT_O official, replace: the authors' code, layer 1 unwrapped (lif-mlp 1.012x, lif-conv
 *                             1.805x SAF's forward MACs; docs/spec.md B3.4)
 *   OTTT_O *, lean:           one matmul per layer, the same gradients
 *
 * Run: `npx tsx bench/lif_ottt_variants.ts [rounds] [--out results/FILE.json]`.
 *
 * @module
 */
import { loadavg } from "node:os";
import process from "node:process";
import type { Backend } from "../src/backend/backend.ts";
import { refBackend } from "../src/backend/ref.ts";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { codeInput } from "../src/lif/coding.ts";
import type { MethodOptions } from "../src/lif/method.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { otttGradients } from "../src/lif/ottt.ts";
import { safEGradients } from "../src/lif/saf.ts";
import { buildLayers } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { LIF_MODELS } from "../src/lif/models.ts";

const SIDES: [string, typeof otttGradients, MethodOptions][] = [
  ["SAF-E", safEGradients, {}],
  ["OTTT_O trace, replace", otttGradients, { variant: "trace", otttForward: "replace" }],
  ["OTTT_O official, replace", otttGradients, { variant: "official", otttForward: "replace" }],
  ["OTTT_O trace, lean", otttGradients, { variant: "trace", otttForward: "lean" }],
  ["OTTT_O official, lean", otttGradients, { variant: "official", otttForward: "lean" }],
];

const args = process.argv.slice(2), outAt = args.indexOf("--out");
const rounds = Number(args.find((a, k) => !a.startsWith("--") && args[k - 1] !== "--out") ?? 7);
const B = 64, data = await loadFashionMnist({ dir: "embedded" });
const batch = gatherBatch(data.train, new Rng(4).permutation(data.train.count), 0, B);
const xs = codeInput(batch.x, 6, "direct", 0), labels = Int32Array.from(batch.labels);
const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const report: Record<string, unknown>[] = [];
const loadBefore = loadavg()[0];

for (const [model, specs] of Object.entries(LIF_MODELS)) {
  for (const [column, backend] of [["ref", refBackend], ["wasm", createWasmBackend()]] as const) {
    const net = initLifNetwork(buildLayers({ h: 28, w: 28, c: 1 }, specs), new Rng(2));
    const run = (k: number) => {
      const [, fn, o] = SIDES[k], t0 = performance.now();
      fn(net, xs, labels, B, { ...o, backend: backend as Backend, onStep: () => {} });
      return performance.now() - t0;
    };
    const ms: number[][] = SIDES.map(() => []);
    for (let r = -1; r < rounds; r++) { // round -1 warms up
      for (let k = 0; k < SIDES.length; k++) {
        const t = run(k);
        if (r >= 0) ms[k].push(t);
      }
    }
    const [saf] = ms, load = loadavg()[0];
    console.log(`${model}, ${column}, ${rounds} rounds, load ${load.toFixed(2)}`);
    SIDES.forEach(([name], k) => {
      const ratio = k
        ? `  SAF-E/this min ${(Math.min(...saf) / Math.min(...ms[k])).toFixed(3)}, ` +
          `median ${(median(saf) / median(ms[k])).toFixed(3)}`
        : "";
      console.log(
        `  ${name.padEnd(26)} min ${Math.min(...ms[k]).toFixed(1).padStart(7)} ms, median ` +
          `${median(ms[k]).toFixed(1).padStart(7)} ms${ratio}`,
      );
      report.push({
        model,
        column,
        side: name,
        minMs: Math.min(...ms[k]),
        medianMs: median(ms[k]),
      });
    });
  }
}
console.log(
  `load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}`,
);
if (outAt >= 0) {
  const runtime = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
  const json = { rounds, batch: B, T: 6, runtime, loadBefore, loadAfter: loadavg()[0], report };
  await writeFileAtomic(args[outAt + 1], JSON.stringify(json) + "\n");
}
