/** Benchmarks under Node with tinybench: `tsx bench/tinybench.ts`. */
import process from "node:process";
import { Bench } from "tinybench";
import { benchCases } from "./cases.ts";

const cases = benchCases();
const bench = new Bench({ time: 1000, warmupTime: 200 });
for (const c of cases) bench.add(c.name, c.fn);
await bench.run();
console.log(`node ${process.versions.node}, tinybench`);
for (const task of bench.tasks) {
  const c = cases.find((k) => k.name === task.name);
  const ms = task.result && "latency" in task.result ? task.result.latency.mean : NaN;
  const gflops = c?.flops ? `  ${(c.flops / ms / 1e6).toFixed(2)} GFLOP/s` : "";
  console.log(`${task.name.padEnd(64)} ${ms.toFixed(3).padStart(10)} ms${gflops}`);
}
