/**
 * What the rows of `npm run bench:peers` (bench/peers.ts, bench/peers_memory.ts) share: the
 * statistics (min, median), the A B A B alternation, the three JS runtimes as child processes
 * and the PyTorch side (bench/peers/torch_peers.py under /usr/bin/python3 with Debian's
 * python3-torch on OpenBLAS: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread, the
 * OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE pins of this machine unset, or its Haswell kernels set
 * (`TorchKernels`), one thread).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { ImageSet } from "../src/data/fashion_mnist.ts";

/** The repository root. */
export const root: string = fileURLToPath(new URL("..", import.meta.url));

/** The value after `--name` on the command line, or `dflt`. */
export function arg(name: string, dflt?: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : dflt;
}

/** The median of `a` (the mean of the middle two for an even count). */
export function med(a: number[]): number {
  const s = a.slice().sort((p, q) => p - q), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The runs with their min and median. */
export function stats(a: number[]): { runs: number[]; min: number; median: number } {
  return { runs: a, min: Math.min(...a), median: med(a) };
}

/** Progress, on stderr (stdout carries the results). */
export const log = (s: string): void => console.error(s);

/** Seconds of `f`'s work per call, over `n` calls after one warm-up. */
export async function perCall(f: () => unknown, n: number): Promise<number> {
  await f();
  const t0 = performance.now();
  for (let k = 0; k < n; k++) await f();
  return (performance.now() - t0) / 1000 / n;
}

/** One side-by-side row: spikeproof and its peer, and the median ratio. */
export interface Row {
  spikeproof: ReturnType<typeof stats>;
  peer: ReturnType<typeof stats>;
  ratio: number;
  unit: string;
  note?: string;
}

/** A B A B for `rounds` rounds: `ours` and `theirs` return seconds; ratio theirs / ours. */
export async function sideBySide(
  rounds: number,
  ours: () => Promise<number> | number,
  theirs: () => Promise<number> | number,
  unit: string,
): Promise<Row> {
  const a: number[] = [], b: number[] = [];
  for (let k = 0; k < rounds; k++) (a.push(await ours()), b.push(await theirs()));
  return { spikeproof: stats(a), peer: stats(b), ratio: med(b) / med(a), unit };
}

/** Node (tsx), Deno and Bun from node_modules/.bin: name, program, arguments before the script. */
export const RUNTIMES: readonly (readonly [string, string, readonly string[]])[] = [
  ["node", join(root, "node_modules", ".bin", "tsx"), []],
  ["deno", join(root, "node_modules", ".bin", "deno"), ["run", "-A"]],
  ["bun", join(root, "node_modules", ".bin", "bun"), []],
];

const PY = "/usr/bin/python3";
/**
 * Which OpenBLAS kernels the PyTorch side runs: "auto", the ones OpenBLAS picks for this CPU
 * (AVX-512 where it has it: the strongest peer, the headline rows), or "avx2", its Haswell
 * kernels (OPENBLAS_CORETYPE=Haswell: 256-bit AVX2 FMA, the peer issue 16 describes and this
 * machine's own environment pins).
 */
export type TorchKernels = "auto" | "avx2";

const torchEnv = (kernels: TorchKernels) => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    LD_LIBRARY_PATH: "/usr/lib/x86_64-linux-gnu/openblas-pthread",
  };
  delete env.OPENBLAS_CORETYPE, delete env.OPENBLAS_L2_SIZE;
  if (kernels === "avx2") env.OPENBLAS_CORETYPE = "Haswell";
  return { ...env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
};

/** Why the PyTorch side cannot run here, or undefined where it can. */
export const torchMissing: string | undefined = (() => {
  const r = spawnSync(PY, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `no torch for ${PY} (apt-get install python3-torch)`;
})();

/** One case of torch_peers.py in a fresh Python process, on `kernels`: its JSON line. */
export function torch(
  args: string[],
  timeoutMs?: number,
  kernels: TorchKernels = "auto",
): Record<string, unknown> {
  const script = join(root, "bench", "peers", "torch_peers.py");
  const r = spawnSync(PY, [script, ...args], {
    encoding: "utf8",
    env: torchEnv(kernels),
    timeout: timeoutMs,
  });
  if (r.status !== 0) throw new Error(`torch_peers.py ${args[0]}: ${r.error ?? r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/** The training and test images as raw uint8 files for the Python side. */
export function rawImages(train: ImageSet, test: ImageSet, dir: string): string[] {
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
