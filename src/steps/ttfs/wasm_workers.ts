/**
 * Batch-parallel training steps over worker threads (`node:worker_threads`, which Node, Deno
 * and Bun all provide). Participant 0 is the calling thread, 1..n-1 are workers; each holds
 * its own TwinCore replica and takes rows [floor(w B / n), floor((w + 1) B / n)) of the batch.
 *
 * One SharedArrayBuffer carries everything, double-buffered by step parity so that a step
 * needs a single barrier: the caller writes the workers' rows and bumps SEQ; everyone computes
 * its gradients, copies them into its slot and arrives; then every replica sums the slots in
 * the same order (slot 0 + slot 1 + ...; float addition is commutative, so the sums agree bit
 * for bit) and takes the same Adam step. The replicas therefore stay identical, and reading
 * the parameters needs no worker. Waits are Atomics.wait with a short timeout, in a loop.
 * Conv networks split the same way (each replica's TwinCore is built from the layers).
 *
 * @module
 */
import process from "node:process";
import { Worker } from "node:worker_threads";
import { checkStep, type StepHyper, type TwinStepRunner, type TwinStepSpec } from "./step.ts";
import { ShapeError, SpikeproofError } from "../../errors.ts";
import type { LayerGeometry } from "../../nn/layer.ts";
import { stepResult, TwinCore, type TwinShare } from "./wasm_core.ts";

const SEQ = 0, ARRIVED = 1, READY = 2, FAILED = 3, BATCH = 4;

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
  params: Float32Array;
  /** Whether the twin trains (`TwinStepSpec.twin`). */
  twin: boolean;
}

/** Typed views of the shared buffer (the same layout on every thread); without a buffer,
 * empty views and the size it needs. */
function views(
  sab: SharedArrayBuffer | null,
  n: number,
  cap: number,
  sizes: number[],
  length: number,
) {
  const nIn = sizes[0], per = 4 + sizes.length - 2;
  let o = 64;
  const at = (bytes: number) => ((o += Math.ceil(bytes / 16) * 16), o - Math.ceil(bytes / 16) * 16);
  const f32 = (
    len: number,
  ) => (sab ? new Float32Array(sab, at(len * 4), len) : (at(len * 4), new Float32Array(0)));
  const stats = sab
    ? new Float64Array(sab, at(n * per * 8), n * per)
    : (at(n * per * 8), new Float64Array(0));
  const i32 = (len: number) => {
    const a = f32(len);
    return new Int32Array(a.buffer, a.byteOffset, a.length);
  };
  const parity = [0, 1].map(() => ({
    x: f32(cap * nIn),
    labels: i32(cap),
    slots: Array.from({ length: n }, () => f32(length)),
  }));
  return {
    ctl: new Int32Array(sab ?? new SharedArrayBuffer(64), 0, 16),
    stats,
    per,
    parity,
    bytes: o,
  };
}

/** Waits until ctl[i] satisfies `ok`; throws if a worker failed. */
function waitFor(ctl: Int32Array, i: number, ok: (v: number) => boolean): number {
  for (;;) {
    const v = Atomics.load(ctl, i);
    if (ok(v)) return v;
    if (Atomics.load(ctl, FAILED)) {
      throw new SpikeproofError("a training worker failed (see its error above)");
    }
    Atomics.wait(ctl, i, v, 20);
  }
}

const rowsOf = (
  w: number,
  n: number,
  B: number,
) => [Math.floor((w * B) / n), Math.floor(((w + 1) * B) / n)];

/** Participant w's part of step k after its gradients are in G: publish, sum, Adam. */
function exchange(
  core: TwinCore,
  v: ReturnType<typeof views>,
  w: number,
  n: number,
  k: number,
): number {
  const slots = v.parity[k & 1].slots, f = () => core.core.f32(), ex = core.core.exports;
  slots[w].set(core.view(core.G));
  Atomics.add(v.ctl, ARRIVED, 1);
  Atomics.notify(v.ctl, ARRIVED);
  waitFor(v.ctl, ARRIVED, (a) => a >= n * k);
  // sum = slot 0 + slot 1 + ... in this order on every replica
  const sum = w === 0 ? core.G : core.A;
  if (w !== 0) f().set(slots[0], core.A / 4);
  for (let s = 1; s < n; s++) {
    if (s !== w) f().set(slots[s], core.T / 4);
    ex.addInto(sum, s === w ? core.G : core.T, core.length);
  }
  core.adam(sum);
  return sum;
}

function writeShare(v: ReturnType<typeof views>, w: number, s: TwinShare): void {
  v.stats.set([s.loss, s.twinLoss, s.correct, s.twinCorrect, ...s.maxActivation], w * v.per);
}

function readShare(v: ReturnType<typeof views>, w: number): TwinShare {
  const r = v.stats.subarray(w * v.per, (w + 1) * v.per);
  return {
    loss: r[0],
    twinLoss: r[1],
    correct: r[2],
    twinCorrect: r[3],
    maxActivation: [...r.subarray(4)],
  };
}

/** A worker's loop (run by wasm_worker.ts): wait for a step, compute its rows, exchange. */
export function runWorker(init: WorkerInit): void {
  const { sab, w, n, cap, sizes } = init;
  const core = new TwinCore(init.layers ?? sizes, init.adam, init.twin);
  core.view(core.P).set(init.params);
  core.t = init.t;
  const v = views(sab, n, cap, sizes, core.length), nIn = sizes[0];
  Atomics.add(v.ctl, READY, 1);
  Atomics.notify(v.ctl, READY);
  for (let k = 1;; k++) {
    if (waitFor(v.ctl, SEQ, (s) => s === k || s < 0) < 0) return;
    const B = Atomics.load(v.ctl, BATCH), [r0, r1] = rowsOf(w, n, B), io = v.parity[k & 1];
    const share = core.gradients(
      io.x.subarray(r0 * nIn, r1 * nIn),
      io.labels.subarray(r0, r1),
      r1 - r0,
      B,
    );
    writeShare(v, w, share);
    exchange(core, v, w, n, k);
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

/** The runner over `n` participants; `core` (participant 0) is already loaded. */
export function createWorkerTwinStep(
  core: TwinCore,
  spec: TwinStepSpec & { layers?: LayerGeometry[] },
  n: number,
): TwinStepRunner {
  const { sizes } = spec, nIn = sizes[0];
  let pool: { v: ReturnType<typeof views>; cap: number; workers: Worker[] } | undefined;
  let k = 0, closed = false;
  const start = (cap: number) => {
    const sab = new SharedArrayBuffer(views(null, n, cap, sizes, core.length).bytes);
    const v = views(sab, n, cap, sizes, core.length), params = core.view(core.P).slice();
    const boot = new URL("./worker_boot.mjs", import.meta.url);
    // dist/ (npm run build) holds wasm_worker.js beside this file as .js; the sources are .ts
    const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
    const entry = new URL(`./wasm_worker.${ext}`, import.meta.url).href;
    const api = ext === "ts" ? tsxApi() : undefined;
    const workers = Array.from({ length: n - 1 }, (_, i) => {
      const init: WorkerInit = {
        sab,
        w: i + 1,
        n,
        cap,
        sizes,
        layers: spec.layers?.map(({ nIn, nOut, conv, pool }) => ({ nIn, nOut, conv, pool })),
        adam: spec.adam,
        t: core.t,
        params,
        twin: core.twin,
      };
      const worker = new Worker(boot, { workerData: { init, entry, tsxApi: api } });
      worker.unref();
      return worker;
    });
    waitFor(v.ctl, READY, (r) => r === n - 1);
    return { v, cap, workers };
  };
  return {
    twinTrained: core.twin,
    step(x, labels, batch) {
      if (closed) throw new SpikeproofError("this training step runner is closed");
      checkStep(sizes, x, labels, batch);
      pool ??= start(batch);
      if (batch > pool.cap) {
        throw new ShapeError(
          `batch ${batch} is larger than this runner's first batch (${pool.cap})`,
        );
      }
      const { v } = pool, io = v.parity[++k & 1], [, r1] = rowsOf(0, n, batch);
      io.x.set(x.subarray(r1 * nIn, batch * nIn), r1 * nIn);
      for (let b = r1; b < batch; b++) io.labels[b] = labels[b];
      Atomics.store(v.ctl, BATCH, batch);
      Atomics.store(v.ctl, SEQ, k);
      Atomics.notify(v.ctl, SEQ);
      const own = core.gradients(x, labels, r1, batch);
      const sum = exchange(core, v, 0, n, k);
      const shares = [own, ...Array.from({ length: n - 1 }, (_, i) => readShare(v, i + 1))];
      return stepResult(shares, batch, core.gradNorms(sum));
    },
    forward: (x, batch) => core.forward(x, batch), // the caller's replica is as good as any
    read: ({ snn, twin }) => core.read(snn, twin),
    close() {
      closed = true;
      if (pool) Atomics.store(pool.v.ctl, SEQ, -1), Atomics.notify(pool.v.ctl, SEQ);
    },
  };
}
