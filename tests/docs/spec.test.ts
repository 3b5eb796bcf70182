/**
 * docs/spec.md is the specification the repository cites: every "SPEC A5"-style section id that
 * src/, proofs/, README.md or the other docs/ pages cite is a heading there, nothing cites the old steering spec
 * (../shared/SPEC.md) any more, the claims each section lists are registry claims and include
 * every claim that names the section, the npm and JSR packages ship the file, and the CLI's help
 * says where the sections are.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { CLAIMS } from "../../src/claims/registry.ts";
import { helpText, SPEC_SECTIONS_NOTE } from "../../src/cli/args.ts";
import { usage } from "../../src/cli/main.ts";
import { trainHelp } from "../../src/cli/train_options.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const spec = read("docs/spec.md");

/** Repository-relative paths of the files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(new URL(dir, root)).flatMap((name) => {
    const path = `${dir}${name}`;
    return statSync(new URL(path, root)).isDirectory() ? filesUnder(`${path}/`) : [path];
  });
}

/** The files that may cite spec sections: src/, proofs/, README.md and the other docs/ pages. */
const citing = [
  ...filesUnder("src/"),
  ...filesUnder("proofs/"),
  "README.md",
  ...filesUnder("docs/"),
]
  .filter((f) => /\.(ts|md)$/.test(f) && f !== "docs/spec.md");

/** Section ids of docs/spec.md's headings, e.g. "A5" and "A5.1" from "### A5.1. Title". */
function headingIds(text: string): string[] {
  return [...text.matchAll(/^#{2,4} ([AB]\d+(?:\.\d+)?)\. /gm)].map((m) => m[1]);
}

/** Every id in a citation list such as "A4, A8", "A1/A2" or "B1-B4" (a range is expanded). */
function idsOfList(list: string): string[] {
  const ids: string[] = [];
  for (const m of list.matchAll(/([AB])(\d+)(?:\s*-\s*\1(\d+))?/g)) {
    const last = m[3] === undefined ? Number(m[2]) : Number(m[3]);
    for (let k = Number(m[2]); k <= last; k++) ids.push(`${m[1]}${k}`);
  }
  return ids;
}

/** The ids "SPEC <list>" cites in `text`, e.g. A4 and A8 from "SPEC A4, A8". */
function citedIds(text: string): string[] {
  const lists = text.matchAll(/SPEC\s+([AB]\d+(?:\s*(?:,|\/|-|and)\s*[AB]\d+)*)/g);
  return [...lists].flatMap((m) => idsOfList(m[1]));
}

/** The text of section `id` with its subsections (A5 takes A5.1 too). */
function sectionText(id: string): string {
  const parts = spec.split(/^(?=#{2,4} )/m);
  return parts.filter((p) => {
    const m = p.match(/^#{2,4} ([AB]\d+(?:\.\d+)?)\. /);
    return m !== null && (m[1] === id || m[1].startsWith(`${id}.`));
  }).join("");
}

test("every SPEC section id cited in src/, proofs/, README.md or docs/ is a heading of docs/spec.md", () => {
  const headings = new Set(headingIds(spec));
  assert.ok(headings.size >= 16, `docs/spec.md has only ${headings.size} section headings`);
  const missing: string[] = [];
  let cited = 0;
  for (const file of citing) {
    const text = read(file);
    // proofs also cite sections bare in their headings: "## 3. ... (A5)", "(A5 + A7 + A10)"
    const bare = file.startsWith("proofs/")
      ? [...text.matchAll(/^#+ .*\(([^)]*)\)\s*$/gm)].flatMap((m) => idsOfList(m[1]))
      : [];
    for (const id of [...citedIds(text), ...bare]) {
      cited++;
      if (!headings.has(id)) missing.push(`${file}: ${id}`);
    }
  }
  assert.ok(cited > 100, `only ${cited} section citations found: the pattern no longer matches`);
  assert.deepEqual(missing, [], "cited sections without a heading in docs/spec.md");
});

test("nothing in src/, proofs/, README.md or docs/ refers to the steering spec ../shared/SPEC.md", () => {
  const stale = citing.concat(["package.json", "deno.json"])
    .filter((f) => /shared\/SPEC|SPEC\.md/.test(read(f)));
  assert.deepEqual(stale, []);
});

test("docs/spec.md lists only registry claims, and in each section every claim that cites it", () => {
  const ids = new Set(CLAIMS.map((c) => c.id));
  const listed = [...spec.matchAll(/`((?:ttfs|lif|backend)\.[a-z0-9-]+)`/g)].map((m) => m[1]);
  assert.ok(listed.length > 40, `only ${listed.length} claim ids found in docs/spec.md`);
  assert.deepEqual(listed.filter((id) => !ids.has(id)), [], "not registry claims");
  const unlisted: string[] = [];
  for (const c of CLAIMS) {
    for (const id of citedIds(c.section)) {
      if (!sectionText(id).includes(`\`${c.id}\``)) unlisted.push(`${c.id} (${c.section})`);
    }
  }
  assert.deepEqual(unlisted, [], "claims missing from the docs/spec.md section they cite");
});

test("the npm package and the JSR publish set both ship docs/spec.md", () => {
  const files: string[] = JSON.parse(read("package.json")).files;
  assert.ok(files.includes("docs/spec.md") || files.includes("docs/"), "package.json files");
  const exclude: string[] = JSON.parse(read("deno.json")).publish?.exclude ?? [];
  const dropped = exclude.some((p) => p === "docs/" || p === "docs" || p === "docs/spec.md");
  assert.ok(!dropped || exclude.includes("!docs/spec.md"), "deno.json publish.exclude");
});

test("the CLI's help says that SPEC sections are those of docs/spec.md", () => {
  assert.match(usage(), /docs\/spec\.md/);
  assert.ok(SPEC_SECTIONS_NOTE.includes("docs/spec.md"));
  const cites = { name: "x", summary: "Map (SPEC A4).", options: {} };
  assert.ok(helpText(cites).endsWith(SPEC_SECTIONS_NOTE));
  assert.ok(!helpText({ ...cites, summary: "Map." }).includes(SPEC_SECTIONS_NOTE));
  const train = trainHelp([]);
  assert.equal(train.split(SPEC_SECTIONS_NOTE).length - 1, 1, "train --help says it once");
});
