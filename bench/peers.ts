/**
 * `npm run bench:peers`: spikeproof against its peers on this machine, one run, side by side.
 * Each row alternates the two sides (A B A B) for `--rounds` rounds and reports min and median
 * of each side and the median ratio spikeproof over peer (higher is better; for
 * `safEOverOtttOConv`, a time ratio, lower is better), with the load average. The memory rows
 * (onb, memoryVsT) run each configuration once in a fresh process instead (peaks must not mix).
 * `--help` lists the rows; `--only` takes their JSON keys.
 *
 *   gemmVsTfjs         bench/gemm.ts in Node, Deno and Bun (kernel v3 vs tfjs-backend-wasm)
 *   ttfsFc2VsTorch     one ttfs-fc2 epoch (train + test, wasm) vs PyTorch's MLP epoch
 *   lifSafEVsTorch     one lif-mlp batch (784-512-10, T = 6, Adam every step), SAF-E on wasm
 *                      (the fused step, as trainLif runs it),
 *                      vs PyTorch SAF-E (and, reported beside it, PyTorch OTTT_O as the
 *                      authors' code runs it)
 *   lenet5VsTorch      one ttfs-lenet5 step (batch 64, wasm) vs PyTorch LeNet-5
 *   workers2Vs1        bench/workers.ts in Node, Deno and Bun: the fused ttfs-fc2 step (batch
 *                      64) over 2 workers vs 1 thread, images/s, alternating
 *   safEOverOtttOConv  lif-conv step time (batch 64, T = 6), fused wasm SAF-E over fused OTTT_O
 *                      as the authors run it (official variant, Replace's two products per
 *                      layer and step); beside it (safEOverOtttOConvLean) over spikeproof's
 *                      one-product OTTT_O
 *   onb                the Open Neuromorphic SNN-library benchmark protocol (Linear n -> n and
 *                      LIF, batch 16, T = 500, n = 512 and 4096): forward+backward ms and
 *                      peak MB of BPTT, SAF-E and OTTT_O in Node, Deno and Bun, and PyTorch's
 *                      BPTT (bench/peers_memory.ts, bench/onb.ts)
 *   memoryVsT          peak memory of SAF-E, OTTT_O and BPTT on lif-mlp for T = 6..500,
 *                      measured and counted, and SAF-E / OTTT_O (bench/peers_memory.ts)
 *
 * The PyTorch side (bench/peers/torch_peers.py) runs with /usr/bin/python3 and Debian's
 * python3-torch on OpenBLAS (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread; the
 * OPENBLAS_CORETYPE/L2_SIZE pins of this machine unset for that command), one thread; where
 * torch is absent its rows say so. `--json` makes the last stdout line one JSON object;
 * results/peers.json gets the whole report (`--out FILE` elsewhere; with `--only`, which runs
 * the named rows alone, nothing is written unless `--out` is given).
 *
 *   npx tsx bench/peers.ts [--rounds 3] [--data DIR] [--json] [--only ROW[,ROW]] [--out FILE]
 *                          [--onb-n 512,4096]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { backendByName } from "../src/backend/select.ts";
import { type ImageSet, loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { trainTtfs } from "../src/experiments/train_ttfs.ts";
import { TwinTrainer } from "../src/experiments/twin_trainer.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork } from "../src/lif/network.ts";
import { buildLayers } from "../src/nn/architecture.ts";
import { Rng } from "../src/nn/rng.ts";
import { createLifStep } from "../src/steps/lif/select.ts";
import { createWasmLifStep } from "../src/steps/lif/wasm.ts";
import { TTFS_TRAINING, ttfsModelLayers } from "../src/ttfs/models.ts";
import { LIF_MODELS } from "../src/cli/train_lif.ts";
import {
  arg,
  log,
  perCall,
  rawImages,
  root,
  type Row,
  RUNTIMES,
  sideBySide as alternate,
  torch,
  torchMissing,
} from "./peers_lib.ts";
import { type MemoryVsT, memoryVsTRow, memoryVsTSummary, onbRow } from "./peers_memory.ts";

const ROWS = [
  "gemmVsTfjs",
  "ttfsFc2VsTorch",
  "lifSafEVsTorch",
  "lenet5VsTorch",
  "workers2Vs1",
  "safEOverOtttOConv",
  "onb",
  "memoryVsT",
];
if (process.argv.includes("--help")) {
  console.log(
    "npx tsx bench/peers.ts [--rounds 3] [--data DIR] [--json] [--only ROW[,ROW]] [--out FILE]\n" +
      "  [--onb-n 512,4096] (the onb row's sizes n)\n" +
      `rows (JSON keys): ${ROWS.join(", ")}\n` +
      "--only runs the named rows alone and writes no report unless --out FILE is given;\n" +
      "otherwise the report goes to --out (default results/peers.json).",
  );
  process.exit(0);
}
const rounds = Number(arg("rounds", "3")), json = process.argv.includes("--json");
const only = arg("only")?.split(",");
const unknownRows = only?.filter((r) => !ROWS.includes(r)) ?? [];
if (unknownRows.length) throw new Error(`unknown rows ${unknownRows}; known: ${ROWS.join(", ")}`);
const runs = (row: string) => !only || only.includes(row);
const out = arg("out", only ? undefined : join(root, "results", "peers.json"));
const sideBySide = (
  ours: () => Promise<number> | number,
  theirs: () => Promise<number> | number,
  unit: string,
) => alternate(rounds, ours, theirs, unit);

/** Runs `script --json FILE ...args` in Node, Deno and Bun; `pick` reads each report. */
function inRuntimes<T>(
  script: string,
  args: string[],
  pick: (report: never) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  const dir = mkdtempSync(join(tmpdir(), "spikeproof-peers-"));
  try {
    for (const [rt, cmd, pre] of RUNTIMES) {
      const file = join(dir, `${rt}.json`);
      const r = spawnSync(cmd, [...pre, script, ...args, "--json", file], {
        cwd: root,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`${script} in ${rt}: ${r.stderr}`);
      log(r.stdout.trim());
      out[rt] = pick(JSON.parse(readFileSync(file, "utf8")) as never);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const gemmVsTfjs = () =>
  inRuntimes(
    "bench/gemm.ts",
    [String(rounds)],
    (rep: { rows: GemmRow[] }) =>
      Object.fromEntries(rep.rows.map((x) => [x.n, x.v3OverTfjs.median])),
  );
type GemmRow = { n: number; v3OverTfjs: { median: number } };

/** bench/workers.ts (ttfs-fc2, batch 64, 2 workers vs 1 thread, alternating) per runtime. */
const workers2Vs1 = () =>
  inRuntimes(
    "bench/workers.ts",
    ["--rounds", String(rounds)],
    (rep: { ratio: { median: number; min: number }; load: number[] }) => rep.ratio.median,
  );

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

/** Seconds per batch of a LIF method's step on the wasm backend, as trainLif picks it (the
 * fused wasm step); with `otttForward: "replace"`, the fused OTTT step that also runs the
 * authors' second product W a_hat_in + k b per layer and step (their cost, the same results). */
function lifBatch(
  model: "lif-mlp" | "lif-conv",
  method: string,
  o: { variant?: "official"; otttForward?: "replace" } = {},
) {
  const rng = new Rng(1), T = 6, B = 64;
  const layers = model === "lif-mlp"
    ? [784, 512, 10]
    : buildLayers({ h: 28, w: 28, c: 1 }, LIF_MODELS["lif-conv"]);
  const net = initLifNetwork(layers, rng);
  const spec = { net, method: lifMethod(method), adam: { lr: 3e-4 }, variant: o.variant };
  const step = o.otttForward
    ? createWasmLifStep({ ...spec, otttForward: o.otttForward })
    : createLifStep(backendByName("wasm"), spec); // trainLif's choice: fused where it can
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

/** The PyTorch rows (ttfsFc2VsTorch, lifSafEVsTorch and its OTTT_O twin, lenet5VsTorch). */
async function torchRows(rows: Record<string, Row | string>, data?: Data): Promise<void> {
  const names = ["ttfsFc2VsTorch", "lifSafEVsTorch", "lenet5VsTorch"].filter(runs);
  if (torchMissing) return names.forEach((k) => (rows[k] = `skipped: ${torchMissing}`));
  if (runs("ttfsFc2VsTorch")) {
    log("ttfs-fc2 epoch..."), (rows.ttfsFc2VsTorch = await ttfsFc2VsTorch(data!.train, data!.test));
  }
  if (runs("lifSafEVsTorch")) {
    log("lif-mlp SAF-E...");
    for (const [key, method] of [["lifSafEVsTorch", "saf-e"], ["lifSafEVsTorchOtttO", "ottt"]]) {
      rows[key] = await sideBySide(
        lifBatch("lif-mlp", "saf-e"),
        () => torch(["lif", "--method", method, "--steps", "5"]).seconds as number,
        "s/batch",
      );
    }
  }
  if (runs("lenet5VsTorch")) log("lenet5..."), (rows.lenet5VsTorch = await lenet5VsTorch());
}

type Data = { train: ImageSet; test: ImageSet };

/** Runs the selected rows into `report`; returns the rows of the side-by-side kind. */
async function runRows(report: Record<string, unknown>, data?: Data) {
  const rows: Record<string, Row | string> = {};
  if (runs("gemmVsTfjs")) log("gemm..."), (report.gemmVsTfjs = gemmVsTfjs());
  await torchRows(rows, data);
  if (runs("workers2Vs1")) log("workers..."), (report.workers2Vs1 = workers2Vs1());
  if (runs("safEOverOtttOConv")) {
    log("lif-conv SAF-E / OTTT_O...");
    const saf = lifBatch("lif-conv", "saf-e"), official = { variant: "official" as const };
    const authors = lifBatch("lif-conv", "ottt-o", { ...official, otttForward: "replace" });
    const conv = await sideBySide(saf, authors, "s/batch");
    conv.ratio = conv.spikeproof.median / conv.peer.median;
    conv.note = "time ratio SAF-E / OTTT_O (official, the authors' two products); lower is better";
    rows.safEOverOtttOConv = conv;
    const lean = await sideBySide(saf, lifBatch("lif-conv", "ottt-o", official), "s/batch");
    lean.ratio = lean.spikeproof.median / lean.peer.median;
    lean.note = "SAF-E / OTTT_O (official) with one product per layer and step (spikeproof's)";
    rows.safEOverOtttOConvLean = lean;
  }
  const sizes = arg("onb-n")?.split(",").map(Number); // default 512,4096 (the protocol's)
  if (runs("onb")) report.onb = onbRow({ rounds, sizes });
  if (runs("memoryVsT")) report.memoryVsT = memoryVsTRow();
  if (!torchMissing) report.torch = torch(["info"]);
  return rows;
}

async function main(): Promise<void> {
  const load0 = loadavg()[0], dir = arg("data", "embedded")!;
  const needsData = runs("ttfsFc2VsTorch");
  const data = needsData ? await loadFashionMnist({ dir }) : undefined;
  const report: Record<string, unknown> = { rounds, data: dir, node: process.version, only };
  const rows = await runRows(report, data);
  const load = [load0, loadavg()[0]];
  report.rows = rows, report.load = load;
  const r = (k: string) =>
    rows[k] === undefined ? undefined : typeof rows[k] === "string" ? null : (rows[k] as Row).ratio;
  const summary = {
    gemmVsTfjs: report.gemmVsTfjs,
    ttfsFc2VsTorch: r("ttfsFc2VsTorch"),
    lifSafEVsTorch: r("lifSafEVsTorch"),
    lenet5VsTorch: r("lenet5VsTorch"),
    workers2Vs1: report.workers2Vs1,
    safEOverOtttOConv: r("safEOverOtttOConv"),
    onb: (report.onb as { summary?: unknown } | undefined)?.summary,
    memoryVsT: report.memoryVsT && memoryVsTSummary(report.memoryVsT as MemoryVsT),
    load,
    blas: torchMissing
      ? null
      : "openblas (pthread build), " + ((report.torch as { config?: string[] })?.config?.[0] ?? ""),
    threads: 1,
  };
  report.summary = summary;
  if (out) await writeFileAtomic(out, JSON.stringify(report, null, 2) + "\n");
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
  if (summary.onb) console.log(`onb (ms, peak MB): ${JSON.stringify(summary.onb)}`);
  if (summary.memoryVsT) console.log(`memoryVsT: ${JSON.stringify(summary.memoryVsT)}`);
  console.log(`load ${load.map((l) => l.toFixed(2)).join(" -> ")}`);
  if (json) console.log(JSON.stringify(summary));
}

await main();
