/**
 * Data-parallel scaling of the fused wasm TTFS step: images per second of `--workers` 1 and N on
 * one model (ttfs-fc2 by default, or ttfs-lenet5), batch 64, the twin off (the wasm default),
 * alternating the sides each round (A B A B); min and median per side, the median ratio and
 * the load average. Run it on idle cores; `taskset -c 0,1` pins it where the machine is shared.
 *
 * A round runs `--passes` passes over its batches (a few hundred steps), so that one stall of a
 * shared machine's core moves a round's rate little.
 *
 *   npx tsx bench/workers.ts [--model ttfs-fc2|ttfs-lenet5] [--workers 2] [--rounds 5]
 *                            [--passes 4] [--json FILE]
 *   npx deno run -A bench/workers.ts ...      npx bun bench/workers.ts ...
 */
import { loadavg } from "node:os";
import process from "node:process";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { layerSizes } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { TWIN_STEP_ADAM } from "../src/steps/ttfs/step.ts";
import { createWasmTwinStep } from "../src/steps/ttfs/wasm.ts";
import { b1Params, initB1Network } from "../src/ttfs/b1.ts";
import { ttfsModelLayers } from "../src/ttfs/models.ts";

const arg = (name: string, dflt: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : dflt;
};
const model = arg("model", "ttfs-fc2"), n = Number(arg("workers", "2"));
const rounds = Number(arg("rounds", "5")), passes = Number(arg("passes", "4"));
const json = arg("json", "");
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const med = (a: number[]) => {
  const s = a.slice().sort((p, q) => p - q), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const data = await loadFashionMnist({ dir: "embedded" });
const B = 64, order = new Rng(1).permutation(data.train.count);
const count = model === "ttfs-fc2" ? 39 : 12;
const batches = Array.from({ length: count }, (_, k) => gatherBatch(data.train, order, k * B, B));
const layers = ttfsModelLayers(model, { h: 28, w: 28, c: 1 }, 10);
const net = initB1Network(layers, new Rng(2));
const spec = {
  sizes: layerSizes(layers),
  layers,
  snn: b1Params(net),
  twin: b1Params(net),
  adam: TWIN_STEP_ADAM,
  t: 0,
  trainTwin: false,
};
const steps = [1, n].map((w) => createWasmTwinStep(spec, w));
const load0 = loadavg()[0], rates: number[][] = [[], []];
for (const s of steps) s.step(batches[0].x, batches[0].labels, B); // warm up, start the workers
for (let r = 0; r < rounds; r++) {
  steps.forEach((s, side) => {
    const t0 = performance.now();
    for (let p = 0; p < passes; p++) for (const b of batches) s.step(b.x, b.labels, B);
    rates[side].push((passes * count * B) / ((performance.now() - t0) / 1000));
  });
}
steps.forEach((s) => s.close());
const ratios = rates[1].map((v, k) => v / rates[0][k]);
const span = (a: number[]) => ({ min: Math.min(...a), median: med(a) });
const report = {
  runtime,
  model,
  workers: n,
  rounds,
  passes,
  imagesPerSecond: { one: span(rates[0]), many: span(rates[1]) },
  ratio: span(ratios),
  load: [load0, loadavg()[0]],
};
console.log(
  `${runtime} ${model} batch ${B}: 1 thread ${med(rates[0]).toFixed(0)} img/s, ${n} workers ${
    med(rates[1]).toFixed(0)
  } img/s; ratio median ${report.ratio.median.toFixed(2)} (min ${
    report.ratio.min.toFixed(2)
  }); load ${report.load.map((l) => l.toFixed(2)).join(" -> ")}`,
);
if (json) await writeFileAtomic(json, JSON.stringify(report, null, 2) + "\n");
