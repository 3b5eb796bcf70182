#!/usr/bin/env node
// `npm test`: the static checks, then every file in tests/ under Deno, Bun and Node (tsx).
// Each runner's output streams through; its pass/fail counts are read from its summary, and
// each static check counts as one test. The last line is `N passed, N failed`.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
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
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const last = (output, re) => {
  const all = [...output.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : NaN;
};

const checks = [
  ["deno check", bin("deno"), ["check", "--doc", "mod.ts", "src/", "tests/", "scripts/", "bench/"]],
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
const suites = [
  ["deno test", bin("deno"), ["test", "-A", "--no-check", ...files], (o) => [
    last(o, /(\d+) passed/g),
    last(o, /(\d+) failed/g),
    last(o, /(\d+) ignored/g),
  ]],
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
for (const [name, cmd, args, count] of suites) {
  console.log(`\n=== ${name}`);
  const { code, output } = await run(cmd, args);
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
