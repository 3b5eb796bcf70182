/**
 * The GEMM against its peer, side by side: z = x W^T for n x n x n, float32, one thread, the
 * core's kernel versions 2 (zero-skipping rows) and 3 (4x8 register tiles over packed panels,
 * packing included in every call) against tfjs-backend-wasm's matMul (XNNPACK, one thread).
 * Where the engine has relaxed SIMD (Deno, Bun, Node 20 with its flag set) version 3 also runs
 * from the relaxed build ("v3r": f32x4.relaxed_madd), which is then the core's default and the
 * ratio's numerator; `relaxedOverPlain` says whether it pays.
 * Alternates the sides each round; prints GFLOP/s min and median, the median ratios and the
 * load, and with `--json FILE` writes them (the runtime's name is in the report).
 *
 *   npx tsx bench/gemm.ts [rounds=5] [--json results/gemm-node.json]
 *   npx deno run -A bench/gemm.ts ...      npx bun bench/gemm.ts ...
 */
import { loadavg } from "node:os";
import process from "node:process";
import { relaxedSimdDefault, WasmCore } from "../src/backend/wasm/core.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { Rng } from "../src/nn/rng.ts";
import { loadPeer } from "./peer.ts";

const SIZES = [128, 256, 512, 1024];
const args = process.argv.slice(2), jsonAt = args.indexOf("--json");
const json = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const rounds = Number(args.find((a, k) => /^\d+$/.test(a) && k !== jsonAt + 1) ?? 5);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const med = (a: number[]) => a.slice().sort((p, q) => p - q)[a.length >> 1];

const peer = await loadPeer();
if (!peer) throw new Error("the peer (tfjs-backend-wasm) did not start");
const tf = peer;
const core = new WasmCore({ relaxed: false }), ex = core.exports, load0 = loadavg()[0];
const relaxed = relaxedSimdDefault() ? new WasmCore({ relaxed: true }) : undefined;
const rows: Record<string, unknown>[] = [];
for (const n of SIZES) {
  const rng = new Rng(n), rand = () => Float64Array.from({ length: n * n }, () => rng.uniform());
  const x = rand(), W = rand(), flops = 2 * n * n * n;
  core.reset();
  const px = core.put(x, n * n), pW = core.put(W, n * n), pb = core.put(new Float64Array(n), n);
  const pz = core.alloc(n * n * 4), s2 = core.alloc(ex.denseScratchBytes(n, n, n, 1));
  const s3 = core.alloc(ex.gemmScratchBytes(n, n));
  const r = relaxed, rx = r?.exports;
  r?.reset();
  const rp = r && [r.put(x, n * n), r.put(W, n * n), r.put(new Float64Array(n), n)];
  const rz = r?.alloc(n * n * 4) ?? 0, rs = r?.alloc(ex.gemmScratchBytes(n, n)) ?? 0;
  const tx = tf.tensor2d(Float32Array.from(x), [n, n]),
    tk = tf.tensor2d(Float32Array.from(W), [n, n]);
  const reps = Math.max(2, Math.round(4e8 / flops));
  const gflops = (f: () => void) => {
    f(); // warm
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    return (flops * reps) / ((performance.now() - t0) * 1e6);
  };
  const sides = {
    v2: () => ex.denseForward2(px, pW, pb, pz, n, n, n, s2),
    v3: () => ex.denseForward3(px, pW, pb, pz, n, n, n, s3),
    ...(rx && rp ? { v3r: () => rx.denseForward3(rp[0], rp[1], rp[2], rz, n, n, n, rs) } : {}),
    tfjs: () => tf.matMul(tx, tk).dispose(),
  } as Record<string, () => void>;
  const got: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(sides)) got[name].push(gflops(f));
  }
  tx.dispose(), tk.dispose();
  const best = got.v3r ?? got.v3, ratio = (a: number[], b: number[]) => a.map((v, k) => v / b[k]);
  const span = (v: number[]) => ({ min: Math.min(...v), median: med(v) });
  const ratios = ratio(best, got.tfjs);
  const row = {
    n,
    gflops: Object.fromEntries(Object.entries(got).map(([k, v]) => [k, span(v)])),
    v3OverTfjs: span(ratios),
    relaxed: got.v3r !== undefined,
    ...(got.v3r ? { relaxedOverPlain: span(ratio(got.v3r, got.v3)) } : {}),
  };
  rows.push(row);
  console.log(
    `${runtime} n = ${n}: GFLOP/s median v2 ${med(got.v2).toFixed(1)}, v3 ${
      med(got.v3).toFixed(1)
    }${got.v3r ? `, v3 relaxed ${med(got.v3r).toFixed(1)}` : ""}, tfjs ${
      med(got.tfjs).toFixed(1)
    }; v3${got.v3r ? " relaxed" : ""} / tfjs median ${row.v3OverTfjs.median.toFixed(2)}, ` +
      `min ${row.v3OverTfjs.min.toFixed(2)}`,
  );
}
const report = { runtime, rounds, load: [load0, loadavg()[0]], rows };
console.log(`load ${report.load.map((l) => l.toFixed(2)).join(" -> ")}`);
if (json) await writeFileAtomic(json, JSON.stringify(report, null, 2) + "\n");
