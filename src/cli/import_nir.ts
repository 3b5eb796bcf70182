/**
 * `spikeproof import --format nir NET.nir --out CKPT`: a NIR graph of the node types `export`
 * writes (Input, Affine/Linear or Conv2d, LIF or IF, AvgPool2d, Flatten, Output) as a LIF
 * checkpoint. Refused with a DataError, ShapeError or ValueError naming the node: other node
 * types, shapes that do not chain, NaN or infinite arrays, and, without --lossy-reset, neurons
 * whose reset is NIR's own (v = v_reset) rather than spikeproof's subtraction (docs/nir.md).
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { readNir } from "../io/nir_hdf5.ts";
import { saveLifNetwork } from "../lif/checkpoint.ts";
import { nirToLif } from "../lif/nir_import.ts";
import { describeLayers } from "../nn/architecture.ts";
import {
  type CommandSpec,
  numberOption,
  optionsOf,
  parseCommand,
  type ParsedOptions,
  requiredOption,
} from "./args.ts";
import { dtOption, formatOption } from "./export.ts";
import { emitReport } from "./output.ts";

/** `import`'s options and help. */
export const importSpec: CommandSpec = {
  name: "import",
  summary: "Import a NIR graph (usage: import --format nir NET.nir --out CKPT) as a LIF " +
    "checkpoint (safetensors) that produces the same spikes (docs/nir.md).",
  options: {
    format: { type: "string", value: "FORMAT", default: "nir", help: "the input format: nir" },
    out: {
      type: "string",
      value: "FILE",
      help: "the LIF checkpoint to write (safetensors, atomic)",
      output: true,
    },
    dt: { ...dtOption, help: `${dtOption.help} (default: the file's metadata dt, else 1e-4)` },
    "lossy-reset": {
      type: "boolean",
      help: "read neurons that reset to v_reset (NIR's LIF) as spikeproof's soft reset",
    },
    json: { type: "boolean", help: "print the result as one JSON object, on the last stdout line" },
  },
  notes: "NET.nir is the one positional argument. lambda = 1 - dt / tau (1 for IF); V_th = " +
    "v_threshold. Graphs spikeproof's LIF nets cannot hold are refused, naming the node.",
};

/**
 * Parse `import`'s command line: its options, and the NIR file as the one positional argument
 * (in `input`).
 *
 * @example
 * ```ts
 * import { parseImport } from "./import_nir.ts";
 * console.log(parseImport(["--format", "nir", "net.nir", "--out", "x.safetensors"]).options.input); // "net.nir"
 * ```
 */
export function parseImport(argv: string[]): { spec: CommandSpec; options: ParsedOptions } {
  const positional: number[] = [];
  argv.forEach((a, k) => {
    const prev = argv[k - 1]?.startsWith("--") ? argv[k - 1].slice(2) : undefined;
    const takesValue = prev !== undefined && !prev.includes("=") &&
      importSpec.options[prev]?.type === "string";
    if (!a.startsWith("-") && !takesValue) positional.push(k);
  });
  if (positional.length !== 1) {
    throw new OptionError(
      `import: need one NIR file, got ${positional.length}; see \`import --help\``,
    );
  }
  const options = parseCommand(importSpec, argv.filter((_, k) => k !== positional[0]));
  return { spec: importSpec, options: { ...options, input: argv[positional[0]] } };
}

/**
 * Run `import`; `input` is the NIR file (see {@link parseImport}).
 *
 * @example
 * ```ts ignore
 * import { runImport } from "./import_nir.ts";
 * await runImport(["--format", "nir", "lif.nir", "--out", "lif.safetensors"]);
 * ```
 */
export async function runImport(argv: string[] | ParsedOptions): Promise<void> {
  const o = Array.isArray(argv) ? parseImport(argv).options : optionsOf(importSpec, argv);
  formatOption(o);
  const input = requiredOption(o, "input"), out = requiredOption(o, "out");
  const dt = o.dt === undefined ? undefined : numberOption(o, "dt", { min: Number.MIN_VALUE });
  const doc = await readNir(input);
  const net = nirToLif(doc, { dt, lossyReset: o["lossy-reset"] === true });
  await saveLifNetwork(out, net);
  const report = {
    input,
    out,
    version: doc.version,
    layers: describeLayers(net.layers.map((l) => ({ ...l, pool: l.avgPool }))),
    lambda: net.lambda,
    vth: net.vth,
    surrogateSlope: net.surrogateSlope,
  };
  await emitReport(
    { json: o.json },
    report,
    `wrote ${out}: LIF ${report.layers}, lambda ${net.lambda}, V_th ${net.vth} (from ${input})`,
  );
}
