/**
 * The README is a front page: at most 150 lines, linking every docs page, the proofs, the
 * results and the license; its TypeScript examples type-check against mod.ts (with the URL, JSR
 * and npm specifiers pointed at the local mod.ts), and every relative link of README.md and
 * docs/*.md reaches an existing file and, with a #fragment, an existing heading.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");
const readme = read("README.md");
const docs = readdirSync(new URL("docs/", root)).filter((f) => f.endsWith(".md"));

/** Markdown without fenced code blocks and inline code spans (no links live there). */
const prose = (md: string) => md.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

/** The link targets of a Markdown text: [text](target) and ![alt](target). */
const links = (md: string) => [...prose(md).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

/** GitHub's anchors of a Markdown file's headings: lowercase, punctuation dropped, "-" for " ". */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>(), out = new Set<string>();
  for (const m of md.replace(/^```[^]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

test("the README is at most 150 lines", () => {
  const lines = readme.trimEnd().split("\n").length;
  assert.ok(lines <= 150, `README.md has ${lines} lines`);
});

test("the README links every docs page, the proofs, the results and the license", () => {
  const targets = new Set(links(readme).map((t) => t.replace(/#.*$/, "")));
  const wanted = [...docs.map((f) => `docs/${f}`), "proofs/", "results/", "LICENSE"];
  assert.deepEqual(wanted.filter((w) => !targets.has(w)), []);
});

test("every relative link in README.md and docs/*.md reaches a file and its heading", () => {
  const broken: string[] = [];
  for (const file of ["README.md", ...docs.map((f) => `docs/${f}`)]) {
    const base = new URL(file, root);
    for (const target of links(read(file))) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path, fragment] = target.split("#");
      const url = path ? new URL(path, base) : base;
      if (!existsSync(url)) {
        broken.push(`${file}: ${target} (no such file)`);
      } else if (fragment !== undefined && url.pathname.endsWith(".md")) {
        const md = readFileSync(url, "utf8");
        if (!anchors(md).has(fragment)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test("the README's TypeScript examples type-check against mod.ts", { timeout: 300_000 }, () => {
  const blocks = [...readme.matchAll(/^```ts\n([^]*?)^```/gm)].map((m) => m[1]);
  assert.ok(blocks.length >= 3, `only ${blocks.length} ts blocks in the README`);
  const mod = pathToFileURL(fileURLToPath(new URL("mod.ts", root))).href;
  const dir = mkdtempSync(join(tmpdir(), "spikeproof-readme-"));
  try {
    const files = blocks.map((code, k) => {
      const local = code.replace(
        /from "(https:\/\/[^"]*\/mod\.ts|jsr:@spikeproof\/spikeproof|spikeproof)"/g,
        `from "${mod}"`,
      );
      assert.notEqual(local, code, `README ts block ${k + 1} imports nothing from spikeproof`);
      const file = join(dir, `readme_${k + 1}.ts`);
      writeFileSync(file, local);
      return file;
    });
    const deno = fileURLToPath(new URL("node_modules/.bin/deno", root));
    const config = fileURLToPath(new URL("deno.json", root));
    const r = spawnSync(deno, ["check", "--quiet", "--config", config, ...files], {
      cwd: fileURLToPath(root),
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(r.status, 0, `deno check failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
