#!/usr/bin/env node
// `npm run build` (and `npm pack`, through `prepack`): compiles mod.ts and the CLI to plain ESM
// JavaScript with .d.ts types in dist/ (tsconfig.build.json), so Node runs the package without a
// TypeScript loader. Bun and Deno import the .ts sources directly (package.json `exports`).
// The worker bootstrap is plain .mjs already and is copied beside the compiled worker. The
// declarations reference @webgpu/types, a dependency of the package, for the GPU types.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (r.status !== 0) process.exit(r.status ?? 1);
const boot = "src/backend/wasm/worker_boot.mjs";
copyFileSync(join(root, boot), join(root, "dist", boot));
// The WebGPU backend's declarations name GPUDevice, GPUBuffer, ...: Deno has them built in, a
// Node or Bun consumer's tsc gets them from @webgpu/types (a dependency), referenced here once.
const { files } = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
for (const entry of files) {
  const file = join(root, "dist", entry.replace(/\.ts$/, ".d.ts"));
  writeFileSync(file, `/// <reference types="@webgpu/types" />\n${readFileSync(file, "utf8")}`);
}
console.log("dist/ built: dist/mod.js, dist/mod.d.ts, dist/src/cli/cli.js");
