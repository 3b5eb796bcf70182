#!/usr/bin/env node
// `npm run bench`: the same cases under Bun and Deno (mitata) and Node (tinybench, via tsx).
// `--smoke`: one sample of each case (npm test runs this, to keep the benchmarks working).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const extra = process.argv.includes("--smoke") ? ["--smoke"] : [];
const runs = [
  ["bun (mitata)", bin("bun"), ["bench/mitata.ts", ...extra]],
  ["deno (mitata)", bin("deno"), ["run", "-A", "bench/mitata.ts", ...extra]],
  ["node (tinybench)", bin("tsx"), ["bench/tinybench.ts", ...extra]],
];
let failed = 0;
for (const [name, cmd, args] of runs) {
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
