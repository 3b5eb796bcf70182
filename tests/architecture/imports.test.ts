// The layering of docs/architecture.md, read from the imports of every file in src/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
type Layer = "ground" | "kernels" | "models" | "steps" | "drivers";

function layerOf(file: string): Layer | undefined {
  if (file.startsWith("src/steps/")) return "steps";
  if (/^src\/(errors\.ts|data\/|io\/|plot\/|nn\/math\/)/.test(file)) return "ground";
  if (file.startsWith("src/backend/")) return "kernels";
  if (/^src\/(ttfs|lif|nn)\//.test(file)) return "models";
  if (/^src\/(experiments|claims|cli)\//.test(file)) return "drivers";
  return undefined;
}

/** What each layer may import (docs/architecture.md, rules 1-5). */
const MAY: Record<Layer, Layer[]> = {
  ground: ["ground"],
  kernels: ["ground", "kernels"],
  models: ["ground", "models", "kernels"],
  steps: ["ground", "models", "kernels", "steps"],
  drivers: ["ground", "kernels", "models", "steps", "drivers"],
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );

/** Every relative import of src/, as "from -> to" with repository-relative paths. */
function imports(): [string, string][] {
  return sources(join(root, "src")).flatMap((file) => {
    const from = relative(root, file).replaceAll("\\", "/");
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms)].map((m) =>
      [from, normalize(join(dirname(from), m[1])).replaceAll("\\", "/")] as [string, string]
    );
  });
}

test("layers: ground imports only ground, kernels no model, step or driver, models no step or driver, and nothing below the drivers imports them", () => {
  const breaches = imports().filter(([from, to]) => {
    const a = layerOf(from), b = layerOf(to);
    if (!a || !b) return false;
    if (to.startsWith("src/cli/") && !from.startsWith("src/cli/")) return true; // rule 5
    if (a === "models" && b === "kernels" && !to.endsWith("backend.ts") && !to.endsWith("ref.ts")) {
      return true; // rule 3: models see the kernels only through the Backend interface
    }
    return !MAY[a].includes(b);
  }).map(([from, to]) => `${from} (${layerOf(from)}) -> ${to} (${layerOf(to)})`);
  assert.deepEqual(breaches, [], "see docs/architecture.md");
});

test("steps: every training step lives in src/steps/: no other file of src/ makes an optimizer or calls an update rule", () => {
  const outside = sources(join(root, "src"))
    .map((file) => relative(root, file).replaceAll("\\", "/"))
    .filter((file) => !file.startsWith("src/steps/") && file !== "src/nn/optim.ts")
    .filter((file) => /\bnew Adam\(|\badamStepSize\(/.test(readFileSync(join(root, file), "utf8")));
  assert.deepEqual(outside, [], "a training step belongs in src/steps/ (docs/architecture.md)");
});

test("steps: the WebGPU path does not import the wasm core, nor the wasm path WebGPU", () => {
  const crossed = imports().filter(([from]) => /^src\/(backend|steps)\//.test(from)).filter((
    [from, to],
  ) =>
    (/webgpu/.test(from) && /backend\/wasm|steps\/\w+\/wasm/.test(to)) ||
    (/(backend|steps\/\w+)\/wasm/.test(from) && /webgpu/.test(to))
  ).map(([from, to]) => `${from} -> ${to}`);
  assert.deepEqual(crossed, []);
});
