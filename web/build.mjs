// npm run web:build: bundles the page (web/src/*.ts and the library they import) into plain
// static files in web/dist/ with esbuild, which tsx already brings in: no other tool, and one
// that follows TypeScript and ES modules exactly. Node builtins the library imports for files
// and threads are replaced by web/src/shims/ (the page never reaches them).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}dist`;
const shims = {
  "node:process": `${here}src/shims/node_process.ts`,
  "node:fs/promises": `${here}src/shims/node_unavailable.ts`,
  "node:path": `${here}src/shims/node_unavailable.ts`,
  "node:worker_threads": `${here}src/shims/node_unavailable.ts`,
};

/** Resolves the node: imports to the shims. */
const shimPlugin = {
  name: "node-shims",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      const path = shims[args.path];
      if (!path) throw new Error(`web build: no browser shim for ${args.path} (${args.importer})`);
      return { path };
    });
  },
};

/** Builds web/dist/; returns the output directory. */
export async function buildWeb() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: ["main.ts", "train_worker.ts", "verify_worker.ts"].map((f) => `${here}src/${f}`),
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
    plugins: [shimPlugin],
  });
  for (const f of ["index.html", "style.css"]) copyFileSync(`${here}${f}`, `${out}/${f}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`web/dist: ${await buildWeb()}`);
}
