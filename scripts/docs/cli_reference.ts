/**
 * docs/cli.md's reference part, from the command specs (src/cli/*.ts `*Spec`, the same tables
 * that parse the options and print `--help`): every command with its summary, every option
 * with its value, default and help, and its notes.
 *
 * @module
 */
import type { CommandSpec } from "../../src/cli/args.ts";
import { table } from "./regions.ts";

/** A command's heading anchor as GitHub makes it: "experiment depth" -> "experiment-depth". */
export const commandAnchor = (title: string): string =>
  title.toLowerCase().replace(/[^a-z0-9 -]/g, "").trim().replace(/ /g, "-");

/** Text outside code spans with Markdown's emphasis characters escaped ("H*W*C"). */
const prose = (text: string): string => text.replace(/[*_]/g, (c) => `\\${c}`);

/** One command: a heading, its summary, the options table and the notes. */
export function commandSection(spec: CommandSpec, title = spec.name): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [
    `\`--${name}\``,
    o.value ? `\`${o.value}\`` : "(flag)",
    o.default !== undefined ? `\`${o.default}\`` : "",
    prose(o.help),
  ]);
  rows.push(["`--help`", "(flag)", "", "show the command's help"]);
  const parts = [
    `### ${title}`,
    `\`spikeproof ${spec.name} [options]\`: ${prose(spec.summary)}`,
    table(["option", "value", "default", "help"], rows),
  ];
  if (spec.notes) parts.push(...spec.notes.split("\n").map(prose));
  return parts.join("\n\n");
}

/** A title and the spec it documents (train has one per model family). */
export interface CommandEntry {
  /** The heading, e.g. "train (LIF models)". */
  title: string;
  /** Its option table. */
  spec: CommandSpec;
}

/** The command index and every command's section. */
export function cliReference(entries: CommandEntry[]): string {
  const index = table(
    ["command", "what it does"],
    entries.map(({ title, spec }) => [`[${title}](#${commandAnchor(title)})`, prose(spec.summary)]),
  );
  return [index, ...entries.map(({ title, spec }) => commandSection(spec, title))].join("\n\n");
}
