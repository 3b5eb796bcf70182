// The layering of docs/architecture.md, read from the imports of every file in src/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
type Layer = "ground" | "kernels" | "models" | "steps" | "drivers";

/** Steps still inside src/backend/ (docs/architecture.md, "Today's exceptions"). */
const STEPS_IN_KERNELS = [
  "src/backend/wasm/twin_core.ts",
  "src/backend/wasm/twin_step.ts",
  "src/backend/wasm/twin_workers.ts",
  "src/backend/wasm/twin_worker.ts",
  "src/backend/webgpu/twin_step.ts",
  "src/backend/webgpu/twin_layout.ts",
  "src/backend/webgpu/lif_step.ts",
  "src/backend/webgpu/lif_plan.ts",
  "src/backend/webgpu/lif_buffers.ts",
  "src/backend/webgpu/lif_pipelines.ts",
  "src/backend/webgpu/lif_uniform.ts",
  "src/backend/webgpu/lif_wgsl.ts",
  "src/backend/webgpu/lif_loss_wgsl.ts",
  "src/backend/webgpu/lif_ottt_wgsl.ts",
];
/** Kernel -> step imports allowed until the steps move: the createTwinStep coupling. */
const ALLOWED = [
  "src/backend/wasm.ts -> src/backend/wasm/twin_step.ts",
  "src/backend/webgpu.ts -> src/backend/webgpu/twin_step.ts",
  "src/backend/webgpu/twin_step.ts -> src/backend/wasm/twin_core.ts",
];

function layerOf(file: string): Layer | undefined {
  if (STEPS_IN_KERNELS.includes(file) || file.startsWith("src/steps/")) return "steps";
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
    if (ALLOWED.includes(`${from} -> ${to}`)) return false;
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

test("layers: every exception docs/architecture.md lists still exists, so the list only shrinks", () => {
  for (const file of STEPS_IN_KERNELS) assert.ok(existsSync(join(root, file)), `${file} is gone`);
  const all = imports().map(([from, to]) => `${from} -> ${to}`);
  for (const edge of ALLOWED) {
    assert.ok(all.includes(edge), `${edge} is gone: drop it from the list`);
  }
  const doc = readFileSync(join(root, "docs/architecture.md"), "utf8");
  for (const file of [...STEPS_IN_KERNELS, ...ALLOWED.flatMap((e) => e.split(" -> "))]) {
    const name = file.split("/").pop()!;
    assert.ok(doc.includes(name), `docs/architecture.md does not name ${name}`);
  }
});
