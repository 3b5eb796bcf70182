/** Benchmarks under Bun or Deno with mitata: `bun bench/mitata.ts`, `deno run -A bench/mitata.ts`. */
import { bench, run } from "mitata";
import { benchCases } from "./cases.ts";

for (const c of benchCases()) bench(c.name, c.fn);
await run();
