/**
 * The generated parts of the docs (scripts/docs/): the README's claims summary and
 * docs/verification.md's claims tables come from the registry, docs/cli.md's reference from the
 * command specs, and the committed text equals a fresh `npm run docs`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CLAIMS } from "../../src/claims/registry.ts";
import { commandSpecs } from "../../src/cli/main.ts";
import { trainLifSpec } from "../../src/cli/train_lif.ts";
import { ValueError } from "../../src/errors.ts";
import { generatedRegions } from "../../scripts/docs/generate.ts";
import {
  extractRegion,
  type Region,
  renderRegion,
  replaceRegion,
} from "../../scripts/docs/regions.ts";

const root = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");

/** "FILE (NAME)" for every region whose text in `texts` is not its fresh rendering. */
function staleRegions(regions: Region[], texts: (file: string) => string): string[] {
  return regions
    .filter((r) => extractRegion(texts(r.file), r.name, r.file) !== renderRegion(r))
    .map((r) => `${r.file} (${r.name})`);
}

test("the committed claims tables and CLI reference equal a fresh `npm run docs`", () => {
  const stale = staleRegions(generatedRegions(), read);
  assert.deepEqual(stale, [], `stale generated docs: ${stale.join(", ")}; run npm run docs`);
});

test("a generated region that no longer matches its source is reported stale", () => {
  const regions = generatedRegions(), readme = read("README.md");
  const edited = readme.replace(/\| 1e-9 /, "| 1e-8 "); // a hand edit of a tolerance
  assert.notEqual(edited, readme);
  const texts = (file: string) => (file === "README.md" ? edited : read(file));
  assert.deepEqual(staleRegions(regions, texts), ["README.md (claims)"]);
  const changed = regions.map((r) => (r.name === "cli" ? { ...r, body: `${r.body}\nx` } : r));
  assert.deepEqual(staleRegions(changed, read), ["docs/cli.md (cli)"]);
});

test("the claims tables name every registry claim, and the README counts them all", () => {
  const [summary, full] = ["README.md", "docs/verification.md"].map((f) =>
    extractRegion(read(f), "claims", f)
  );
  const missing = CLAIMS.filter((c) => !full.includes(`\`${c.id}\``)).map((c) => c.id);
  assert.deepEqual(missing, [], "claims missing from docs/verification.md");
  assert.match(summary, new RegExp(`\\b${CLAIMS.length} claims in \\d+ families`));
  for (const group of new Set(CLAIMS.map((c) => c.group))) {
    assert.ok(summary.includes(`(docs/verification.md#${group})`), `README family ${group}`);
  }
});

test("the CLI reference has every command and every option of its spec", () => {
  const reference = extractRegion(read("docs/cli.md"), "cli", "docs/cli.md");
  for (const spec of [...commandSpecs(), trainLifSpec]) {
    assert.ok(reference.includes(`\`spikeproof ${spec.name} [options]\``), spec.name);
    for (const name of Object.keys(spec.options)) {
      assert.ok(reference.includes(`\`--${name}\``), `${spec.name} --${name}`);
    }
  }
});

test("regions are replaced in place, and a file without its markers is a ValueError", () => {
  const r: Region = { file: "x.md", name: "t", source: "here", body: "new" };
  const text = `before\n<!-- t:start -->\nold\n<!-- t:end -->\nafter\n`;
  const replaced = replaceRegion(text, r);
  assert.equal(replaced, `before\n${renderRegion(r)}\nafter\n`);
  assert.equal(extractRegion(replaced, "t"), renderRegion(r));
  assert.throws(() => replaceRegion("no markers", r), ValueError);
  assert.throws(() => replaceRegion(`${text}${text}`, r), ValueError);
});
