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
 *                      (the fused step, as trainLif runs it) vs PyTorch SAF-E, in Node, Deno
 *                      and Bun (bench/lif_batch_time.ts, a fresh process per round:
 *                      lifSafEVsTorchByRuntime; the row is Node's); beside it, in this process,
 *                      against PyTorch OTTT_O as the authors' code runs it
 *                      (lifSafEVsTorchOtttO)
 *   lenet5VsTorch      one ttfs-lenet5 step (batch 64, wasm) vs PyTorch LeNet-5
 *   workers2Vs1        bench/workers.ts in Node, Deno and Bun: the fused ttfs-fc2 step (batch
 *                      64) over 2 workers vs 1 thread, images/s, alternating; beside it the
 *                      ttfs-lenet5 step the same way (workers2Vs1Lenet5)
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
 * OPENBLAS_CORETYPE/L2_SIZE pins of this machine unset for that command, so OpenBLAS picks its
 * kernels for the CPU: AVX-512 where it has it), one thread; where torch is absent its rows say
 * so. The PyTorch rows run once more against OpenBLAS's AVX2 (Haswell) kernels
 * (`againstAvx2Torch`: the peer issue 16 describes), and the report gives both peers' matmul
 * rates (`torchMatmulGflops`, `torchAvx2MatmulGflops`). `--json` makes the last stdout line one JSON object;
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
import { Rng } from "../src/nn/rng.ts";
import { TTFS_TRAINING, ttfsModelLayers } from "../src/ttfs/models.ts";
import { lifBatch } from "./lif_batch.ts";
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
  type TorchKernels,
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

/** Runs `script --json FILE ...args` in one runtime (`RUNTIMES`' program and arguments). */
function inRuntime(
  cmd: string,
  pre: readonly string[],
  script: string,
  args: string[],
): { seconds: number } & Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), "spikeproof-peers-")), file = join(dir, "report.json");
  try {
    const r = spawnSync(cmd, [...pre, script, ...args, "--json", file], {
      cwd: root,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`${script} in ${cmd}: ${r.stderr}`);
    log(r.stdout.trim());
    return JSON.parse(readFileSync(file, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `script --json FILE ...args` in Node, Deno and Bun; `pick` reads each report. */
function inRuntimes<T>(
  script: string,
  args: string[],
  pick: (report: never) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [rt, cmd, pre] of RUNTIMES) out[rt] = pick(inRuntime(cmd, pre, script, args) as never);
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

/**
 * bench/workers.ts (batch 64, 2 workers vs 1 thread, alternating) per runtime: ttfs-fc2 (the
 * row), or `--model ttfs-lenet5` with 16 passes a round (`workers2Vs1Lenet5`, beside it).
 */
const workers2Vs1 = (model = "ttfs-fc2") =>
  inRuntimes(
    "bench/workers.ts",
    [
      "--rounds",
      String(rounds),
      ...(model === "ttfs-fc2" ? [] : ["--model", model, "--passes", "16"]),
    ],
    (rep: { ratio: { median: number; min: number }; load: number[] }) => rep.ratio.median,
  );

async function ttfsFc2VsTorch(
  train: ImageSet,
  test: ImageSet,
  kernels: TorchKernels = "auto",
): Promise<Row> {
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
    const theirs = () => torch(["mlp", ...files], undefined, kernels).seconds as number;
    return await sideBySide(ours, theirs, "s/epoch");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function lenet5VsTorch(kernels: TorchKernels = "auto"): Promise<Row> {
  const layers = ttfsModelLayers("ttfs-lenet5", { h: 28, w: 28, c: 1 }, 10);
  const tr = new TwinTrainer(layers, { seed: 0, lr: 1e-3, backend: backendByName("wasm") });
  const rng = new Rng(2), x = Float64Array.from({ length: 64 * 784 }, () => rng.uniform());
  const labels = Int32Array.from({ length: 64 }, (_, k) => k % 10);
  return await sideBySide(
    () => perCall(() => tr.step(x, labels, 64), 3),
    () => torch(["lenet5", "--steps", "20"], undefined, kernels).seconds as number,
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
    log("lif-mlp SAF-E vs PyTorch OTTT_O...");
    rows.lifSafEVsTorchOtttO = await sideBySide(
      lifBatch("lif-mlp", "saf-e"),
      () => torch(["lif", "--method", "ottt", "--steps", "5"]).seconds as number,
      "s/batch",
    );
    log("lif-mlp SAF-E in Node, Deno and Bun...");
    for (const [rt, cmd, pre] of RUNTIMES) {
      rows[`lifSafEVsTorch.${rt}`] = await sideBySide(
        () => inRuntime(cmd, pre, "bench/lif_batch_time.ts", []).seconds,
        () => torch(["lif", "--method", "saf-e", "--steps", "5"]).seconds as number,
        "s/batch",
      );
    }
  }
  if (runs("lenet5VsTorch")) log("lenet5..."), (rows.lenet5VsTorch = await lenet5VsTorch());
  await torchAvx2Rows(rows, data);
}

/**
 * The same rows against PyTorch on OpenBLAS's AVX2 (Haswell) kernels: the peer issue 16's table
 * describes and this machine's environment pins (the rows above run OpenBLAS's own choice,
 * AVX-512 here, about twice the AVX2 kernels' rate). Node, in this process.
 */
async function torchAvx2Rows(rows: Record<string, Row | string>, data?: Data): Promise<void> {
  if (torchMissing) return;
  if (runs("ttfsFc2VsTorch")) {
    log("ttfs-fc2 epoch, AVX2 peer...");
    rows.ttfsFc2VsTorchAvx2 = await ttfsFc2VsTorch(data!.train, data!.test, "avx2");
  }
  if (runs("lifSafEVsTorch")) {
    log("lif-mlp SAF-E, AVX2 peer...");
    const lif = () => torch(["lif", "--method", "saf-e", "--steps", "5"], undefined, "avx2");
    rows.lifSafEVsTorchAvx2 = await sideBySide(
      lifBatch("lif-mlp", "saf-e"),
      () => lif().seconds as number,
      "s/batch",
    );
  }
  if (runs("lenet5VsTorch")) {
    log("lenet5, AVX2 peer..."), (rows.lenet5VsTorchAvx2 = await lenet5VsTorch("avx2"));
  }
}

type Data = { train: ImageSet; test: ImageSet };

/** Runs the selected rows into `report`; returns the rows of the side-by-side kind. */
async function runRows(report: Record<string, unknown>, data?: Data) {
  const rows: Record<string, Row | string> = {};
  if (runs("gemmVsTfjs")) log("gemm..."), (report.gemmVsTfjs = gemmVsTfjs());
  await torchRows(rows, data);
  if (runs("workers2Vs1")) {
    log("workers..."), (report.workers2Vs1 = workers2Vs1());
    log("workers, ttfs-lenet5..."), (report.workers2Vs1Lenet5 = workers2Vs1("ttfs-lenet5"));
  }
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
  if (!torchMissing) {
    report.torch = torch(["info"]);
    report.torchAvx2 = torch(["info"], undefined, "avx2");
  }
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
    lifSafEVsTorch: r("lifSafEVsTorch.node"),
    lifSafEVsTorchByRuntime: rows["lifSafEVsTorch.node"] &&
      Object.fromEntries(RUNTIMES.map(([rt]) => [rt, r(`lifSafEVsTorch.${rt}`)])),
    lenet5VsTorch: r("lenet5VsTorch"),
    againstAvx2Torch: {
      ttfsFc2VsTorch: r("ttfsFc2VsTorchAvx2"),
      lifSafEVsTorch: r("lifSafEVsTorchAvx2"),
      lenet5VsTorch: r("lenet5VsTorchAvx2"),
    },
    workers2Vs1: report.workers2Vs1,
    workers2Vs1Lenet5: report.workers2Vs1Lenet5,
    safEOverOtttOConv: r("safEOverOtttOConv"),
    onb: (report.onb as { summary?: unknown } | undefined)?.summary,
    memoryVsT: report.memoryVsT && memoryVsTSummary(report.memoryVsT as MemoryVsT),
    load,
    blas: torchMissing
      ? null
      : "openblas (pthread build; its kernels for this CPU, and Haswell's for againstAvx2Torch); " +
        "torch " + ((report.torch as { config?: string[] })?.config?.[0] ?? "").replace(/^- /, ""),
    threads: 1,
    torchMatmulGflops: (report.torch as { matmulGflops?: unknown } | undefined)?.matmulGflops,
    torchAvx2MatmulGflops: (report.torchAvx2 as { matmulGflops?: unknown } | undefined)
      ?.matmulGflops,
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
