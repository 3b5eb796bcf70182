/** Benchmarks under Node with tinybench: `tsx bench/tinybench.ts [--smoke]`. */
import process from "node:process";
import { Bench } from "tinybench";
import { benchCases, measurePeak } from "./cases.ts";
import { printReport } from "./report.ts";

const smoke = process.argv.includes("--smoke");
const cases = await benchCases();
const bench = smoke
  ? new Bench({ time: 0, iterations: 1, warmupTime: 0, warmupIterations: 0 })
  : new Bench({ time: 1500, warmupTime: 300 });
cases.forEach((c, k) => bench.add(String(k), c.fn));
await bench.run();
const ms = (c: (typeof cases)[number]): number => {
  const r = bench.tasks[cases.indexOf(c)].result;
  return r && "latency" in r ? r.latency.mean : NaN;
};
printReport(`node ${process.versions.node}, tinybench`, cases, ms, measurePeak(smoke ? 0.01 : 1));
