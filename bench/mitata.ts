/**
 * Benchmarks under Bun or Deno with mitata: `bun bench/mitata.ts`, `deno run -A bench/mitata.ts`
 * (`--smoke`: one sample of each case).
 */
import process from "node:process";
import { measure } from "mitata";
import { type BenchCase, benchCases, measurePeak } from "./cases.ts";
import { printReport } from "./report.ts";

const smoke = process.argv.includes("--smoke");
const cases = await benchCases(), means = new Map<BenchCase, number>();
const opts = smoke
  ? { min_cpu_time: 0, max_samples: 1, min_samples: 1, warmup_samples: 0 }
  : { min_cpu_time: 1.5e9 };
for (const c of cases) means.set(c, (await measure(c.fn, opts)).avg / 1e6);
const runtime = "Bun" in globalThis
  ? `bun ${process.versions.bun}`
  : `deno ${process.versions.deno}`;
printReport(`${runtime}, mitata`, cases, (c) => means.get(c) ?? NaN, measurePeak(smoke ? 0.01 : 1));
