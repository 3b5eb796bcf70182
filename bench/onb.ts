/**
 * One LIF training configuration in this process, timed and its peak memory measured; run once
 * per configuration in a fresh process (bench/peers_memory.ts spawns it in Node, Deno and Bun)
 * so that peaks do not mix. Prints one JSON line.
 *
 *   --case onb      the Open Neuromorphic SNN-library benchmark's network: one Linear n -> n and
 *                   one LIF layer, batch 16, T = 500, input randn [T, batch, n] (T distinct
 *                   steps), one forward over all T and its backward. spikeproof's LIF nets end
 *                   in a dense readout, so the net is n -> n (LIF) -> 10, and one step is the
 *                   method's forward + backward with the mixed loss at every step (spec B2)
 *                   and Adam (every step for saf-e and ottt-o, once for bptt).
 *   --case lif-mlp  784-512-10, direct coding (the same input array at every step).
 *
 * Protocol: open-neuromorphic.org, "Spiking Neural Network (SNN) Library Benchmarks" (Lenz,
 * Heckel, Shrestha, Barker, Pedersen; 2023-08-02, updated 2024-02-20) and its scripts,
 * github.com/open-neuromorphic/open-neuromorphic.github.io,
 * content/blog/spiking-neural-network-framework-benchmarking/docker/run_benchmark.py: Linear(n, n)
 * then LIF, input randn(T = 500, batch 16, n), forward, loss = output.sum(), backward; time of
 * forward plus backward, peak memory torch.cuda.max_memory_allocated().
 *
 * The step is createLifStep's on the wasm backend: the fused float32 wasm step where it has one
 * for the method and net, else the float64 reference step on the wasm kernels; the output says
 * which. One warm-up batch of the first 2 steps, then `--rounds`
 * batches of T steps, each timed.
 *
 * Memory (all in bytes of this process, read in every runtime the same way):
 *   peak       VmHWM - VmRSS, from /proc/self/status, the high-water mark reset by writing 5
 *              to /proc/self/clear_refs just before the network is built: the peak resident
 *              memory the configuration added (input, weights, state, garbage not yet
 *              collected: everything), the measure torch_peers.py takes on the PyTorch side
 *   wasm       the byte length of every WebAssembly memory instantiated in this process, at
 *              the end (a wasm memory only grows, so this is its peak)
 *   heapUsed, external: the runtime's own figures (process.memoryUsage in Node and Bun,
 *              Deno.memoryUsage in Deno), the largest seen after the warm-up and after each
 *              batch (so a step's transient allocations are missed: the peak above has them);
 *              Node's external includes the wasm memory and typed arrays, Deno's the typed
 *              arrays only, Bun's heapUsed includes its external
 *   counted    wasm + jsOutsideWasm, the JS side's heapUsed + external less the wasm memory
 *              (Node and Deno; null in Bun, whose figures do not separate it: jsOutsideWasm)
 *   input      the input arrays (T x batch x nIn float64; one array for direct coding)
 *
 *   npx tsx bench/onb.ts --case onb --n 512 --method bptt [--T 500] [--batch 16] [--rounds 1]
 *   npx deno run -A bench/onb.ts ...      npx bun bench/onb.ts ...
 */
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";

const memories = new Set<WebAssembly.Memory>();
{
  // Every WebAssembly memory the library instantiates (exported, or imported from the host),
  // to read its size: patched before the library is imported below.
  const Instance = WebAssembly.Instance;
  const Tracked = function (m: WebAssembly.Module, imports?: WebAssembly.Imports) {
    const inst = new Instance(m, imports);
    const found = [inst.exports, ...Object.values(imports ?? {})].flatMap((o) => Object.values(o));
    for (const v of found) if (v instanceof WebAssembly.Memory) memories.add(v);
    return inst;
  };
  Tracked.prototype = Instance.prototype;
  (WebAssembly as { Instance: unknown }).Instance = Tracked;
}

const { backendByName } = await import("../src/backend/select.ts");
const { lifMethod } = await import("../src/lif/methods.ts");
const { initLifNetwork } = await import("../src/lif/network.ts");
const { Rng } = await import("../src/nn/rng.ts");
const { createLifStep } = await import("../src/steps/lif/select.ts");
const { wasmLifUnsupported } = await import("../src/steps/lif/wasm.ts");

const arg = (name: string, dflt: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : dflt;
};
const which = arg("case", "onb"), method = arg("method", "bptt");
const n = Number(arg("n", "512")), T = Number(arg("T", "500"));
const batch = Number(arg("batch", which === "onb" ? "16" : "64"));
const rounds = Number(arg("rounds", "1"));
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

/** VmRSS and VmHWM of this process, in bytes. */
function rss(): { now: number; peak: number } {
  const s = readFileSync("/proc/self/status", "utf8");
  const kB = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1]) * 1024;
  return { now: kB("VmRSS"), peak: kB("VmHWM") };
}

/** The runtime's memory figures: Deno.memoryUsage in Deno, process.memoryUsage elsewhere. */
function usage(): { heapUsed: number; external: number } {
  const d = (globalThis as { Deno?: { memoryUsage(): { heapUsed: number; external: number } } })
    .Deno;
  const m = d ? d.memoryUsage() : process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external };
}

/**
 * Bytes the JS side holds outside the wasm memories, from the runtime's figures: Node counts
 * the wasm memory in external, Deno does not. Bun's figures do not separate it (its heapUsed
 * holds its external, and both counted the wasm memory and the typed arrays a varying number of
 * times here), so Bun gets none (null).
 */
function jsOutsideWasm(u: { heapUsed: number; external: number }, wasm: number): number {
  if (runtime === "deno") return u.heapUsed + u.external;
  if (runtime === "node") return u.heapUsed + u.external - wasm;
  return NaN;
}

const wasmBytes = () => [...memories].reduce((s, m) => s + m.buffer.byteLength, 0);
const MB = (b: number) => Math.round(b / 1e4) / 100;

function main() {
  try {
    writeFileSync("/proc/self/clear_refs", "5"); // reset VmHWM to VmRSS
  } catch { /* then the peak includes the imports' */ }
  const base = rss();
  const rng = new Rng(1), sizes = which === "onb" ? [n, n, 10] : [784, 512, 10];
  const nIn = sizes[0], net = initLifNetwork(sizes, rng);
  const spec = { net, method: lifMethod(method), adam: { lr: 3e-4 } };
  const fused = wasmLifUnsupported(spec) === undefined;
  const step = createLifStep(backendByName("wasm"), spec);
  const input = () => Float64Array.from({ length: batch * nIn }, () => rng.uniform());
  const direct = which === "onb" ? undefined : input();
  const xs = Array.from(
    { length: T },
    () => direct ?? Float64Array.from({ length: batch * nIn }, () => rng.normal()),
  );
  const labels = Int32Array.from({ length: batch }, (_, k) => k % 10);
  let heapUsed = 0, external = 0, js = 0;
  const sample = () => {
    const u = usage();
    heapUsed = Math.max(heapUsed, u.heapUsed), external = Math.max(external, u.external);
    js = Math.max(js, jsOutsideWasm(u, wasmBytes()));
  };
  step.step(xs.slice(0, 2), labels, batch), sample(); // warm-up
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    step.step(xs, labels, batch);
    ms.push(performance.now() - t0), sample();
  }
  const end = rss(), wasm = wasmBytes();
  const sorted = ms.slice().sort((p, q) => p - q),
    inputArrays = new Set(xs).size,
    h = ms.length >> 1;
  return {
    runtime,
    case: which,
    method,
    sizes,
    T,
    batch,
    step: fused ? "fused wasm float32" : "reference float64 on the wasm kernels",
    ms: {
      runs: ms,
      min: sorted[0],
      median: ms.length % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2,
    },
    memoryMB: {
      peak: MB(end.peak - base.now),
      baseRss: MB(base.now),
      wasm: MB(wasm),
      jsOutsideWasm: runtime === "bun" ? null : MB(js),
      counted: runtime === "bun" ? null : MB(wasm + js),
      heapUsed: MB(heapUsed),
      external: MB(external),
      input: MB(inputArrays * batch * nIn * 8),
    },
  };
}

console.log(JSON.stringify(main()));
