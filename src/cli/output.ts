/**
 * How every command reports: a human summary on stdout, or with `--json` one JSON object as the
 * last stdout line; with `--out FILE` the same JSON is also written to FILE atomically.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { checkWritable, writeFileAtomic } from "../io/atomic.ts";
import { type Chart, renderCharts } from "../plot/svg.ts";
import type { CommandSpec, OptionSpec, ParsedOptions } from "./args.ts";

/**
 * Print `report` (as JSON with --json, else `human`) and write it to --out if given.
 *
 * @example
 * ```ts ignore
 * import { emitReport } from "./output.ts";
 * await emitReport({ json: true }, { accuracy: 0.9 }, "accuracy 90%");
 * ```
 */
export async function emitReport(o: ParsedOptions, report: object, human: string): Promise<void> {
  const json = JSON.stringify(report);
  if (typeof o.out === "string") await writeFileAtomic(o.out, json + "\n");
  console.log(o.json ? json : human);
}

/**
 * Check every output option of `spec` that `o` sets (`OptionSpec.output`) before any work: each
 * must be writable ({@link checkWritable}), and no two may name the same file.
 *
 * @example
 * ```ts ignore
 * import { checkOutputs } from "./output.ts";
 * await checkOutputs(trainSpec, parseCommand(trainSpec, argv));
 * ```
 */
export async function checkOutputs(spec: CommandSpec, o: ParsedOptions): Promise<void> {
  const seen = new Map<string, string>();
  for (const [name, option] of Object.entries(spec.options)) {
    const path = o[name];
    if (!option.output || typeof path !== "string") continue;
    if (seen.has(path)) {
      throw new OptionError(`--${seen.get(path)} and --${name} both write ${path}`);
    }
    seen.set(path, name);
    await checkWritable(path);
  }
}

/** The `--json` and `--out` options every reporting command takes. */
export const reportOptions: Record<string, OptionSpec> = {
  json: { type: "boolean", help: "print the result as one JSON object, on the last stdout line" },
  out: {
    type: "string",
    value: "FILE",
    help: "also write the JSON result to FILE (atomically)",
    output: true,
  },
};

/** The `--data` option of every command that reads Fashion-MNIST. */
export const dataOption: OptionSpec = {
  type: "string",
  value: "DIR|embedded",
  help:
    "Fashion-MNIST directory (IDX .gz); default: /usr/share/datasets/fashion-mnist, else embedded",
};

/**
 * Write charts side by side as an SVG file, atomically, if `path` is a string.
 *
 * @example
 * ```ts ignore
 * import { writePlot } from "./output.ts";
 * await writePlot("curves.svg", charts);
 * ```
 */
export async function writePlot(path: unknown, charts: Chart[]): Promise<void> {
  if (typeof path === "string") await writeFileAtomic(path, renderCharts(charts));
}

/** The `--plot FILE.svg` option. */
export function plotOption(what: string): OptionSpec {
  return { type: "string", value: "FILE.svg", help: `write ${what} as an SVG plot`, output: true };
}
