/**
 * `spikeproof experiment cost`: the cost table of the LIF training methods for one model
 * (counted MACs, state floats, measured time and peak memory; see experiments/lif_cost.ts).
 *
 * @module
 */
import { backendByName, CLI_BACKEND } from "../backend/select.ts";
import { OptionError } from "../errors.ts";
import { type LifCostRow, lifCostTable } from "../experiments/lif_cost.ts";
import { buildLayers } from "../nn/architecture.ts";
import {
  type CommandSpec,
  intListOption,
  numberOption,
  optionsOf,
  type ParsedOptions,
} from "./args.ts";
import { emitReport, reportOptions } from "./output.ts";
import { runtimeName } from "./train.ts";
import { LIF_MODELS } from "../lif/models.ts";
import { lifModelLayers, oneOf } from "./train_lif.ts";

/** `experiment cost`'s options and help. */
export const experimentCostSpec: CommandSpec = {
  name: "experiment cost",
  summary: "Count, time and measure every LIF training method on one batch (SAF vs OTTT vs BPTT).",
  options: {
    model: {
      type: "string",
      value: "NAME",
      default: "lif-mlp",
      help: Object.keys(LIF_MODELS).join(" | "),
    },
    hidden: { type: "string", value: "W,W,...", help: "lif-mlp hidden widths" },
    T: { type: "string", value: "N", default: "6", help: "time steps" },
    sweep: {
      type: "string",
      value: "T,T,...",
      default: "2,16",
      help: "further T for the memory sweep",
    },
    batch: { type: "string", value: "N", default: "64", help: "batch size" },
    repeats: { type: "string", value: "N", default: "3", help: "timed runs per method (median)" },
    backend: { type: "string", value: "ref|wasm", default: CLI_BACKEND, help: "kernels" },
    "ottt-forward": {
      type: "string",
      value: "NAME",
      default: "both",
      help: "OTTT rows: replace (W s and W a_hat per wrapped layer, the OTTT code's Replace) | " +
        "lean (W s only) | both",
    },
    "ottt-variant": {
      type: "string",
      value: "NAME",
      default: "both",
      help: "OTTT rows: trace (every layer wrapped) | official (the authors' code: layer 1 " +
        "unwrapped) | both",
    },
    ...reportOptions,
  },
  notes:
    "Run with NODE_OPTIONS=--expose-gc (Deno: --v8-flags=--expose-gc) for the live-memory figures.",
};

/** A row's name: the method, and for OTTT its variant and forward, e.g. "ottt-o (official, replace)". */
const rowName = (r: LifCostRow) =>
  r.otttForward ? `${r.method} (${r.variant}, ${r.otttForward})` : r.method;

/** A fixed-width table of the rows. */
function table(rows: LifCostRow[], T: number, sweep: number[]): string {
  const M = (v: number) => (v / 1e6).toFixed(3), MiB = (v: number) => (v / 2 ** 20).toFixed(2);
  const head = [
    "method",
    "fwd MMAC",
    "bwd MMAC",
    "fwd matmul/layer/step",
    "state/neuron",
    "state/input",
    "state/synapse",
    "ms/batch",
    `peak MiB T=${T}`,
    ...sweep.map((s) => `state/neuron T=${s}`),
    ...sweep.map((s) => `peak MiB T=${s}`),
  ];
  const body = rows.map((
    r,
  ) => [
    rowName(r),
    M(r.macsForward),
    M(r.macsBackward),
    r.forwardMatmulsPerLayerStep.toFixed(3),
    r.stateFloatsPerNeuron.toFixed(2),
    r.stateFloatsPerInput.toFixed(2),
    r.stateFloatsPerSynapse.toFixed(0),
    (r.seconds * 1000).toFixed(0),
    MiB(r.peakMemoryBytes),
    ...r.sweep.map((s) => s.stateFloatsPerNeuron.toFixed(2)),
    ...r.sweep.map((s) => MiB(s.peakMemoryBytes)),
  ]);
  const width = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  const line = (cells: string[]) => `| ${cells.map((c, k) => c.padEnd(width[k])).join(" | ")} |`;
  return [line(head), `|${width.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join(
    "\n",
  );
}

/**
 * Per-batch time of SAF-E over OTTT_O's in each variant and forward (the rows present), e.g.
 * { "saf-e/ottt-o (official, replace)": 0.9 }.
 *
 * @example
 * ```ts ignore
 * timeRatios(lifCostTable({ layers: [16, 8, 4], T: 2 }));
 * ```
 */
export function timeRatios(rows: LifCostRow[]): Record<string, number> {
  const saf = rows.find((r) => r.method === "saf-e");
  const ottt = rows.filter((r) => r.method === "ottt-o");
  return Object.fromEntries(
    saf ? ottt.map((r) => [`saf-e/${rowName(r)}`, saf.seconds / r.seconds]) : [],
  );
}

/**
 * Run `experiment cost` with command-line arguments.
 *
 * @example
 * ```ts ignore
 * import { runExperimentCost } from "./lif_cost.ts";
 * await runExperimentCost(["--model", "lif-mlp", "--T", "6"]);
 * ```
 */
export async function runExperimentCost(argv: string[] | ParsedOptions): Promise<object> {
  const o = optionsOf(experimentCostSpec, argv);
  const T = numberOption(o, "T", { integer: true, min: 1, max: 1000 });
  const sweep = intListOption(o, "sweep");
  if (o["ottt-forward"] === "official") {
    throw new OptionError(
      "--ottt-forward official was renamed: 'replace' is the two-matmul forward of the OTTT " +
        "code's Replace trick; the authors' code as a whole is --ottt-variant official",
    );
  }
  const forward = oneOf(o["ottt-forward"], "ottt-forward", ["replace", "lean", "both"] as const);
  const variant = oneOf(o["ottt-variant"], "ottt-variant", ["trace", "official", "both"] as const);
  const layers = buildLayers({ h: 28, w: 28, c: 1 }, lifModelLayers(o));
  const rows = lifCostTable({
    layers,
    T,
    sweep,
    batch: numberOption(o, "batch", { integer: true, min: 1 }),
    repeats: numberOption(o, "repeats", { integer: true, min: 1 }),
    backend: backendByName(String(o.backend)),
    otttForwards: forward === "both" ? ["replace", "lean"] : [forward],
    otttVariants: variant === "both" ? ["trace", "official"] : [variant],
  });
  const ratios = timeRatios(rows);
  const gcExposed = typeof (globalThis as { gc?: unknown }).gc === "function";
  const report = {
    model: String(o.model),
    T,
    sweep,
    runtime: runtimeName(),
    backend: String(o.backend),
    gcExposed,
    rows,
    timeRatios: ratios,
  };
  const human = [
    `${o.model}, T = ${T}, batch ${o.batch}, ${o.backend} backend, ${runtimeName()}` +
    (gcExposed ? "" : " (no exposed gc: peak memory includes garbage)"),
    table(rows, T, sweep),
    "Per-batch time ratios: " +
    Object.entries(ratios).map(([k, v]) => `${k} = ${v.toFixed(3)}`).join(", "),
    "MACs and state floats per training sample; state/neuron is per hidden neuron, state/input " +
    "per input unit; state excludes the weights and the optimizer moments.",
  ].join("\n");
  await emitReport(o, report, human);
  return report;
}
