/**
 * Batch-parallel training steps over worker threads (`node:worker_threads`, which Node, Deno
 * and Bun all provide). Participant 0 is the calling thread, 1..n-1 are workers; each takes rows
 * [floor(w B / n), floor((w + 1) B / n)) of the batch, dense or conv alike.
 *
 * Threads inside wasm: every participant's core is an instance of the shared-memory build on
 * one `WebAssembly.Memory` (shared), laid out as
 *
 *   [static data] P_0  M  V  P_1 ... P_{H-1}  G_0 ... G_{n-1}  arena_1 ... arena_{n-1}  arena_0
 *
 * The parameters (both models') have H = `HOMES` shared copies: Adam's step t reads copy
 * t - 1 mod H and writes copy t mod H, so no core writes lines another core has just read
 * (its pull of the last steps' copies). Adam's moments M, V exist once. Each participant reads
 * its own copy of the parameters, refreshed by one sequential copy after every step
 * (`TwinCore.pullShared`), writes its conv layers' gradients into its own G_w and allocates its
 * scratch in its own arena (fenced; the caller's is last and may grow the memory for
 * evaluation). A step, k = 1, 2, ...:
 *   1. the caller writes the workers' rows and labels into a SharedArrayBuffer and bumps SEQ;
 *   2. everyone waits until all have taken step k - 1's Adam step (DONE), pulls the
 *      parameters, runs the forward and backward pass of its rows (conv layers' gradients
 *      into G_w, dense layers' operands kept: `wasm_ranges.ts`), then arrives (ARRIVED);
 *   3. participant w forms the summed gradient on the parameter ranges it owns
 *      (`wasm_ranges.ts`: dense layers from everyone's rows, conv layers as G_0 += G_1 + ...
 *      + G_{n-1} in this order), posts the ranges' sums of squares per layer (SUMS; the
 *      gradient norms' terms, added in participant order by the caller), takes Adam's step
 *      there (elementwise) and posts DONE; the caller returns once every SUMS is in.
 * Nothing is copied between threads but the batch, a few figures and the parameters, the
 * gradient and Adam are split n ways, and the sums run in a fixed order, so a run is
 * bit-identical for a given worker count (and, on dense nets, equal to one thread's but for
 * the order of the bias sums' Adam lanes). The control buffer, its waits and barriers are in
 * `wasm_sync.ts`; one participant's side of a step in `wasm_participant.ts`.
 *
 * @module
 */
import process from "node:process";
import { Worker } from "node:worker_threads";
import { checkStep, type StepHyper, type TwinStepRunner } from "./step.ts";
import { ShapeError, SpikeproofError } from "../../errors.ts";
import { sharedCoreMemory } from "../../backend/wasm/core.ts";
import type { LayerGeometry } from "../../nn/layer.ts";
import { TwinCore } from "./wasm_core.ts";
import type { WasmTwinStepSpec } from "./wasm.ts";
import {
  BATCH,
  readShare,
  readSums,
  READY,
  rowsOf,
  SEQ,
  stepResult,
  SUMS,
  type Views,
  views,
  waitFor,
} from "./wasm_sync.ts";
import { gradNorms, normTerms, rangeBytes } from "./wasm_ranges.ts";
import { type Participant, participant, settle, share } from "./wasm_participant.ts";

/**
 * Shared copies of the parameters that Adam's steps write in turn. A core's write to lines that
 * the other core holds (it pulled them) waits until they are taken back from it: Adam's step on
 * half of ttfs-fc2 (135k floats, Node, 2 workers) took 0.23-0.25 ms with one copy, 0.18-0.20
 * with two, 0.14-0.18 with four, and 0.07 without any pull (wrong results; the bound).
 */
export const HOMES = 4;

/** What a worker is started with. */
interface WorkerInit {
  sab: SharedArrayBuffer;
  w: number;
  n: number;
  cap: number;
  sizes: number[];
  /** The layers, where the network has conv layers (`WasmTwinStepSpec.layers`). */
  layers?: LayerGeometry[];
  adam: StepHyper;
  t: number;
  /** Whether the twin trains (`TwinStepSpec.twin`). */
  twin: boolean;
  /** This worker's places on the shared memory. */
  layout: SharedTwinLayout;
}

/**
 * Where one participant of a data-parallel step lives on a shared memory: the byte offsets of
 * the shared parameters (P) and Adam moments (M, V), of its own gradients (G), and its arena
 * [arena, end) (end 0: unbounded, the memory may grow: the caller's, placed last).
 */
export interface SharedTwinLayout {
  /** The shared memory (`sharedCoreMemory`). */
  memory: WebAssembly.Memory;
  /** Byte offsets of the parameters' shared copies (Adam writes them in turn, `HOMES`). */
  P: number[];
  /** Byte offset of Adam's first moments. */
  M: number;
  /** Byte offset of Adam's second moments. */
  V: number;
  /** Byte offset of this participant's gradients. */
  G: number;
  /** First byte of this participant's arena. */
  arena: number;
  /** End of its arena (0: none). */
  end: number;
}

/** The gradient buffers' offsets: G_w of participant w (in every participant's layout). */
const gradientsOf = (layouts: SharedTwinLayout[]) => layouts.map((l) => l.G);

/** A worker's loop (run by wasm_worker.ts): wait for a step, compute its rows, exchange. */
export function runWorker(init: WorkerInit & { G: number[] }): void {
  const { sab, w, n, cap, sizes } = init;
  const core = new TwinCore(init.layers ?? sizes, init.adam, init.twin, init.layout);
  core.t = init.t;
  core.pullShared(); // the caller loaded them
  const v = views(sab, n, cap, sizes, normTerms(core)) as Views, nIn = sizes[0];
  const me = participant(core, init.G, v, w, n);
  Atomics.add(v.ctl, READY, 1);
  Atomics.notify(v.ctl, READY);
  for (let k = 1;; k++) {
    if (waitFor(v.ctl, SEQ, (s) => s === k || s < 0) < 0) return;
    const B = Atomics.load(v.ctl, BATCH), [r0, r1] = rowsOf(w, n, B);
    const x = v.x.subarray(r0 * nIn, r1 * nIn), labels = v.labels.subarray(r0, r1);
    share(me, k, x, labels, r1 - r0, B);
  }
}

/** Where Node needs tsx to load a TypeScript worker (Deno, Bun and Node >= 22.18 do not). */
function tsxApi(): string | undefined {
  const p = process as unknown as {
    versions: Record<string, string>;
    features: { typescript?: unknown };
  };
  if (p.versions.deno || p.versions.bun || p.features?.typescript) return undefined;
  return import.meta.resolve("tsx/esm/api");
}

/**
 * The shared memory of n participants for batches up to `cap` rows, with every participant's
 * layout (module doc); `probe` (a loaded private core) measures the arena a share needs.
 */
function sharedLayouts(probe: TwinCore, n: number, cap: number): SharedTwinLayout[] {
  const bytes = Math.ceil((probe.length * 4) / 16) * 16;
  // a share's scratch (measured by running one) and the thread's own copy of P
  const rows = Math.ceil(cap / n), ranges = rangeBytes(probe, cap);
  const arena = Math.ceil((probe.arenaBytes(rows) + ranges + bytes + 1024) / 16) * 16;
  // above the core's static data (both builds hold the same; `start` checks)
  const base = Math.ceil((probe.core.exports.heapBase() + 64) / 16) * 16;
  const G = (w: number) => base + (2 + HOMES + w) * bytes,
    arenaOf = (w: number) => G(n) + (w - 1) * arena;
  const first = G(n) + (n - 1) * arena, memory = sharedCoreMemory(first + arena);
  const layout = (w: number): SharedTwinLayout => ({
    memory,
    P: Array.from({ length: HOMES }, (_, c) => base + (c === 0 ? 0 : 2 + c) * bytes),
    M: base + bytes,
    V: base + 2 * bytes,
    G: G(w),
    arena: w === 0 ? first : arenaOf(w),
    end: w === 0 ? 0 : arenaOf(w) + arena,
  });
  return Array.from({ length: n }, (_, w) => layout(w));
}

/** Starts n - 1 workers on the shared memory of `layouts`; returns them and the views. */
function startWorkers(
  core: TwinCore,
  spec: WasmTwinStepSpec,
  layouts: SharedTwinLayout[],
  cap: number,
): { v: Views; workers: Worker[] } {
  const n = layouts.length, { sizes } = spec, G = gradientsOf(layouts);
  const sums = normTerms(core);
  const sab = new SharedArrayBuffer(views(null, n, cap, sizes, sums).bytes);
  const v = views(sab, n, cap, sizes, sums) as Views;
  const boot = new URL("./worker_boot.mjs", import.meta.url);
  // dist/ (npm run build) holds wasm_worker.js beside this file as .js; the sources are .ts
  const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
  const entry = new URL(`./wasm_worker.${ext}`, import.meta.url).href;
  const api = ext === "ts" ? tsxApi() : undefined;
  const layers = spec.layers?.map(({ nIn, nOut, conv, pool }) => ({ nIn, nOut, conv, pool }));
  const workers = layouts.slice(1).map((layout, i) => {
    const init = {
      ...{ sab, w: i + 1, n, cap, sizes, layers, adam: spec.adam, t: core.t },
      ...{ twin: core.twin, layout, G },
    };
    const worker = new Worker(boot, { workerData: { init, entry, tsxApi: api } });
    worker.unref();
    return worker;
  });
  waitFor(v.ctl, READY, (r) => r === n - 1);
  return { v, workers };
}

/**
 * The runner over `n` participants, from `probe`: the loaded private core that serves until the
 * first step, whose batch size fixes the shared memory's layout.
 */
export function createWorkerTwinStep(
  probe: TwinCore,
  spec: WasmTwinStepSpec,
  n: number,
): TwinStepRunner {
  const { sizes } = spec, nIn = sizes[0];
  let pool: { v: Views; cap: number; me: Participant } | undefined;
  let core = probe, k = 0, closed = false;
  const start = (cap: number) => {
    const layouts = sharedLayouts(probe, n, cap);
    const own = new TwinCore(spec.layers ?? sizes, spec.adam, probe.twin, layouts[0]);
    if (own.core.exports.heapBase() > layouts[0].P[0]) {
      throw new SpikeproofError("the shared core's static data overlaps its parameters");
    }
    own.load(spec.snn, spec.twin), (own.t = probe.t), (core = own);
    const { v } = startWorkers(own, spec, layouts, cap);
    return { v, cap, me: participant(own, gradientsOf(layouts), v, 0, n) };
  };
  return {
    twinTrained: probe.twin,
    step(x, labels, batch) {
      if (closed) throw new SpikeproofError("this training step runner is closed");
      checkStep(sizes, x, labels, batch);
      pool ??= start(batch);
      if (batch > pool.cap) {
        throw new ShapeError(
          `batch ${batch} is larger than this runner's first batch (${pool.cap})`,
        );
      }
      const { v } = pool, [, r1] = rowsOf(0, n, batch);
      v.x.set(x.subarray(r1 * nIn, batch * nIn), r1 * nIn);
      for (let b = r1; b < batch; b++) v.labels[b] = labels[b];
      Atomics.store(v.ctl, BATCH, batch);
      Atomics.store(v.ctl, SEQ, ++k);
      Atomics.notify(v.ctl, SEQ);
      const own = share(pool.me, k, x, labels, r1, batch);
      waitFor(v.ctl, SUMS, (a) => a >= n * k); // everyone's figures and norm terms posted
      const shares = [own, ...Array.from({ length: n - 1 }, (_, i) => readShare(v, i + 1))];
      return stepResult(shares, batch, gradNorms(core, readSums(v, n)));
    },
    forward(x, batch) {
      if (pool) settle(pool.me, k);
      return core.forward(x, batch);
    },
    read({ snn, twin }) {
      if (pool) settle(pool.me, k);
      core.read(snn, twin);
    },
    close() {
      closed = true;
      if (pool) Atomics.store(pool.v.ctl, SEQ, -1), Atomics.notify(pool.v.ctl, SEQ);
    },
  };
}
