/**
 * Two rows of `npm run bench:peers` that measure memory, each configuration in a fresh process
 * (bench/onb.ts; peaks do not mix; what is counted: its header):
 *
 *   onb        The Open Neuromorphic SNN-framework benchmark protocol (open-neuromorphic.org,
 *              "Spiking Neural Network (SNN) Library Benchmarks", Lenz, Heckel, Shrestha,
 *              Barker, Pedersen, 2023-08-02, updated 2024-02-20; scripts in
 *              github.com/open-neuromorphic/open-neuromorphic.github.io,
 *              content/blog/spiking-neural-network-framework-benchmarking/docker/
 *              run_benchmark.py): one Linear n -> n and one LIF layer, batch 16, T = 500, for
 *              n = 512 and 4096; forward + backward time and peak memory. spikeproof runs it
 *              with BPTT (the protocol's own) and with SAF-E and OTTT_O (online: memory
 *              independent of T), createLifStep on the wasm backend, in Node, Deno and Bun;
 *              PyTorch (torch_peers.py onb) beside it. spikeproof's nets end in a readout, so
 *              its net is n -> n (LIF) -> 10 and its step includes the readout, the mixed loss
 *              and Adam (bench/onb.ts). At n = 4096 a T = 500 batch takes 30-90 s here, so
 *              spikeproof times one batch per configuration there (`rounds` at n = 512;
 *              PyTorch `rounds` at both); a configuration over `timeoutS` is reported as such.
 *   memoryVsT  Peak memory of SAF-E, OTTT_O and BPTT as T grows (the SAF paper reports SAF at
 *              0.71x OTTT's memory): lif-mlp 784-512-10, batch 64, direct coding, T = 6, 25,
 *              100, 500, in Node; per method the measured peak (bench/onb.ts) and the state
 *              floats the reference method counts (src/lif/cost.ts's CostCounter, as
 *              src/experiments/lif_cost.ts: per hidden neuron, per input and per synapse, for
 *              the whole batch), and SAF-E / OTTT_O of the peaks, of all counted state and of
 *              the neuron and input state alone (the synapse state, gradient accumulators, is
 *              the same for both). The peaks hold the weights, Adam's moments and the runtime's
 *              allocations besides the state, so at 784-512-10 they cannot resolve the
 *              difference (32768 floats at batch 64); the counted figures can. (The fused wasm
 *              step allocates the same batch buffers for both, a potential v included, so its
 *              wasm memory is the same for SAF-E and OTTT_O.)
 */
import { spawnSync } from "node:child_process";
import { backendByName } from "../src/backend/select.ts";
import { CostCounter } from "../src/lif/cost.ts";
import { LIF_METHODS } from "../src/lif/methods.ts";
import { initLifNetwork, lifParams } from "../src/lif/network.ts";
import { Rng } from "../src/nn/rng.ts";
import { log, root, RUNTIMES, torch, torchMissing } from "./peers_lib.ts";

/** A worker's JSON line (bench/onb.ts), or why there is none. */
type Measured = Record<string, unknown> & {
  ms: { median: number };
  memoryMB: Record<string, number>;
  step: string;
};

/** bench/onb.ts with `args` in runtime `rt`, in a fresh process. */
function worker(rt: string, args: string[], timeoutS: number): Measured | string {
  const [, cmd, pre] = RUNTIMES.find(([name]) => name === rt)!;
  const r = spawnSync(cmd, [...pre, "bench/onb.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutS * 1000,
    maxBuffer: 1 << 24,
  });
  if (r.signal || (r.error as { code?: string } | undefined)?.code === "ETIMEDOUT") {
    return `did not finish in ${timeoutS} s (the per-configuration limit)`;
  }
  if (r.status !== 0) throw new Error(`bench/onb.ts ${args.join(" ")} in ${rt}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const brief = (m: Measured | string) =>
  typeof m === "string" ? m : { ms: m.ms.median, peakMB: m.memoryMB.peak };

/** PyTorch's side of the onb row at n (its record pushed to `runs`): the summary entry. */
function torchOnb(n: number, rounds: number, timeoutS: number, runs: unknown[]): unknown {
  if (torchMissing) return `skipped: ${torchMissing}`;
  log(`onb n=${n} torch...`);
  let t;
  try {
    t = torch(["onb", "--n", `${n}`, "--steps", `${rounds}`], timeoutS * 1000);
  } catch (e) { // over the per-configuration limit, or failed: say so in the row
    return `failed or over ${timeoutS} s: ${String(e).slice(0, 300)}`;
  }
  const { ms, forwardMs, backwardMs, memoryMB } = t as {
    ms: { median: number };
    forwardMs: number;
    backwardMs: number;
    memoryMB: { peak: number };
  };
  runs.push({ side: "torch", ...t, config: undefined });
  return { ms: ms.median, forwardMs, backwardMs, peakMB: memoryMB.peak };
}

/** Options of {@link onbRow}. */
export interface OnbOptions {
  rounds: number;
  sizes?: number[];
  methods?: string[];
  runtimes?: string[];
  timeoutS?: number;
}

/** The Open Neuromorphic protocol row: full records and the summary (ms and peak MB). */
export function onbRow(o: OnbOptions): {
  note: string;
  runs: unknown[];
  summary: Record<string, unknown>;
} {
  const { rounds, sizes = [512, 4096], timeoutS = 300 } = o;
  const methods = o.methods ?? ["bptt", "saf-e", "ottt-o"];
  const runtimes = o.runtimes ?? RUNTIMES.map(([name]) => name);
  const runs: unknown[] = [], summary: Record<string, Record<string, unknown>> = { torch: {} };
  for (const rt of runtimes) summary[rt] = {};
  for (const n of sizes) {
    summary.torch[n] = torchOnb(n, rounds, timeoutS, runs);
    const r = n >= 4096 ? 1 : rounds; // a T = 500 batch at n = 4096 takes 30-90 s here
    for (const rt of runtimes) {
      const row: Record<string, unknown> = {};
      for (const method of methods) {
        log(`onb n=${n} ${rt} ${method}...`);
        const args = ["--case", "onb", "--n", `${n}`, "--method", method, "--rounds", `${r}`];
        const m = worker(rt, args, timeoutS);
        runs.push(typeof m === "string" ? { runtime: rt, n, method, error: m } : m);
        row[method] = brief(m);
      }
      summary[rt][n] = row;
    }
  }
  const note = "spikeproof: n -> n (LIF) -> 10, mixed loss at every step, Adam (every step for " +
    "saf-e and ottt-o, once for bptt), createLifStep on wasm (bench/onb.ts), one timed batch at " +
    "n >= 4096; torch: Linear n -> n and LIF, loss = spikes.sum(), no optimizer, one thread; " +
    "peak MB on both sides: VmHWM - VmRSS after a reset through /proc/self/clear_refs";
  return { note, runs, summary };
}

/** State floats the reference method counts for lif-mlp at T and `batch` (linear in batch). */
function countedState(method: string, T: number, batch: number) {
  const count = (b: number) => {
    const rng = new Rng(1), net = initLifNetwork([784, 512, 10], rng), cost = new CostCounter();
    const x = Float64Array.from({ length: b * 784 }, () => rng.uniform());
    LIF_METHODS[method].gradients(
      net,
      Array.from({ length: T }, () => x),
      Int32Array.from({ length: b }, (_, k) => k % 10),
      b,
      { backend: backendByName("wasm"), cost, variant: "trace", otttForward: "lean" },
    );
    return cost.snapshot();
  };
  const one = count(1),
    two = count(2),
    synapses = lifParams(initLifNetwork([784, 512, 10], new Rng(1)))
      .reduce((s, p) => s + p.length, 0);
  const at = (k: "neuronStateFloats" | "inputStateFloats") =>
    one[k] + (batch - 1) * (two[k] - one[k]);
  const neuron = at("neuronStateFloats"), input = at("inputStateFloats");
  const synapse = one.synapseStateFloats;
  return {
    perNeuron: neuron / batch / 512,
    perInput: input / batch / 784,
    perSynapse: synapse / synapses,
    neuronAndInput: neuron + input,
    total: neuron + input + synapse,
  };
}

/** Options of {@link memoryVsTRow}. */
export interface MemoryVsTOptions {
  Ts?: number[];
  batch?: number;
  methods?: string[];
  runtime?: string;
  timeoutS?: number;
}

/** What {@link memoryVsTRow} returns. */
export interface MemoryVsT {
  model: string;
  batch: number;
  runtime: string;
  coding: string;
  rows: Record<string, unknown>[];
}

/** Peak memory of SAF-E, OTTT_O and BPTT on lif-mlp as T grows, measured and counted. */
export function memoryVsTRow(o: MemoryVsTOptions = {}): MemoryVsT {
  const { Ts = [6, 25, 100, 500], batch = 64, runtime = "node", timeoutS = 300 } = o;
  const methods = o.methods ?? ["saf-e", "ottt-o", "bptt"];
  const rows = Ts.map((T) => {
    const row: Record<string, unknown> = { T };
    for (const method of methods) {
      log(`memoryVsT T=${T} ${method}...`);
      const args = ["--case", "lif-mlp", "--T", `${T}`, "--batch", `${batch}`, "--method", method];
      const m = worker(runtime, args, timeoutS), state = countedState(method, T, batch);
      const bytes = typeof m !== "string" && m.step.startsWith("fused") ? 4 : 8;
      row[method] = typeof m === "string" ? { error: m, stateFloats: state } : {
        peakMB: m.memoryMB.peak,
        countedMB: m.memoryMB.counted,
        wasmMB: m.memoryMB.wasm,
        ms: m.ms.median,
        step: m.step,
        stateFloats: state,
        stateMB: Math.round(state.total * bytes / 1e4) / 100,
      };
    }
    type R = { peakMB?: number; stateFloats: { total: number; neuronAndInput: number } };
    const s = row["saf-e"] as R | undefined, t = row["ottt-o"] as R | undefined;
    if (s && t) {
      row.safEOverOtttO = {
        peak: s.peakMB && t.peakMB ? s.peakMB / t.peakMB : null,
        stateFloats: s.stateFloats.total / t.stateFloats.total,
        neuronAndInputState: s.stateFloats.neuronAndInput / t.stateFloats.neuronAndInput,
      };
    }
    return row;
  });
  return { model: "lif-mlp 784-512-10", batch, runtime, coding: "direct", rows };
}

/** Per T: each method's peak MB and counted state floats, and SAF-E / OTTT_O of both. */
export function memoryVsTSummary(m: MemoryVsT): Record<string, unknown> {
  return {
    batch: m.batch,
    rows: m.rows.map((row) => {
      const out: Record<string, unknown> = { T: row.T, safEOverOtttO: row.safEOverOtttO };
      for (const [k, v] of Object.entries(row)) {
        const r = v as { peakMB?: number; error?: string; stateFloats?: { total: number } };
        if (typeof r?.stateFloats === "object") { // a method's record
          out[k] = { peakMB: r.peakMB ?? r.error, stateFloats: r.stateFloats.total };
        }
      }
      return out;
    }),
  };
}
