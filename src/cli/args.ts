/**
 * Command-line options: one declarative spec per command gives both the parser and the
 * `--help` text, so they cannot drift apart. Unknown options and bad values throw
 * {@link OptionError} with a message that names the option.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { OptionError } from "../errors.ts";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** Shown in the help as `--name VALUE`. */
  value?: string;
  default?: string;
  help: string;
  /** A file the command writes: `main` checks that it can be written before any work. */
  output?: boolean;
}

/** A command: its name, a one-line summary and its options. */
export interface CommandSpec {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Extra help text after the options. */
  notes?: string;
}

/** Parsed option values (strings, booleans; absent options are undefined unless defaulted). */
export type ParsedOptions = Record<string, string | boolean | undefined>;

/** A number with a minus sign, e.g. "-1", "-.5", "-3e-4": a value, not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--name -1` as `--name=-1` for string options, so that a negative number is read as the
 * option's value (node's parseArgs would take "-1" for an option and call it ambiguous).
 */
function joinNegativeValues(argv: string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const name = argv[k].startsWith("--") ? argv[k].slice(2) : undefined;
    if (name && options[name]?.type === "string" && NEGATIVE_NUMBER.test(argv[k + 1] ?? "")) {
      out.push(`${argv[k]}=${argv[++k]}`);
    } else out.push(argv[k]);
  }
  return out;
}

/** The options given on the command line of each parsed result (defaults excluded). */
const GIVEN = new WeakMap<ParsedOptions, ReadonlySet<string>>();

/**
 * The names of the options the command line gave (not filled in from defaults) of a result of
 * {@link parseCommand} or {@link parseGiven}; empty for any other object.
 *
 * @example
 * ```ts
 * import { givenOptions, parseCommand } from "./args.ts";
 * const spec = { name: "x", summary: "", options: { n: { type: "string" as const, default: "1", help: "" }, m: { type: "string" as const, default: "2", help: "" } } };
 * console.log([...givenOptions(parseCommand(spec, ["--n", "3"]))]); // ["n"]
 * ```
 */
export function givenOptions(o: ParsedOptions): ReadonlySet<string> {
  return GIVEN.get(o) ?? new Set();
}

/**
 * `o`, or `argv` parsed against `spec`: what a command's run function takes, so that the CLI
 * parses once and hands the result over while tests and scripts can still pass argv.
 *
 * @example
 * ```ts
 * import { optionsOf } from "./args.ts";
 * const spec = { name: "x", summary: "", options: { n: { type: "string" as const, help: "" } } };
 * console.log(optionsOf(spec, ["--n", "3"]).n, optionsOf(spec, { n: "4" }).n); // "3" "4"
 * ```
 */
export function optionsOf(spec: CommandSpec, input: string[] | ParsedOptions): ParsedOptions {
  return Array.isArray(input) ? parseCommand(spec, input) : input;
}

/**
 * Parse `argv` against a command spec, defaults not filled in (see {@link parseCommand}).
 *
 * @example
 * ```ts
 * import { parseGiven } from "./args.ts";
 * const spec = { name: "x", summary: "", options: { n: { type: "string" as const, default: "1", help: "" } } };
 * console.log(parseGiven(spec, []).n); // undefined
 * ```
 */
export function parseGiven(spec: CommandSpec, argv: string[]): ParsedOptions {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type };
  let values: ParsedOptions, positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional.*$/s, "");
    throw new OptionError(`${spec.name}: ${msg}; see \`${spec.name} --help\``);
  }
  if (positionals.length) {
    throw new OptionError(
      `${spec.name}: unexpected argument '${positionals[0]}'; see \`${spec.name} --help\``,
    );
  }
  GIVEN.set(values, new Set(Object.keys(values).filter((k) => k !== "help")));
  return values;
}

/**
 * `given` (from {@link parseGiven}) with every unset option of `spec` at its default.
 *
 * @example
 * ```ts
 * import { withDefaults } from "./args.ts";
 * const spec = { name: "x", summary: "", options: { n: { type: "string" as const, default: "1", help: "" } } };
 * console.log(withDefaults(spec, {}).n); // "1"
 * ```
 */
export function withDefaults(spec: CommandSpec, given: ParsedOptions): ParsedOptions {
  const values: ParsedOptions = { ...given };
  for (const [name, o] of Object.entries(spec.options)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
  }
  GIVEN.set(values, givenOptions(given));
  return values;
}

/**
 * Parse `argv` against a command spec. `--help` is always accepted.
 *
 * @example
 * ```ts
 * import { parseCommand } from "./args.ts";
 * const spec = { name: "x", summary: "", options: { n: { type: "string" as const, help: "" } } };
 * console.log(parseCommand(spec, ["--n", "3"]).n); // "3"
 * ```
 */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedOptions {
  return withDefaults(spec, parseGiven(spec, argv));
}

/**
 * The line a help text ends with when it cites a section of the specification ("SPEC A4"),
 * saying where those sections are.
 *
 * @example
 * ```ts
 * import { SPEC_SECTIONS_NOTE } from "./args.ts";
 * console.log(SPEC_SECTIONS_NOTE.includes("docs/spec.md")); // true
 * ```
 */
export const SPEC_SECTIONS_NOTE: string =
  'Sections cited as "SPEC A4" etc. are those of docs/spec.md (in the package).';

/**
 * The `--help` text of a command.
 *
 * @example
 * ```ts
 * import { helpText } from "./args.ts";
 * console.log(helpText({ name: "demo", summary: "Run the demo.", options: {} }));
 * ```
 */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const left = `  --${name}${o.value ? ` ${o.value}` : ""}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : "";
    return `${left.padEnd(26)} ${o.help}${def}`;
  });
  rows.push(`${"  --help".padEnd(26)} Show this help.`);
  const usage = `usage: spikeproof ${spec.name} [options]`;
  const text = [usage, "", spec.summary, "", "options:", ...rows];
  if (spec.notes) text.push("", spec.notes);
  if (/SPEC [AB]\d/.test(text.join("\n"))) text.push("", SPEC_SECTIONS_NOTE);
  return text.join("\n");
}

/**
 * Read a number option, checking it is finite and in range (and an integer if asked).
 *
 * @example
 * ```ts
 * import { numberOption } from "./args.ts";
 * console.log(numberOption({ lr: "5e-4" }, "lr", { min: 0 })); // 0.0005
 * ```
 */
export function numberOption(
  values: ParsedOptions,
  name: string,
  { integer = false, min = -Infinity, max = Infinity } = {},
): number {
  const raw = values[name];
  const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const what = integer ? "an integer" : "a number";
    throw new OptionError(`--${name} must be ${what} in [${min}, ${max}], got '${raw}'`);
  }
  return v;
}

/**
 * Read a comma-separated list of finite numbers; an empty string is an empty list.
 *
 * @example
 * ```ts
 * import { numberListOption } from "./args.ts";
 * console.log(numberListOption({ jitter: "0.01,0.1" }, "jitter")); // [0.01, 0.1]
 * ```
 */
export function numberListOption(values: ParsedOptions, name: string): number[] {
  const raw = values[name];
  const list = String(raw ?? "").split(",").filter((s) => s.trim() !== "").map(Number);
  if (list.some((v) => !Number.isFinite(v))) {
    throw new OptionError(`--${name} must be a comma-separated list of numbers, got '${raw}'`);
  }
  return list;
}

/**
 * Read an option that must be given, e.g. `--model FILE`.
 *
 * @example
 * ```ts
 * import { requiredOption } from "./args.ts";
 * console.log(requiredOption({ model: "m.safetensors" }, "model")); // "m.safetensors"
 * ```
 */
export function requiredOption(values: ParsedOptions, name: string): string {
  const v = values[name];
  if (typeof v !== "string") throw new OptionError(`--${name} FILE is required`);
  return v;
}

/**
 * Read a comma-separated list of positive integers, e.g. `--hidden 340,340`.
 *
 * @example
 * ```ts
 * import { intListOption } from "./args.ts";
 * console.log(intListOption({ hidden: "340,128" }, "hidden")); // [340, 128]
 * ```
 */
export function intListOption(values: ParsedOptions, name: string, min = 1): number[] {
  const raw = String(values[name] ?? "");
  const list = raw.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  if (!raw || list.some((v) => !Number.isInteger(v) || v < min)) {
    throw new OptionError(
      `--${name} must be a comma-separated list of integers >= ${min}, got '${raw}'`,
    );
  }
  return list;
}
