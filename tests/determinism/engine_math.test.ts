// The same seed gives the same bytes in Node, Deno and Bun only while the reference computes
// with src/nn/math/ instead of the engines' transcendental functions, which differ by an ulp
// (docs/determinism.md). This guards new code: a Math.exp in a model fails here, not in a hash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ENGINE_MATH =
  /Math\.(exp|expm1|log|log1p|log2|log10|pow|cos|sin|tan|acos|asin|atan|atan2|cosh|sinh|tanh|acosh|asinh|atanh|hypot|cbrt)\s*\(/;
/** `a ** b` with a variable exponent is Math.pow (2 ** k is exact, and allowed). */
const ENGINE_POWER = /(?<!\b2 )\*\*\s*[A-Za-z_(]/;
/** Plots only place ticks and coordinates; src/nn/math names the functions it replaces. */
const EXEMPT = ["src/plot/", "src/nn/math/"];

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );

test("the float64 reference calls none of the engines' transcendental Math functions nor ** with a variable exponent (they differ across runtimes)", () => {
  const offenders: string[] = [];
  for (const file of sources(join(root, "src"))) {
    const rel = relative(root, file).replaceAll("\\", "/");
    if (EXEMPT.some((p) => rel.startsWith(p))) continue;
    readFileSync(file, "utf8").split("\n").forEach((line, k) => {
      const code = line.replace(/\/\/.*$/, "").replace(/\/\*.*?(\*\/|$)/g, "");
      if (!/^\s*\*/.test(code) && (ENGINE_MATH.test(code) || ENGINE_POWER.test(code))) {
        offenders.push(`${rel}:${k + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, [], "use src/nn/math/ (exp, log, pow, cosTwoPi, hypot) instead");
});
