/**
 * `npm run docs`: rewrites the generated regions of README.md, docs/verification.md,
 * docs/cli.md and docs/equations.md (scripts/docs/generate.ts) in place, leaving the text around them as it is.
 * Every region is generated and placed before any file is written.
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { generatedRegions } from "./docs/generate.ts";
import { replaceRegion } from "./docs/regions.ts";

const root = new URL("../", import.meta.url);
const texts = new Map<string, { before: string; after: string }>();
for (const region of generatedRegions()) {
  const before = texts.get(region.file)?.before ?? readFileSync(new URL(region.file, root), "utf8");
  const after = replaceRegion(texts.get(region.file)?.after ?? before, region);
  texts.set(region.file, { before, after });
}
for (const [file, { before, after }] of texts) {
  if (after !== before) writeFileSync(new URL(file, root), after);
  console.log(`${file}: ${after === before ? "up to date" : "written"}`);
}
