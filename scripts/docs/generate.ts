/**
 * Every generated region of the docs (see regions.ts): the README's claims summary and
 * docs/verification.md's claims tables from the registry, docs/cli.md's reference from the
 * command specs, and docs/equations.md's table from the code's `// spec` tags (equations.ts). `npm run docs` (scripts/gen_docs.ts) writes them; tests/docs/generated.test.ts
 * fails when a committed one differs.
 *
 * @module
 */
import { CLAIMS } from "../../src/claims/registry.ts";
import { commandSpecs } from "../../src/cli/main.ts";
import { trainLifSpec } from "../../src/cli/train_lif.ts";
import { readFileSync } from "node:fs";
import { familyTable, fullTables } from "./claims_tables.ts";
import { cliReference, type CommandEntry } from "./cli_reference.ts";
import { equationsBody, scanRepository, specSections } from "./equations.ts";
import type { Region } from "./regions.ts";

/** The CLI reference's entries: every command, train once per model family. */
function commandEntries(): CommandEntry[] {
  return commandSpecs().flatMap((spec): CommandEntry[] =>
    spec.name === "train"
      ? [
        { title: "train (TTFS models)", spec },
        { title: "train (LIF models)", spec: trainLifSpec },
      ]
      : [{ title: spec.name, spec }]
  );
}

const root = new URL("../../", import.meta.url);

/** Every generated region, freshly generated. */
export function generatedRegions(): Region[] {
  const registry = "src/claims/registry.ts";
  const spec = readFileSync(new URL("docs/spec.md", root), "utf8");
  return [
    {
      file: "README.md",
      name: "claims",
      source: registry,
      body: familyTable(CLAIMS, "docs/verification.md"),
    },
    { file: "docs/verification.md", name: "claims", source: registry, body: fullTables(CLAIMS) },
    {
      file: "docs/cli.md",
      name: "cli",
      source: "the command specs in src/cli/",
      body: cliReference(commandEntries()),
    },
    {
      file: "docs/equations.md",
      name: "equations",
      source: `the \`// spec\` tags of src/ and core-as/, docs/spec.md and ${registry}`,
      body: equationsBody(specSections(spec), scanRepository(root), CLAIMS),
    },
  ];
}
