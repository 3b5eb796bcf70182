/**
 * The `spikeproof` command line: dispatch to a command, print help, and turn typed errors into
 * one clear line and an exit code (2 for bad options, 1 for everything else).
 *
 * @module
 */
import { OptionError, SpikeproofError } from "../errors.ts";
import { type CommandSpec, helpText, parseCommand, type ParsedOptions } from "./args.ts";
import { checkOutputs } from "./output.ts";
import {
  analyzeJacobianSpec,
  experimentDepthSpec,
  runAnalyzeJacobian,
  runExperimentDepth,
} from "./depth.ts";
import { experimentConstraintsSpec, runExperimentConstraints } from "./constraints.ts";
import { demoSpec, runDemo } from "./demo.ts";
import { mapSpec, runMap, runSpikes, spikesSpec } from "./map.ts";
import { runTrain, trainSpec } from "./train.ts";
import { runTrainLif } from "./train_lif.ts";
import { parseTrain, trainHelp } from "./train_options.ts";
import { experimentCostSpec, runExperimentCost } from "./lif_cost.ts";
import { gradSpec, runGrad } from "./grad.ts";
import { runVerify, verifySpec } from "./verify.ts";
import { exportSpec, runExport } from "./export.ts";
import { importSpec, parseImport, runImport } from "./import_nir.ts";

const COMMANDS: Record<
  string,
  {
    spec: CommandSpec;
    run: (options: ParsedOptions) => Promise<unknown>;
    /** A parser of its own (a command with a positional argument). */
    parse?: (argv: string[]) => { spec: CommandSpec; options: ParsedOptions };
  }
> = {
  train: {
    spec: trainSpec, // its help and parsing: train_options.ts (two families, one parse)
    run: (o) => (String(o.model).startsWith("lif-") ? runTrainLif(o) : runTrain(o)),
  },
  demo: { spec: demoSpec, run: runDemo },
  map: { spec: mapSpec, run: runMap },
  spikes: { spec: spikesSpec, run: runSpikes },
  "experiment depth": { spec: experimentDepthSpec, run: runExperimentDepth },
  "experiment constraints": { spec: experimentConstraintsSpec, run: runExperimentConstraints },
  "experiment cost": { spec: experimentCostSpec, run: runExperimentCost },
  grad: { spec: gradSpec, run: runGrad },
  "analyze jacobian": { spec: analyzeJacobianSpec, run: runAnalyzeJacobian },
  verify: { spec: verifySpec, run: (a) => runVerify(a) },
  export: { spec: exportSpec, run: runExport },
  import: { spec: importSpec, run: runImport, parse: parseImport },
};

/** Commands of two words ("experiment depth") are looked up by both words. */
const GROUPS = new Set(
  Object.keys(COMMANDS).filter((k) => k.includes(" ")).map((k) => k.split(" ")[0]),
);

/**
 * Every command's option table, in the order of the top-level help (for `train`, the TTFS
 * table; `trainLifSpec` in train_lif.ts is its LIF form). docs/cli.md is generated from these.
 *
 * @example
 * ```ts
 * import { commandSpecs } from "./main.ts";
 * console.log(commandSpecs()[0].name); // "train"
 * ```
 */
export function commandSpecs(): CommandSpec[] {
  return Object.values(COMMANDS).map((c) => c.spec);
}

/**
 * The top-level help.
 *
 * @example
 * ```ts
 * import { usage } from "./main.ts";
 * console.log(usage().startsWith("usage")); // true
 * ```
 */
export function usage(): string {
  const rows = Object.values(COMMANDS).map(({ spec }) =>
    `  ${spec.name.padEnd(23)} ${spec.summary}`
  );
  return [
    "usage: spikeproof <command> [options]",
    "",
    "commands:",
    ...rows,
    "",
    "Run `spikeproof <command> --help` for a command's options.",
    'Every equation, its sources and the sections cited as "SPEC A4" etc.: docs/spec.md.',
  ].join("\n");
}

/**
 * Run the CLI with `argv` (without the program name); resolves to the exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * const code = await main(["demo", "--help"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [first, ...tail] = argv;
  const grouped = GROUPS.has(first) && tail.length > 0 && !tail[0].startsWith("-");
  const name = grouped ? `${first} ${tail[0]}` : first, rest = grouped ? tail.slice(1) : tail;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new OptionError(
        `unknown command '${name}'; known: ${Object.keys(COMMANDS).join(", ")}`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(name === "train" ? trainHelp(rest) : helpText(command.spec));
      return 0;
    }
    // parsed once; every output checked before any work, so that no result is lost
    const { spec, options } = name === "train"
      ? parseTrain(rest)
      : command.parse?.(rest) ?? { spec: command.spec, options: parseCommand(command.spec, rest) };
    await checkOutputs(spec, options);
    await command.run(options);
    return 0;
  } catch (e) {
    if (e instanceof SpikeproofError) {
      console.error(`spikeproof: ${e.name}: ${e.message}`);
      return e instanceof OptionError ? 2 : 1;
    }
    throw e;
  }
}
