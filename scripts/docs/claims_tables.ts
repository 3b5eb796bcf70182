/**
 * The claims tables of the docs, from the registry (src/claims/registry.ts): one row per
 * family (a group: one file of src/claims/, one test file of tests/claims/) for the README, one
 * row per claim for docs/verification.md. Only static fields: measured errors are seed- and
 * run-bound and live in docs/results.md.
 *
 * @module
 */
import type { Claim } from "../../src/claims/claim.ts";
import { table } from "./regions.ts";

/** "Stanojevic 2023; Stanojevic 2024" from "Stanojevic et al. 2023 (exact mapping); 2024". */
export function shortPapers(papers: string[]): string {
  const out: string[] = [];
  for (const paper of papers) {
    let author = "";
    for (const part of paper.split(";").map((p) => p.trim())) {
      const m = /^(?:(\S+)(?: et al\.)?\s+)?(\d{4})\b/.exec(part);
      if (m) author = m[1] ?? author;
      const label = m ? `${author} ${m[2]}` : part.replace(/\s*\(.*\)$/, "");
      if (!out.includes(label)) out.push(label);
    }
  }
  return out.sort().join(", ");
}

/** The spec sections a list of section strings cites: "A3, A5" (and "Fig. 2a", "float32"). */
export function sectionIds(sections: string[]): string {
  const ids = new Set<string>(), extra = new Set<string>();
  for (const s of sections) {
    for (const m of s.matchAll(/Fig\. \w+/g)) extra.add(m[0]);
    const spec = /SPEC\s+([^()]*)/.exec(s);
    for (const m of (spec?.[1] ?? "").matchAll(/[AB]\d+/g)) ids.add(m[0]);
    if (!spec) extra.add(s.replace(/\s*\(.*\)$/, ""));
  }
  const sorted = [...ids].sort((a, b) =>
    a[0] === b[0] ? Number(a.slice(1)) - Number(b.slice(1)) : a < b ? -1 : 1
  );
  return [...extra, ...sorted].join(", ");
}

/** A tolerance as the table shows it: 0 is exact, 1 is a normalized error (error / bound). */
export function tolerance(t: number): string {
  if (t === 0) return "0 (exact)";
  if (t === 1) return "1 (normalized)";
  return t >= 1e-3 ? String(t) : t.toExponential();
}

/** The claims' groups in registry order. */
function groups(claims: readonly Claim[]): Map<string, Claim[]> {
  const byGroup = new Map<string, Claim[]>();
  for (const c of claims) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
  return byGroup;
}

/** The test file that runs a group's claims. */
const testFile = (group: string) => `tests/claims/${group.replace(/-/g, "_")}.test.ts`;

/**
 * One row per family: name (linking its claims in `fullTablePage`), count, papers, SPEC
 * sections and tolerances.
 */
export function familyTable(claims: readonly Claim[], fullTablePage: string): string {
  const rows = [...groups(claims)].map(([group, cs]) => [
    `[${group}](${fullTablePage}#${group})`,
    String(cs.length),
    shortPapers(cs.map((c) => c.paper)),
    sectionIds(cs.map((c) => c.section)),
    [...new Set(cs.map((c) => tolerance(c.tolerance)))].join(", "),
  ]);
  const total = `${claims.length} claims in ${rows.length} families`;
  return `${table(["family", "claims", "papers", "sections", "tolerances"], rows)}\n\n${total}.`;
}

/** One table per family, one row per claim: id, statement, paper, section, tolerance, runs. */
export function fullTables(claims: readonly Claim[], root = "../"): string {
  return [...groups(claims)].map(([group, cs]) => {
    const rows = cs.map((c) => [
      `\`${c.id}\``,
      c.statement,
      shortPapers([c.paper]),
      c.section,
      tolerance(c.tolerance),
      String(c.defaultRuns),
    ]);
    const file = testFile(group);
    const head = `### ${group}\n\nRun by [\`${file}\`](${root}${file}).`;
    return `${head}\n\n${
      table(["id", "statement", "paper", "section", "tolerance", "runs"], rows)
    }`;
  }).join("\n\n");
}
