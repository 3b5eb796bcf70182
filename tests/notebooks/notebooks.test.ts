/**
 * The teaching notebooks (notebooks/*.ipynb; docs/notebooks.md).
 *
 * Without Jupyter, in every runtime: each notebook is valid nbformat 4 JSON for the Deno kernel,
 * committed stripped (no outputs, null execution counts), imports the library from ../mod.ts, and
 * ends every displaying cell with the short await that keeps nbconvert from dropping its output.
 * Under Node, its code cells, joined into one module, also type-check against mod.ts.
 *
 * With Jupyter, under Node: each notebook runs through `jupyter nbconvert --execute` on Deno's
 * kernel (node_modules/.bin/deno, through a kernelspec written to a temporary directory named by
 * JUPYTER_PATH, so the user's home is not touched). Any cell error fails the test. So does a cell
 * that lacks the outputs its source displays, unless a second run has them all; the retry is
 * reported. Without `jupyter nbconvert` and its Python modules these tests skip and say why.
 *
 * The Deno and Bun legs skip the type check and the execution. Both spawn Deno, and the notebooks
 * run in Deno's kernel whichever runtime starts nbconvert, so a second and third run would repeat
 * the same check at about five seconds a notebook.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = join(root, "notebooks");
const deno = join(root, "node_modules", ".bin", "deno");
const versions = process.versions as Record<string, string | undefined>;
const runtime = versions.deno ? "deno" : versions.bun ? "bun" : "node";
const NOTEBOOKS = ["saf_vs_ottt.ipynb", "ttfs.ipynb"];
/** The line after every display: without it nbconvert now and then drops a cell's output. */
const SETTLE = "await new Promise((r) => setTimeout(r, 20));";

interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown>; ename?: string }[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: Record<string, string> };
  nbformat: number;
  nbformat_minor: number;
}

const read = (path: string): Notebook => JSON.parse(readFileSync(path, "utf8"));
const sourceOf = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const count = (text: string, what: string) => text.split(what).length - 1;

/** The jupyter subcommands the tests need: each answers --version only where its module imports. */
const JUPYTER_PARTS = [
  ["nbconvert", "nbconvert"],
  ["execute", "nbclient"],
  ["kernelspec", "jupyter_client"],
];

/** Why the execution tests cannot run here, or false. */
function jupyterMissing(): string | false {
  const absent = JUPYTER_PARTS.filter(([command]) => {
    const r = spawnSync("jupyter", [command, "--version"], { encoding: "utf8" });
    return r.error || r.status !== 0;
  });
  if (!absent.length) return false;
  return `\`jupyter ${absent.map(([c]) => c).join("`, `jupyter ")}\` missing (Python modules ` +
    `${absent.map(([, m]) => m).join(", ")}; Debian: apt-get install jupyter-nbconvert ` +
    "python3-ipykernel python3-nbclient jupyter-client)";
}

/** Deno and Bun leave to the Node leg what spawns Deno (see the module's comment). */
const elsewhere = runtime === "node"
  ? false
  : `the ${runtime} leg would spawn the same Deno as the Node leg, which runs these`;
const skipCheck = elsewhere, skipExecution = elsewhere || jupyterMissing();
if (skipExecution) console.log(`notebooks.test.ts: execution skipped: ${skipExecution}`);
if (skipCheck) console.log(`notebooks.test.ts: type check skipped: ${skipCheck}`);

test("the notebooks are committed stripped, as nbformat 4 for Deno's kernel", () => {
  const found = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
  assert.deepEqual(found, NOTEBOOKS);
  for (const name of NOTEBOOKS) {
    const nb = read(join(dir, name)), ids = new Set<string>();
    assert.equal(nb.nbformat, 4, name);
    assert.ok(nb.nbformat_minor >= 5, `${name}: nbformat_minor ${nb.nbformat_minor} (ids need 5)`);
    assert.deepEqual(
      nb.metadata.kernelspec,
      { display_name: "Deno", language: "typescript", name: "deno" },
      name,
    );
    for (const [k, c] of nb.cells.entries()) {
      const where = `${name} cell ${k} (${c.id})`, text = sourceOf(c);
      assert.ok(["code", "markdown"].includes(c.cell_type), `${where}: ${c.cell_type}`);
      const id = c.id ?? "";
      assert.match(id, /^[A-Za-z0-9_-]{1,64}$/, `${where}: id`);
      assert.ok(!ids.has(id), `${where}: id repeated`);
      ids.add(id);
      assert.equal(typeof text, "string", where);
      if (c.cell_type === "markdown") {
        assert.equal(c.outputs, undefined, `${where}: a markdown cell with outputs`);
        continue;
      }
      assert.deepEqual(c.outputs, [], `${where}: outputs not stripped`);
      assert.equal(c.execution_count, null, `${where}: execution_count not null`);
      assert.equal(c.metadata?.execution, undefined, `${where}: execution timings not stripped`);
      if (text.includes("Deno.jupyter.display(")) {
        assert.equal(text.trimEnd().split("\n").pop(), SETTLE, `${where}: must end with ${SETTLE}`);
      }
    }
    const code = nb.cells.filter((c) => c.cell_type === "code").map(sourceOf);
    assert.ok(code[0]?.includes(`from "../mod.ts"`), `${name}: import the library from ../mod.ts`);
  }
});

test("the notebooks' code type-checks against mod.ts", { skip: skipCheck }, () => {
  const tmp = mkdtempSync(join(tmpdir(), "spikeproof-nbcheck-"));
  try {
    const mod = pathToFileURL(join(root, "mod.ts")).href;
    const files = NOTEBOOKS.map((name) => {
      const code = read(join(dir, name)).cells.filter((c) => c.cell_type === "code")
        .map(sourceOf).join("\n\n").replaceAll(`"../mod.ts"`, JSON.stringify(mod));
      const file = join(tmp, name.replace(".ipynb", ".ts"));
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const r = spawnSync(deno, ["check", "--config", join(root, "deno.json"), ...files], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 300_000,
    });
    assert.equal(r.status, 0, `deno check exited ${r.status}:\n${r.stderr.slice(-4000)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/**
 * A kernelspec directory for node_modules/.bin/deno: what `deno jupyter --install` writes to
 * ~/.local/share/jupyter/kernels/deno/kernel.json (Deno 2.9.5), with this checkout's binary.
 */
function kernelspec(tmp: string): string {
  const exe = spawnSync(deno, ["eval", "console.log(Deno.execPath())"], { encoding: "utf8" });
  assert.equal(exe.status, 0, `deno eval: ${exe.stderr}`);
  const spec = join(tmp, "jupyter"), kernel = join(spec, "kernels", "deno");
  mkdirSync(kernel, { recursive: true });
  writeFileSync(
    join(kernel, "kernel.json"),
    JSON.stringify({
      argv: [exe.stdout.trim(), "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    }),
  );
  return spec;
}

/** Runs `name` through nbconvert on the Deno kernel; the executed notebook, and seconds. */
function execute(name: string, tmp: string, spec: string): { nb: Notebook; seconds: number } {
  const out = join(tmp, "out");
  rmSync(out, { recursive: true, force: true });
  const env = {
    ...process.env,
    JUPYTER_PATH: spec,
    JUPYTER_DATA_DIR: join(tmp, "data"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    NO_COLOR: "1",
  };
  const args = [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    "--ExecutePreprocessor.kernel_name=deno",
    "--ExecutePreprocessor.timeout=120",
    "--output-dir",
    out,
    join("notebooks", name),
  ];
  const t0 = performance.now();
  const r = spawnSync("jupyter", args, { cwd: root, encoding: "utf8", env, timeout: 300_000 });
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(r.status, 0, `jupyter nbconvert exited ${r.status}:\n${r.stderr?.slice(-6000)}`);
  return { nb: read(join(out, name)), seconds };
}

/**
 * The code cells of an executed notebook that lack outputs their source displays: one
 * display_data per `Deno.jupyter.display(` call (each runs once: no display in a loop), printed
 * output where it calls `console.log(`. A cell error fails the test here.
 */
function missingOutputs(nb: Notebook, name: string): string[] {
  const missing: string[] = [];
  for (const c of nb.cells.filter((c) => c.cell_type === "code")) {
    const text = sourceOf(c), outputs = c.outputs ?? [];
    const errors = outputs.filter((o) => o.output_type === "error");
    assert.deepEqual(errors, [], `${name} cell ${c.id} raised`);
    assert.equal(typeof c.execution_count, "number", `${name} cell ${c.id} did not run`);
    const displays = outputs.filter((o) => o.output_type === "display_data");
    for (const d of displays) assert.ok(Object.keys(d.data ?? {}).length, `${name} ${c.id}: empty`);
    const want = count(text, "Deno.jupyter.display(");
    if (displays.length < want) missing.push(`${c.id}: ${displays.length} of ${want} displays`);
    if (text.includes("console.log(") && !outputs.some((o) => o.output_type === "stream")) {
      missing.push(`${c.id}: no printed output`);
    }
  }
  return missing;
}

for (const name of NOTEBOOKS) {
  test(
    `${name} executes on Deno's Jupyter kernel with no cell error and every output`,
    { skip: skipExecution, timeout: 700_000 },
    (t) => {
      const tmp = mkdtempSync(join(tmpdir(), "spikeproof-nb-"));
      try {
        const spec = kernelspec(tmp);
        let run = execute(name, tmp, spec), missing = missingOutputs(run.nb, name);
        if (missing.length) {
          t.diagnostic(
            `${name}: outputs missing after the first run (${missing.join("; ")}); once more`,
          );
          run = execute(name, tmp, spec);
          missing = missingOutputs(run.nb, name);
        }
        assert.deepEqual(missing, [], `${name}: cells without their outputs`);
        t.diagnostic(`${name}: executed by nbconvert in ${run.seconds.toFixed(1)} s`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
}
