#!/usr/bin/env node
// `npm test`: the static checks, then every file in tests/ under Deno, Bun and Node (tsx).
// Each runner's output streams through; its pass/fail counts are read from its summary, and
// each static check counts as one test. The last line is `N passed, N failed`.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { constants } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? testFiles(join(dir, e.name))
      : e.name.endsWith(".test.ts")
      ? [join(dir, e.name)]
      : []
  );
const files = testFiles(join(root, "tests")).map((f) => relative(root, f)).sort();

/** Run a command, streaming its output; resolves to { code, output }. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
    let output = "";
    for (const s of [child.stdout, child.stderr]) {
      s.on("data", (d) => {
        output += d;
        process.stdout.write(d);
      });
    }
    child.on("error", (e) => resolve({ code: 127, output: String(e) }));
    // killed by a signal: the shell's convention, 128 + its number (SIGABRT 134, SIGSEGV 139)
    const bySignal = (signal) => 128 + (constants.signals[signal] ?? 0);
    child.on("close", (code, signal) => resolve({ code: code ?? bySignal(signal), output }));
  });
}

const last = (output, re) => {
  const all = [...output.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : NaN;
};

const checks = [
  ["deno check", bin("deno"), [
    "check",
    "--doc",
    "mod.ts",
    "src/",
    "tests/",
    "scripts/",
    "bench/",
    "web/src/",
    "web/build.mjs",
    "web/serve.mjs",
  ]],
  ["deno lint", bin("deno"), ["lint"]],
  ["deno fmt --check", bin("deno"), ["fmt", "--check"]],
  ["deno publish --dry-run", bin("deno"), ["publish", "--dry-run", "--allow-dirty"]],
  ["deno doc --lint", bin("deno"), [
    "doc",
    "--lint",
    "mod.ts",
    "src/claims/mod.ts",
    "src/cli/cli.ts",
    "src/cli/verify_cli.ts",
  ]],
];
// The WebGPU test files run in a Deno process of their own. On this project's llvmpipe adapter
// Deno sometimes aborts at exit ("double free or corruption", exit 134, or a segfault, 139)
// after every test has passed: about 1 run in 15 of these three files, never in a minimal
// script. That process alone is then run once more, saying so, and the second run counts.
const gpuFiles = files.filter((f) => /webgpu/.test(f));
const cpuFiles = files.filter((f) => !gpuFiles.includes(f));
const denoCount = (o) => [
  last(o, /(\d+) passed/g),
  last(o, /(\d+) failed/g),
  last(o, /(\d+) ignored/g),
];
const suites = [
  ["deno test", bin("deno"), ["test", "-A", "--no-check", ...cpuFiles], denoCount],
  ["deno test (WebGPU)", bin("deno"), ["test", "-A", "--no-check", ...gpuFiles], denoCount, {
    retryExitCrash: true,
  }],
  ["bun test", bin("bun"), ["test", "--timeout", "300000", ...files.map((f) => `./${f}`)], (o) => [
    last(o, /^\s*(\d+) pass$/gm),
    last(o, /^\s*(\d+) fail$/gm),
    last(o, /^\s*(\d+) skip$/gm),
  ]],
  ["node test (tsx)", bin("tsx"), ["--test", "--test-reporter=tap", ...files], (o) => [
    last(o, /^# pass (\d+)$/gm),
    last(o, /^# fail (\d+)$/gm),
    last(o, /^# skipped (\d+)$/gm),
  ]],
];

let passed = 0, failed = 0, skipped = 0;
const lines = [];
for (const [name, cmd, args] of checks) {
  console.log(`\n=== ${name}`);
  const { code } = await run(cmd, args);
  code === 0 ? passed++ : failed++;
  lines.push(`${name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`}`);
}
/** True when a run ended by a signal after its runner reported every test passing. */
const crashedAfterPassing = (code, output, count) => {
  const [p, f] = count(output);
  return code > 128 && p > 0 && f === 0;
};
for (const [name, cmd, args, count, opts = {}] of suites) {
  console.log(`\n=== ${name}`);
  let { code, output } = await run(cmd, args);
  if (opts.retryExitCrash && crashedAfterPassing(code, output, count)) {
    console.log(
      `\n${name}: exit ${code} after every test passed (the llvmpipe exit crash); once more`,
    );
    ({ code, output } = await run(cmd, args));
  }
  let [p, f, sk] = count(output);
  skipped += Number.isFinite(sk) ? sk : 0;
  if (!Number.isFinite(p)) p = 0;
  if (!Number.isFinite(f) || (code !== 0 && f === 0)) f = Math.max(1, Number.isFinite(f) ? f : 0);
  passed += p;
  failed += f;
  const skip = Number.isFinite(sk) && sk > 0 ? `, ${sk} skipped` : "";
  lines.push(`${name}: ${p} passed, ${f} failed${skip}${code !== 0 ? ` (exit ${code})` : ""}`);
}
console.log(`\n=== summary\n${lines.join("\n")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed ? 1 : 0;
