/**
 * Images per second of one LIF batch (T = 6, direct coding, batch 64 of the embedded subset)
 * for each LIF method (default all six: SAF-E and OTTT_O update after every step, the others
 * once per batch; OTTT trace variant unless --variant official, trace readout) on lif-mlp
 * 784-512-10 or (--model lif-conv) conv8-pool-conv16-pool-fc10: the fused wasm step
 * (createWasmLifStep) against the reference step on the wasm backend's kernels
 * (createRefLifStep with createWasmBackend(); --no-ref leaves it out), alternating the sides in
 * turn, `--rounds` rounds (default 5) of `BATCHES` batches each; min and median per side, the
 * median ratio per method, the fused SAF-E / OTTT_O time ratio where both ran (also in the
 * process's CPU time per batch, which other processes on a shared machine disturb less), and
 * the load average before and after. `--replace` adds, per OTTT method, a fused side with the authors'
 * Replace forward (`otttForward: "replace"`: the same results at the cost of their two
 * products per wrapped layer), and its ratio to SAF-E.
 *
 *   npx tsx bench/lif_wasm_step.ts [--model lif-mlp|lif-conv] [--variant trace|official]
 *     [--rounds N] [--no-ref] [--replace] [method ...]
 */
import { loadavg } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { LIF_MODELS } from "../src/lif/models.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { codeInput } from "../src/lif/coding.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { buildLayers } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { createRefLifStep, type RefLifStep } from "../src/steps/lif/ref.ts";
import { createWasmLifStep } from "../src/steps/lif/wasm.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    model: { type: "string", default: "lif-mlp" },
    variant: { type: "string", default: "trace" },
    rounds: { type: "string", default: "5" },
    "no-ref": { type: "boolean", default: false },
    replace: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const B = 64, T = 6, BATCHES = 4, ROUNDS = Number(values.rounds), lr = 3e-4;
const variant = values.variant as "trace" | "official";
const ALL = ["saf-e", "saf-f", "ottt-o", "ottt-a", "spikerep", "bptt"];
const METHODS = positionals.length > 0 ? positionals : ALL;
const { train } = await loadFashionMnist({ dir: "embedded" });
const order = new Rng(1).permutation(train.count);
const batches = Array.from({ length: BATCHES }, (_, k) => {
  const b = gatherBatch(train, order, k * B, B);
  return { xs: codeInput(b.x, T, "direct", k), labels: b.labels };
});
const layers = values.model === "lif-conv"
  ? buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"])
  : [784, 512, 10];
const net = initLifNetwork(layers, new Rng(2));
const sides: [string, RefLifStep][] = METHODS.flatMap((name) => {
  const method = lifMethod(name), adam = { lr }, backend = createWasmBackend();
  const fused = (otttForward: "lean" | "replace"): RefLifStep =>
    createWasmLifStep({ net: structuredClone(net), method, adam, variant, otttForward });
  const out: [string, RefLifStep][] = [[`${name} fused`, fused("lean")]];
  if (values.replace && name.startsWith("ottt")) {
    out.push([`${name} fused replace`, fused("replace")]);
  }
  const spec = { net: structuredClone(net), method, adam, variant, backend };
  if (!values["no-ref"]) out.push([`${name} ref`, createRefLifStep(spec)]);
  return out;
});
const rates = new Map<string, number[]>(sides.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(sides.map(([name]) => [name, []])); // CPU ms per batch
const load0 = loadavg()[0];
for (const [, step] of sides) step.step(batches[0].xs, batches[0].labels, B); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, step] of sides) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    for (const b of batches) step.step(b.xs, b.labels, B);
    const c = process.cpuUsage(c0);
    rates.get(name)!.push((BATCHES * B) / ((performance.now() - t0) / 1000));
    cpu.get(name)!.push((c.user + c.system) / 1000 / BATCHES);
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`${values.model}, OTTT variant ${variant}, batch ${B}, T ${T}`);
for (const [name, r] of rates) {
  const ms = (1000 * B) / median(r);
  console.log(
    `${name}: images/s min ${Math.min(...r).toFixed(0)} median ${median(r).toFixed(0)} ` +
      `(${ms.toFixed(1)} ms / batch; CPU ${median(cpu.get(name)!).toFixed(1)} ms / batch)`,
  );
}
for (const name of METHODS) {
  if (!rates.has(`${name} ref`)) continue;
  const ratio = median(rates.get(`${name} fused`)!) / median(rates.get(`${name} ref`)!);
  console.log(`${name}: fused / ref median ratio ${ratio.toFixed(2)}`);
}
for (const side of ["ottt-o fused", "ottt-o fused replace"]) {
  if (!rates.has("saf-e fused") || !rates.has(side)) continue;
  const ratio = median(rates.get(side)!) / median(rates.get("saf-e fused")!);
  const ratioCpu = median(cpu.get("saf-e fused")!) / median(cpu.get(side)!);
  console.log(
    `SAF-E fused / ${side} time, median: ${ratio.toFixed(3)} (CPU time: ${ratioCpu.toFixed(3)})`,
  );
}
console.log(`load ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
