/**
 * `train` serves two model families with two option tables (TTFS: `train.ts`, LIF:
 * `train_lif.ts`); the parsed --model picks one. This file parses the command line once,
 * refuses an option of the other family by name, and writes the help that shows both.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import {
  type CommandSpec,
  givenOptions,
  helpText,
  type ParsedOptions,
  parseGiven,
  SPEC_SECTIONS_NOTE,
  withDefaults,
} from "./args.ts";
import { trainSpec } from "./train.ts";
import { trainLifSpec } from "./train_lif.ts";

/** Both families' options, so that `train` parses its command line once. */
const BOTH: CommandSpec = {
  name: "train",
  summary: "",
  options: { ...trainSpec.options, ...trainLifSpec.options },
};

/** `train`'s command line parsed once: the family --model names, its table and the options. */
export interface ParsedTrain {
  /** True for a LIF model (--model lif-*), false for a TTFS one. */
  lif: boolean;
  /** The family's option table (`trainLifSpec` or `trainSpec`). */
  spec: CommandSpec;
  /** The options, with the family's defaults filled in (`givenOptions` tells them apart). */
  options: ParsedOptions;
}

/**
 * Parse `train`'s command line once against both families' options; the parsed --model picks
 * the family, whose defaults fill the rest. An option of the other family is refused by name,
 * never as merely "unknown".
 *
 * @example
 * ```ts
 * import { parseTrain } from "./train_options.ts";
 * const t = parseTrain(["--model", "lif-mlp", "--method", "ottt-o"]);
 * console.log(t.lif, t.options.T); // true "6"
 * ```
 */
export function parseTrain(argv: string[]): ParsedTrain {
  const given = parseGiven(BOTH, argv), lif = String(given.model ?? "").startsWith("lif-");
  const spec = lif ? trainLifSpec : trainSpec, other = lif ? trainSpec : trainLifSpec;
  for (const name of givenOptions(given)) {
    if (name in spec.options || !(name in other.options)) continue;
    throw new OptionError(
      lif
        ? `--${name} is an option of the TTFS models, not of LIF training; see \`train --help\``
        : `--${name} is an option of the LIF models: add --model lif-mlp or --model lif-conv`,
    );
  }
  return { lif, spec, options: withDefaults(spec, given) };
}

/**
 * `train --help`: the table of the model family --model names, or both tables.
 *
 * @example
 * ```ts
 * import { trainHelp } from "./train_options.ts";
 * console.log(trainHelp([]).includes("--method")); // true
 * ```
 */
export function trainHelp(argv: string[]): string {
  if (argv.some((a) => a === "--model" || a.startsWith("--model="))) {
    return helpText(parseTrain(argv.filter((a) => a !== "--help" && a !== "-h")).spec);
  }
  const ttfs = helpText(trainSpec).replace(`\n\n${SPEC_SECTIONS_NOTE}`, ""); // said once, at the end
  return `${ttfs}\n\nLIF models (--model lif-mlp | lif-conv) take these ` +
    `options instead:\n\n${helpText(trainLifSpec)}`;
}
