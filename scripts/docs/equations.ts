/**
 * docs/equations.md's table, from the `// spec` tags of the code: every function that computes
 * an equation of docs/spec.md carries a line comment naming its sections, directly above its
 * declaration (or at the end of that line):
 *
 *   // spec A5                    one section
 *   // spec A5.1, A7              several
 *   // spec B3 (the neuron loop)  a note for the table, e.g. where in a bigger function it is
 *
 * in the float64 reference (TypeScript: src/ttfs, src/lif, src/nn, src/backend/ref.ts), the
 * wasm core (AssemblyScript: core-as/assembly) and the WGSL kernels (inside the template
 * strings of src/backend/webgpu). A tagged declaration is a `function`, a `class`, a method (named
 * Class.method or object.method) or a WGSL `fn`. The table joins each section with its tagged
 * functions, the registry claims whose `section` cites it, and the kernels tagged with it; a
 * second table pairs the layers by name (denseForward, denseForward1/2/T, dense_forward).
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { Claim } from "../../src/claims/claim.ts";
import { ValueError } from "../../src/errors.ts";
import { table } from "./regions.ts";

/** Which implementation a tagged function belongs to. */
export type EquationLayer = "reference" | "wasm" | "wgsl";

/** One `// spec` tag and the function it tags. */
export interface EquationTag {
  /** Section ids of docs/spec.md, e.g. ["A5.1", "A7"]. */
  sections: string[];
  /** The function: "spikeTime", "Adam.step", "dense_forward". */
  name: string;
  /** The name the layers share, without case, underscores or a wasm version suffix. */
  key: string;
  /** The tag's note, e.g. "the neuron loop" ("" if none). */
  note: string;
  /** Repository-relative path. */
  file: string;
  /** 1-based line of the declaration. */
  line: number;
  /** reference, wasm or wgsl (from the file's directory). */
  layer: EquationLayer;
}

/** A spec section heading: its id ("A5.1") and title. */
export interface SpecSection {
  /** "A5.1". */
  id: string;
  /** "The B = 1 model as a physical neuron". */
  title: string;
}

const ID = String.raw`[AB]\d+(?:\.\d+)?`;
const TAG = new RegExp(String.raw`//\s*spec\s+(${ID}(?:\s*,\s*${ID})*)(?:\s+\(([^)]*)\))?\s*$`);
const DECLARATIONS: [RegExp, boolean][] = [
  [/^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)/, false],
  [/^\s*(?:export\s+)?(?:abstract\s+)?class\s+(\w+)/, false],
  [/^\s*fn\s+(\w+)\s*\(/, false],
  [/^\s+(?:(?:static|async|public)\s+)*(\w+)\s*(?:<[^>]*>)?\(/, true],
];

/** The layer of a repository path: core-as/ is wasm, src/backend/webgpu/ WGSL, else reference. */
export function layerOf(file: string): EquationLayer {
  if (file.startsWith("core-as/")) return "wasm";
  return file.startsWith("src/backend/webgpu/") ? "wgsl" : "reference";
}

/** The shared name: "denseForward1" (wasm), "dense_forward", "denseForward" -> "denseforward". */
export function nameKey(name: string, layer: EquationLayer): string {
  const bare = layer === "wasm" ? name.replace(/(?<=[a-z])(?:1|2|T)$/, "") : name;
  return bare.replace(/[_.]/g, "").toLowerCase();
}

/** The class or object a method line belongs to: the last top-level class or const above. */
function container(lines: string[], at: number): { name: string; isClass: boolean } | undefined {
  for (let k = at - 1; k >= 0; k--) {
    const m = /^(?:export\s+)?(?:(class)\s+(\w+)|const\s+(\w+)\b)/.exec(lines[k]);
    if (m) return { name: m[2] ?? m[3], isClass: m[1] === "class" };
  }
  return undefined;
}

/**
 * The function a tag at line `at` names: that line's declaration (`rest`, the line before the
 * tag), or the next line's; [name, name for the key, 0-based line].
 */
function declaration(lines: string[], at: number, rest: string): [string, string, number] {
  for (const [line, text] of [[at, rest], [at + 1, lines[at + 1] ?? ""]] as const) {
    for (const [re, isMethod] of DECLARATIONS) {
      const m = re.exec(text);
      if (!m) continue;
      if (!isMethod) return [m[1], m[1], line];
      const c = container(lines, line);
      if (!c || ["if", "for", "while", "switch", "return"].includes(m[1])) continue;
      return [`${c.name}.${m[1]}`, c.isClass ? `${c.name}${m[1]}` : m[1], line];
    }
  }
  throw new ValueError(`line ${at + 1}: a '// spec' tag must sit on or just above a function`);
}

/** The `// spec` tags of one file's text; a ValueError for a tag above no function. */
export function scanTags(file: string, text: string): EquationTag[] {
  const lines = text.split("\n"), layer = layerOf(file), tags: EquationTag[] = [];
  lines.forEach((lineText, k) => {
    const m = TAG.exec(lineText);
    if (!m) return;
    const rest = lineText.slice(0, m.index);
    let decl: [string, string, number];
    try {
      decl = declaration(lines, k, rest);
    } catch (e) {
      throw new ValueError(`${file}: ${(e as Error).message}`);
    }
    const [name, keyName, line] = decl;
    tags.push({
      sections: m[1].split(",").map((s) => s.trim()),
      name,
      key: nameKey(keyName, layer),
      note: m[2] ?? "",
      file,
      line: line + 1,
      layer,
    });
  });
  return tags;
}

/** Repository-relative .ts files under `dir` (recursive, sorted), from the repository `root`. */
export function sourceFiles(root: URL, dir: string): string[] {
  return readdirSync(new URL(dir, root)).sort().flatMap((name) => {
    const path = `${dir}${name}`;
    if (statSync(new URL(path, root)).isDirectory()) return sourceFiles(root, `${path}/`);
    return path.endsWith(".ts") && !path.endsWith("core_module.ts") ? [path] : [];
  });
}

/** Every tag of src/ and core-as/assembly/, in path order. */
export function scanRepository(root: URL): EquationTag[] {
  const files = [...sourceFiles(root, "core-as/assembly/"), ...sourceFiles(root, "src/")].sort();
  return files.flatMap((f) => scanTags(f, readFileSync(new URL(f, root), "utf8")));
}

/** The A/B section headings of docs/spec.md, in order ("### A5.1. Title"). */
export function specSections(spec: string): SpecSection[] {
  return [...spec.matchAll(/^#{2,4} ([AB]\d+(?:\.\d+)?)\. (.*)$/gm)]
    .map((m) => ({ id: m[1], title: m[2].trim() }));
}

/** The section ids a claim's `section` cites after "SPEC": "SPEC A4, A8 (x)" -> [A4, A8]. */
export function claimSectionIds(section: string): string[] {
  const list = /SPEC\s+([^();]*)/.exec(section)?.[1] ?? "";
  return [...list.matchAll(new RegExp(ID, "g"))].map((m) => m[0]);
}

/** "`name` (`file`; note)" entries of one layer's tags, grouped by file. */
function cellOf(tags: EquationTag[]): string {
  if (tags.length === 0) return "-";
  const byFile = new Map<string, string[]>();
  for (const t of tags) {
    const entry = t.note ? `\`${t.name}\` (${t.note})` : `\`${t.name}\``;
    byFile.set(t.file, [...(byFile.get(t.file) ?? []), entry]);
  }
  return [...byFile].map(([file, names]) => `${names.join(", ")} in \`${file}\``).join("; ");
}

/** The section table: one row per heading of docs/spec.md. */
export function sectionTable(
  sections: SpecSection[],
  tags: EquationTag[],
  claims: readonly Claim[],
): string {
  const rows = sections.map(({ id, title }) => {
    const of = (layer: EquationLayer) =>
      cellOf(tags.filter((t) => t.layer === layer && t.sections.includes(id)));
    const cited = claims.filter((c) => claimSectionIds(c.section).includes(id));
    return [
      `${id}. ${title}`,
      of("reference"),
      cited.length ? cited.map((c) => `\`${c.id}\``).join(", ") : "-",
      of("wasm"),
      of("wgsl"),
    ];
  });
  return table(["section", "reference", "claims", "wasm (core-as)", "WGSL"], rows);
}

/** The name table: every kernel's shared name, with its reference, wasm and WGSL functions. */
export function nameTable(tags: EquationTag[]): string {
  const keys = [...new Set(tags.filter((t) => t.layer !== "reference").map((t) => t.key))];
  const names = (key: string, layer: EquationLayer) => {
    const found = tags.filter((t) => t.key === key && t.layer === layer);
    const list = [...new Set(found.map((t) => `\`${t.name}\``))];
    return list.length ? list.join(", ") : "-";
  };
  const rows = keys.sort().map((key) => [
    names(key, "reference"),
    names(key, "wasm"),
    names(key, "wgsl"),
    [...new Set(tags.filter((t) => t.key === key).flatMap((t) => t.sections))].join(", "),
  ]);
  return table(["reference", "wasm (core-as)", "WGSL", "sections"], rows);
}

/** The generated body of docs/equations.md. */
export function equationsBody(
  sections: SpecSection[],
  tags: EquationTag[],
  claims: readonly Claim[],
): string {
  const counts = (["reference", "wasm", "wgsl"] as const)
    .map((l) => `${tags.filter((t) => t.layer === l).length} ${l}`).join(", ");
  return [
    "### By section",
    sectionTable(sections, tags, claims),
    `${tags.length} tagged functions (${counts}).`,
    "### Names across the layers",
    "Every wasm or WGSL function tagged with an equation, with the functions of the other " +
    "layers that carry its name (the wasm core's version suffix 1, 2 or T aside).",
    nameTable(tags),
  ].join("\n\n");
}
