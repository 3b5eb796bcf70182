/**
 * `spikeproof train`: train a TTFS model and its ReLU twin on Fashion-MNIST.
 *
 * @module
 */
import process from "node:process";
import type { AsyncBackend } from "../backend/backend.ts";
import { backendByName, CLI_BACKEND, openBackend } from "../backend/select.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { trainTtfs, trainTtfsAsync, type TrainTtfsResult } from "../experiments/train_ttfs.ts";
import { describeLayers } from "../nn/architecture.ts";
import type { B1Network } from "../ttfs/b1.ts";
import { loadB1Network, saveB1Network } from "../ttfs/checkpoint.ts";
import {
  TTFS_CONV_TRAINING,
  TTFS_MODEL_SUMMARIES,
  TTFS_TRAINING,
  ttfsModelLayers,
  ttfsModelSchedule,
} from "../ttfs/models.ts";
import { ADAM_DEFAULTS, type TrainingSchedule } from "../nn/optim.ts";
import {
  type CommandSpec,
  givenOptions,
  intListOption,
  numberOption,
  optionsOf,
  type ParsedOptions,
} from "./args.ts";
import { trainingCurveCharts } from "../plot/charts.ts";
import { keepLastGood } from "./last_good.ts";
import { dataOption, emitReport, plotOption, reportOptions, writePlot } from "./output.ts";
import { stderrEpoch, stderrProgress } from "./progress.ts";

/** `train`'s options and help. */
export const trainSpec: CommandSpec = {
  name: "train",
  summary: "Train a TTFS network (B = 1 model) and its ReLU twin side by side on Fashion-MNIST.",
  options: {
    model: {
      type: "string",
      value: "NAME",
      default: "ttfs-fc2",
      help: Object.entries(TTFS_MODEL_SUMMARIES).map(([k, v]) => `${k} = ${v}`).join("; "),
    },
    hidden: {
      type: "string",
      value: "W,W,...",
      help: "hidden widths of ttfs-fc2, overriding 340 (e.g. 340,340)",
    },
    data: dataOption,
    epochs: {
      type: "string",
      value: "N",
      default: String(TTFS_TRAINING.epochs),
      help: `epochs (conv models: ${TTFS_CONV_TRAINING.epochs})`,
    },
    batch: { type: "string", value: "N", default: String(TTFS_TRAINING.batch), help: "batch size" },
    lr: {
      type: "string",
      value: "X",
      default: String(TTFS_TRAINING.lr),
      help:
        `initial Adam learning rate (conv models: ${TTFS_CONV_TRAINING.lr}; SPEC A10: ${ADAM_DEFAULTS.lr})`,
    },
    "decay-rate": {
      type: "string",
      value: "X",
      default: String(TTFS_TRAINING.decayRate),
      help:
        `learning-rate factor per --decay-steps steps (conv models: ${TTFS_CONV_TRAINING.decayRate})`,
    },
    "decay-steps": {
      type: "string",
      value: "N",
      default: String(TTFS_TRAINING.decaySteps),
      help: `steps per decay factor (SPEC A10: ${ADAM_DEFAULTS.decaySteps})`,
    },
    seed: {
      type: "string",
      value: "N",
      default: "0",
      help: "seed of the weights and the batch order",
    },
    save: {
      type: "string",
      value: "FILE",
      help: "save the trained SNN as safetensors (atomically)",
      output: true,
    },
    load: {
      type: "string",
      value: "FILE",
      help: "start from a saved SNN (its layers replace --model/--hidden)",
    },
    backend: {
      type: "string",
      value: "ref|wasm|webgpu",
      default: CLI_BACKEND,
      help: "kernels: wasm = float32 WASM SIMD core (fused step; claim " +
        "backend.ttfs-fused-step-f32-bound), ref = float64 TypeScript (bit-reproducible, the " +
        "twin trained beside the SNN), webgpu = float32 WGSL training step on the GPU (dense " +
        "nets; Deno)",
    },
    workers: {
      type: "string",
      value: "N",
      default: "1",
      help: "threads of the wasm backend's training step (dense nets), each a share of the batch",
    },
    twin: {
      type: "boolean",
      help:
        "also train the float32 ReLU twin on the wasm and webgpu steps (off there by default: its " +
        "trajectory is the SNN's by construction; each epoch ends with a float64 replay instead)",
    },
    plot: plotOption("the training curves of the SNN and its twin"),
    ...reportOptions,
  },
  notes: "Spikes per neuron count hidden neurons only (SPEC A9).",
};

/** The train result (less the network) with the run's description, as printed by `--json`. */
export interface TrainReport extends Omit<TrainTtfsResult, "network"> {
  model: string;
  data: string;
  runtime: string;
  /** The backend that trained, as given to `--backend` (e.g. "wasm"), with its threads. */
  backend: string;
}

/**
 * Which runtime runs this: "deno 2.x", "bun 1.x" or "node 20.x".
 *
 * @example
 * ```ts
 * import { runtimeName } from "./train.ts";
 * console.log(runtimeName());
 * ```
 */
export function runtimeName(): string {
  const v = process.versions as Record<string, string | undefined>;
  if (v.deno) return `deno ${v.deno}`;
  if (v.bun) return `bun ${v.bun}`;
  return `node ${v.node}`;
}

/** The twin's weight line: trained beside the SNN, or mapped from it and checked by replay. */
function twinLines(r: TrainReport): string[] {
  if (r.reluTwin === "trained") {
    return [`  max |weight SNN - twin|    ${r.maxAbsWeightDiffVsReluTwin.toExponential(2)}`];
  }
  const replay = r.history[r.history.length - 1]?.replayMaxAbsWeightDiff ?? NaN;
  return [
    "  ReLU twin                  mapped from the SNN (not trained on the float32 step; --twin trains it)",
    `  float64 replay, 2 steps    max |weight SNN - twin| ${replay.toExponential(2)}`,
  ];
}

/**
 * A few lines a person reads after training.
 *
 * @example
 * ```ts ignore
 * console.log(summarize(report));
 * ```
 */
export function summarize(r: TrainReport): string {
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const schedule = `lr ${r.lr} (x${r.decayRate} per ${r.decaySteps} steps)`;
  return [
    `${r.model} (${r.architecture}) on ${r.data}: ${r.trainCount} train / ${r.testCount} test`,
    `${r.epochs} epochs, batch ${r.batch}, ${schedule}, seed ${r.seed}`,
    `${r.seconds.toFixed(1)} s on ${r.runtime}, ${r.backend} backend`,
    `  SNN test accuracy          ${pct(r.testAccuracy)}`,
    `  ReLU twin test accuracy    ${pct(r.reluTwinTestAccuracy)}`,
    `  same prediction            ${pct(r.agreementWithReluTwin)} of ${
      r.agreementSamples === r.testCount
        ? "test images"
        : `the first ${r.agreementSamples} test images`
    }${r.reluTwin === "mapped" ? " (float64 SNN vs float32 ReLU)" : ""}`,
    `  max |logit SNN - twin|     ${r.maxAbsLogitDiffVsReluTwin.toExponential(2)}`,
    ...twinLines(r),
    `  spikes per neuron          ${r.spikesPerNeuron.toFixed(3)} (hidden neurons before pooling)`,
  ].join("\n");
}

/**
 * `o` with a model's own schedule (`ttfsModelSchedule`, `lifModelSchedule`) where the command
 * line gave none (and its T, where it has one).
 *
 * @example
 * ```ts
 * import { withSchedule } from "./train.ts";
 * const s = { epochs: 3, batch: 8, lr: 0.1, decayRate: 1, decaySteps: 10 };
 * console.log(withSchedule({ epochs: "5" }, s).lr); // "0.1"
 * ```
 */
export function withSchedule(
  o: ParsedOptions,
  s: Readonly<TrainingSchedule & { T?: number }>,
): ParsedOptions {
  const given = givenOptions(o), out: ParsedOptions = { ...o };
  const own = { epochs: s.epochs, batch: s.batch, lr: s.lr, "decay-rate": s.decayRate };
  const all = { ...own, "decay-steps": s.decaySteps, ...(s.T === undefined ? {} : { T: s.T }) };
  for (const [k, v] of Object.entries(all)) if (!given.has(k)) out[k] = String(v);
  return out;
}

/**
 * Run `train` with command-line arguments; returns the report.
 *
 * @example
 * ```ts ignore
 * import { runTrain } from "./train.ts";
 * await runTrain(["--data", "embedded", "--epochs", "1"]);
 * ```
 */
export async function runTrain(argv: string[] | ParsedOptions): Promise<TrainReport> {
  const parsed = optionsOf(trainSpec, argv), model = String(parsed.model);
  const o = withSchedule(parsed, ttfsModelSchedule(model));
  if (o.load !== undefined && o.hidden !== undefined) {
    throw new OptionError("--load and --hidden both set the layer sizes; give one");
  }
  const hidden = o.hidden !== undefined ? intListOption(o, "hidden") : undefined;
  // 28x28 grey images, 10 classes: the model is checked before any data is read
  const modelLayers = ttfsModelLayers(model, { h: 28, w: 28, c: 1 }, 10, hidden);
  const init = typeof o.load === "string" ? await loadB1Network(o.load) : undefined;
  const epochs = numberOption(o, "epochs", { integer: true, min: 1 });
  const batch = numberOption(o, "batch", { integer: true, min: 1 });
  const lr = numberOption(o, "lr", { min: Number.MIN_VALUE, max: 10 });
  const decayRate = numberOption(o, "decay-rate", { min: Number.MIN_VALUE, max: 1 });
  const decaySteps = numberOption(o, "decay-steps", { min: 1 });
  const seed = numberOption(o, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 });
  const workers = numberOption(o, "workers", { integer: true, min: 1, max: 64 });
  // webgpu: opened before the data is read, so that a runtime without it fails at once
  const gpu: AsyncBackend | undefined = o.backend === "webgpu"
    ? await openBackend("webgpu", { timeoutMs: 120000 })
    : undefined;
  const sync = gpu ? undefined : backendByName(String(o.backend), { workers });
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  const options = {
    layers: modelLayers,
    epochs,
    batch,
    lr,
    decayRate,
    decaySteps,
    seed,
    onProgress: stderrProgress(),
    onEpoch: stderrEpoch,
    init,
    twin: o.twin === true,
  };
  const save = typeof o.save === "string" ? o.save : undefined;
  const result = await keepLastGood<B1Network, TrainTtfsResult>(
    (onCheckpoint) =>
      gpu
        ? trainTtfsAsync(data.train, data.test, { ...options, onCheckpoint, backend: gpu })
          .finally(() => gpu.close())
        : trainTtfs(data.train, data.test, { ...options, onCheckpoint, backend: sync }),
    save,
    saveB1Network,
  );
  const { network, ...figures } = result;
  if (save !== undefined) await saveB1Network(save, network);
  const report: TrainReport = {
    model: init
      ? `${describeLayers(init.layers)} (--load ${o.load})`
      : hidden
      ? `ttfs-fc${hidden.length + 1} (--hidden ${hidden})`
      : model,
    data: data.source,
    runtime: runtimeName(),
    backend: workers > 1 ? `${o.backend} (${workers} workers)` : String(o.backend),
    ...figures,
  };
  await writePlot(o.plot, trainingCurveCharts(report.history));
  await emitReport(o, report, summarize(report));
  return report;
}
