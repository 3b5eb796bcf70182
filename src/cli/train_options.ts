/**
 * `train` serves two model families with two option tables (TTFS: `train.ts`, LIF:
 * `train_lif.ts`); --model picks one. This file picks it, refuses an option of the other family
 * by name, and writes the help that shows both.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { type CommandSpec, helpText, SPEC_SECTIONS_NOTE } from "./args.ts";
import { trainSpec } from "./train.ts";
import { isLifTrain, trainLifSpec } from "./train_lif.ts";

/**
 * `train`'s option table for `argv`: the LIF one when --model names a LIF model, else the TTFS
 * one. An option of the other family is refused by name, never as merely "unknown".
 *
 * @example
 * ```ts
 * import { trainSpecOf } from "./train_options.ts";
 * console.log(trainSpecOf(["--model", "lif-mlp"]).options.method !== undefined); // true
 * ```
 */
export function trainSpecOf(argv: string[]): CommandSpec {
  const lif = isLifTrain(argv), spec = lif ? trainLifSpec : trainSpec;
  const other = lif ? trainSpec : trainLifSpec;
  for (const arg of argv) {
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (!name || name in spec.options || !(name in other.options)) continue;
    throw new OptionError(
      lif
        ? `--${name} is an option of the TTFS models, not of LIF training; see \`train --help\``
        : `--${name} is an option of the LIF models: add --model lif-mlp or --model lif-conv`,
    );
  }
  return spec;
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
    return helpText(trainSpecOf(argv.filter((a) => a !== "--help" && a !== "-h")));
  }
  const ttfs = helpText(trainSpec).replace(`\n\n${SPEC_SECTIONS_NOTE}`, ""); // said once, at the end
  return `${ttfs}\n\nLIF models (--model lif-mlp | lif-conv) take these ` +
    `options instead:\n\n${helpText(trainLifSpec)}`;
}
