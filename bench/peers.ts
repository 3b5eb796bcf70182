/**
 * `npm run bench:peers`: spikeproof against its peers on this machine, one run, side by side.
 * Each row alternates the two sides (A B A B) for `--rounds` rounds and reports min and median
 * of each side and the median ratio spikeproof over peer (higher is better; for
 * `safEOverOtttOConv`, a time ratio, lower is better), with the load average.
 *
 *   gemmVsTfjs         bench/gemm.ts in Node, Deno and Bun (kernel v3 vs tfjs-backend-wasm)
 *   ttfsFc2VsTorch     one ttfs-fc2 epoch (train + test, wasm) vs PyTorch's MLP epoch
 *   lifSafEVsTorch     one lif-mlp batch (784-512-10, T = 6, Adam every step), SAF-E on wasm
 *                      (the fused step, as trainLif runs it),
 *                      vs PyTorch SAF-E (and, reported beside it, PyTorch OTTT_O as the
 *                      authors' code runs it)
 *   lenet5VsTorch      one ttfs-lenet5 step (batch 64, wasm) vs PyTorch LeNet-5
 *   workers2Vs1        the fused ttfs-fc2 step over 2 workers vs 1 (images/s)
 *   safEOverOtttOConv  lif-conv step time, SAF-E over OTTT_O (authors' variant), wasm
 *
 * The PyTorch side (bench/peers/torch_peers.py) runs with /usr/bin/python3 and Debian's
 * python3-torch on OpenBLAS (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread; the
 * OPENBLAS_CORETYPE/L2_SIZE pins of this machine unset for that command), one thread; where
 * torch is absent its rows say so. `--json` makes the last stdout line one JSON object;
 * results/peers.json gets the whole report.
 *
 *   npx tsx bench/peers.ts [--rounds 3] [--data DIR] [--json]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { backendByName } from "../src/backend/select.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { type ImageSet, loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { trainTtfs } from "../src/experiments/train_ttfs.ts";
import { TwinTrainer } from "../src/experiments/twin_trainer.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { buildLayers } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { createLifStep } from "../src/steps/lif/select.ts";
import { TTFS_TRAINING, ttfsModelLayers } from "../src/ttfs/models.ts";
import { LIF_MODELS } from "../src/cli/train_lif.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name: string, dflt?: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : dflt;
};
const rounds = Number(arg("rounds", "3")), json = process.argv.includes("--json");
const med = (a: number[]) => {
  const s = a.slice().sort((p, q) => p - q), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (a: number[]) => ({ runs: a, min: Math.min(...a), median: med(a) });
const log = (s: string) => console.error(s);

/** Seconds of `f`'s work per call, over `n` calls after one warm-up. */
async function perCall(f: () => unknown, n: number): Promise<number> {
  await f();
  const t0 = performance.now();
  for (let k = 0; k < n; k++) await f();
  return (performance.now() - t0) / 1000 / n;
}

// ---------------------------------------------------------------- the PyTorch side

const PY = "/usr/bin/python3";
const torchEnv = () => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    LD_LIBRARY_PATH: "/usr/lib/x86_64-linux-gnu/openblas-pthread",
  };
  delete env.OPENBLAS_CORETYPE, delete env.OPENBLAS_L2_SIZE;
  return { ...env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
};
const torchMissing = (() => {
  const r = spawnSync(PY, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `no torch for ${PY} (apt-get install python3-torch)`;
})();

function torch(args: string[]): Record<string, unknown> {
  const script = join(root, "bench", "peers", "torch_peers.py");
  const r = spawnSync(PY, [script, ...args], { encoding: "utf8", env: torchEnv() });
  if (r.status !== 0) throw new Error(`torch_peers.py ${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

// ---------------------------------------------------------------- rows

interface Row {
  spikeproof: ReturnType<typeof stats>;
  peer: ReturnType<typeof stats>;
  ratio: number;
  unit: string;
  note?: string;
}

/** A B A B: `ours` and `theirs` return seconds; the ratio is theirs / ours (time). */
async function sideBySide(
  ours: () => Promise<number> | number,
  theirs: () => Promise<number> | number,
  unit: string,
): Promise<Row> {
  const a: number[] = [], b: number[] = [];
  for (let k = 0; k < rounds; k++) (a.push(await ours()), b.push(await theirs()));
  return { spikeproof: stats(a), peer: stats(b), ratio: med(b) / med(a), unit };
}

function gemmVsTfjs(): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const dir = mkdtempSync(join(tmpdir(), "spikeproof-peers-"));
  try {
    for (
      const [rt, cmd, pre] of [
        ["node", join(root, "node_modules", ".bin", "tsx"), []],
        ["deno", join(root, "node_modules", ".bin", "deno"), ["run", "-A"]],
        ["bun", join(root, "node_modules", ".bin", "bun"), []],
      ] as const
    ) {
      const file = join(dir, `${rt}.json`);
      const r = spawnSync(cmd, [...pre, "bench/gemm.ts", String(rounds), "--json", file], {
        cwd: root,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`bench/gemm.ts in ${rt}: ${r.stderr}`);
      log(r.stdout.trim());
      const rep = JSON.parse(readFileSync(file, "utf8"));
      out[rt] = Object.fromEntries(
        rep.rows.map((
          x: { n: number; v3OverTfjs: { median: number } },
        ) => [x.n, x.v3OverTfjs.median]),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The training and test images as raw uint8 files for the Python side. */
function rawImages(train: ImageSet, test: ImageSet, dir: string): string[] {
  const w = (name: string, a: Uint8Array) => (writeFileSync(join(dir, name), a), join(dir, name));
  return [
    "--images",
    w("train-x", train.images),
    "--labels",
    w("train-y", train.labels),
    "--count",
    String(train.count),
    "--test-images",
    w("test-x", test.images),
    "--test-labels",
    w("test-y", test.labels),
    "--test-count",
    String(test.count),
  ];
}

async function ttfsFc2VsTorch(train: ImageSet, test: ImageSet): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "spikeproof-peers-"));
  try {
    const files = rawImages(train, test, dir);
    const layers = ttfsModelLayers("ttfs-fc2", { h: 28, w: 28, c: 1 }, 10);
    const ours = () =>
      trainTtfs(train, test, {
        layers,
        ...TTFS_TRAINING,
        epochs: 1,
        seed: 0,
        backend: backendByName("wasm"),
      }).history[0].seconds;
    return await sideBySide(ours, () => torch(["mlp", ...files]).seconds as number, "s/epoch");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds per batch of a LIF method's step on the wasm backend, as trainLif picks it: the fused
 * wasm step for SAF-E on a dense net, else the reference step on the wasm kernels. */
function lifBatch(model: "lif-mlp" | "lif-conv", method: string, variant?: "official") {
  const rng = new Rng(1), T = 6, B = 64;
  const layers = model === "lif-mlp"
    ? [784, 512, 10]
    : buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"]);
  const net = initLifNetwork(layers, rng);
  const spec = { net, method: lifMethod(method), adam: { lr: 3e-4 }, variant };
  const step = createLifStep(backendByName("wasm"), spec); // trainLif's choice: fused where it can
  const x = Float64Array.from({ length: B * 784 }, () => rng.uniform());
  const xs = Array.from({ length: T }, () => x),
    labels = Int32Array.from({ length: B }, (_, k) => k % 10);
  return () => perCall(() => step.step(xs, labels, B), model === "lif-mlp" ? 4 : 2);
}

async function lenet5VsTorch(): Promise<Row> {
  const layers = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
  const tr = new TwinTrainer(layers, { seed: 0, lr: 1e-3, backend: backendByName("wasm") });
  const rng = new Rng(2), x = Float64Array.from({ length: 64 * 784 }, () => rng.uniform());
  const labels = Int32Array.from({ length: 64 }, (_, k) => k % 10);
  return await sideBySide(
    () => perCall(() => tr.step(x, labels, 64), 3),
    () => torch(["lenet5", "--steps", "20"]).seconds as number,
    "s/step",
  );
}

async function workers2Vs1(train: ImageSet): Promise<Row> {
  const order = new Rng(3).permutation(train.count);
  const batches = Array.from({ length: 20 }, (_, k) => gatherBatch(train, order, k * 64, 64));
  const epoch = (workers: number) => async () => {
    const tr = new TwinTrainer([784, 340, 10], {
      seed: 0,
      lr: 1e-3,
      backend: backendByName("wasm", { workers }),
    });
    try {
      return await perCall(() => batches.forEach((b) => tr.step(b.x, b.labels, 64)), 2);
    } finally {
      tr.close();
    }
  };
  const two = epoch(2), one = epoch(1), a: number[] = [], b: number[] = [];
  for (let k = 0; k < rounds; k++) (a.push(await two()), b.push(await one()));
  return {
    spikeproof: stats(a),
    peer: stats(b),
    ratio: med(b) / med(a),
    unit: "s/20 batches",
    note: "peer = 1 worker",
  };
}

async function main(): Promise<void> {
  const load0 = loadavg()[0], dir = arg("data", "embedded")!;
  const { train, test } = await loadFashionMnist({ dir });
  const report: Record<string, unknown> = { rounds, data: dir, node: process.version };
  log("gemm..."), (report.gemmVsTfjs = gemmVsTfjs());
  const t = torchMissing;
  const rows: Record<string, Row | string> = {};
  if (t) rows.ttfsFc2VsTorch = rows.lifSafEVsTorch = rows.lenet5VsTorch = `skipped: ${t}`;
  else {
    log("ttfs-fc2 epoch..."), (rows.ttfsFc2VsTorch = await ttfsFc2VsTorch(train, test));
    log("lif-mlp SAF-E..."),
      (rows.lifSafEVsTorch = await sideBySide(
        lifBatch("lif-mlp", "saf-e"),
        () => torch(["lif", "--method", "saf-e", "--steps", "5"]).seconds as number,
        "s/batch",
      ));
    rows.lifSafEVsTorchOtttO = await sideBySide(
      lifBatch("lif-mlp", "saf-e"),
      () => torch(["lif", "--method", "ottt", "--steps", "5"]).seconds as number,
      "s/batch",
    );
    log("lenet5..."), (rows.lenet5VsTorch = await lenet5VsTorch());
    report.torch = torch(["lenet5", "--steps", "1"]);
  }
  log("workers..."), (rows.workers2Vs1 = await workers2Vs1(train));
  log("lif-conv SAF-E / OTTT_O...");
  rows.safEOverOtttOConv = await sideBySide(
    lifBatch("lif-conv", "saf-e"),
    async () => await lifBatch("lif-conv", "ottt-o", "official")(),
    "s/batch",
  );
  const conv = rows.safEOverOtttOConv as Row;
  conv.ratio = conv.spikeproof.median / conv.peer.median,
    conv.note = "time ratio SAF-E / OTTT_O (official); lower is better";
  const load = [load0, loadavg()[0]];
  report.rows = rows, report.load = load;
  const r = (k: string) => typeof rows[k] === "string" ? null : (rows[k] as Row).ratio;
  const summary = {
    gemmVsTfjs: report.gemmVsTfjs,
    ttfsFc2VsTorch: r("ttfsFc2VsTorch"),
    lifSafEVsTorch: r("lifSafEVsTorch"),
    lenet5VsTorch: r("lenet5VsTorch"),
    workers2Vs1: r("workers2Vs1"),
    safEOverOtttOConv: r("safEOverOtttOConv"),
    load,
    blas: torchMissing
      ? null
      : "openblas (pthread build), " + ((report.torch as { config?: string[] })?.config?.[0] ?? ""),
    threads: 1,
  };
  report.summary = summary;
  await writeFileAtomic(
    join(root, "results", "peers.json"),
    JSON.stringify(report, null, 2) + "\n",
  );
  for (const [k, v] of Object.entries(rows)) {
    if (typeof v === "string") console.log(`${k}: ${v}`);
    else {console.log(
        `${k}: spikeproof ${v.spikeproof.median.toFixed(4)} (min ${
          v.spikeproof.min.toFixed(4)
        }), peer ${v.peer.median.toFixed(4)} (min ${v.peer.min.toFixed(4)}) ${v.unit}; ratio ${
          v.ratio.toFixed(3)
        }${v.note ? ` (${v.note})` : ""}`,
      );}
  }
  console.log(`load ${load.map((l) => l.toFixed(2)).join(" -> ")}`);
  if (json) console.log(JSON.stringify(summary));
}

await main();
