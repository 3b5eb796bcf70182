/**
 * `spikeproof export --model CKPT --format nir --out NET.nir`: a LIF checkpoint (lif-mlp,
 * lif-conv, or any LIF net the library trains) as a NIR graph, for snnTorch, Norse, Rockpool,
 * Sinabs, Lava and the neuromorphic chips that read NIR (docs/nir.md).
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { OptionError } from "../errors.ts";
import type { NirDocument } from "../io/nir.ts";
import { writeNir } from "../io/nir_hdf5.ts";
import { loadLifNetwork } from "../lif/checkpoint.ts";
import { lifToNir, NIR_DT } from "../lif/nir.ts";
import {
  type CommandSpec,
  numberOption,
  optionsOf,
  type ParsedOptions,
  requiredOption,
} from "./args.ts";
import { emitReport } from "./output.ts";

/** The formats `export` and `import` know. */
export const NET_FORMATS = ["nir"];

/**
 * Throws OptionError unless `--format` names a known format.
 *
 * @example
 * ```ts
 * import { formatOption } from "./export.ts";
 * console.log(formatOption({ format: "nir" })); // "nir"
 * ```
 */
export function formatOption(o: ParsedOptions): string {
  const format = String(o.format);
  if (!NET_FORMATS.includes(format)) {
    throw new OptionError(`unknown --format '${format}'; known: ${NET_FORMATS.join(", ")}`);
  }
  return format;
}

/** The `--dt` option of both commands. */
export const dtOption = {
  type: "string" as const,
  value: "DT",
  help: `the time step of the NIR time constants: tau = dt / (1 - lambda), r = tau / dt`,
};

/** `export`'s options and help. */
export const exportSpec: CommandSpec = {
  name: "export",
  summary: "Export a LIF network (safetensors checkpoint) as a NIR graph (HDF5), for other SNN " +
    "libraries and neuromorphic hardware (docs/nir.md).",
  options: {
    model: { type: "string", value: "FILE", help: "the LIF checkpoint (safetensors)" },
    format: { type: "string", value: "FORMAT", default: "nir", help: "the output format: nir" },
    out: { type: "string", value: "FILE", help: "the NIR file to write (atomic)", output: true },
    dt: { ...dtOption, default: String(NIR_DT) },
    json: { type: "boolean", help: "print the result as one JSON object, on the last stdout line" },
  },
  notes: "The neuron's soft reset (SPEC B1) has no NIR equivalent: LIF nodes carry v_reset = 0 " +
    "and metadata reset_mechanism = subtract (docs/nir.md). TTFS checkpoints are not exported.",
};

/** What the node types of a graph are, e.g. "Input, Affine x2, LIF, Output". */
function nodeSummary(doc: NirDocument): string {
  const counts = new Map<string, number>();
  for (const n of Object.values(doc.graph.nodes)) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  return [...counts].map(([t, c]) => (c > 1 ? `${t} x${c}` : t)).join(", ");
}

/**
 * Run `export`.
 *
 * @example
 * ```ts ignore
 * import { runExport } from "./export.ts";
 * await runExport(["--model", "lif.safetensors", "--out", "lif.nir"]);
 * ```
 */
export async function runExport(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(exportSpec, argv);
  formatOption(o);
  const model = requiredOption(o, "model"), out = requiredOption(o, "out");
  const dt = numberOption(o, "dt", { min: Number.MIN_VALUE });
  const net = await loadLifNetwork(model);
  const doc = lifToNir(net, { dt });
  await writeNir(out, doc);
  const { size } = await stat(out);
  const report = {
    model,
    out,
    format: "nir",
    version: doc.version,
    dt,
    bytes: size,
    nodes: Object.keys(doc.graph.nodes).length,
    edges: doc.graph.edges,
  };
  await emitReport(
    { json: o.json },
    report,
    `wrote ${out}: NIR ${doc.version}, ${report.nodes} nodes (${nodeSummary(doc)}), ` +
      `${size} bytes, dt ${dt}`,
  );
}
