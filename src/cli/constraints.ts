/**
 * `spikeproof experiment constraints`: weight quantization, spike-time jitter and reduced
 * latency on a trained TTFS model, each before and after fine-tuning.
 *
 * @module
 */
import process from "node:process";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { checkImagesFit } from "../data/fit.ts";
import { type ConstraintRow, constraintsExperiment } from "../experiments/constraints.ts";
import { sweepCharts } from "../plot/charts.ts";
import { loadB1Network } from "../ttfs/checkpoint.ts";
import {
  type CommandSpec,
  intListOption,
  numberListOption,
  numberOption,
  optionsOf,
  type ParsedOptions,
  requiredOption,
} from "./args.ts";
import { dataOption, emitReport, plotOption, reportOptions, writePlot } from "./output.ts";
import { runtimeName } from "./train.ts";

/** `experiment constraints`' options and help. */
export const experimentConstraintsSpec: CommandSpec = {
  name: "experiment constraints",
  summary: "Quantize weights, jitter spike times and shorten coding intervals on a trained TTFS " +
    "model (train --save), then fine-tune under each constraint; table of accuracies.",
  options: {
    model: {
      type: "string",
      value: "FILE",
      help: "a B = 1 TTFS model (safetensors, from train --save)",
    },
    data: dataOption,
    bits: { type: "string", value: "K,K,...", default: "8,6,5,4,3", help: "weight bits" },
    outliers: {
      type: "string",
      value: "F",
      default: "0",
      help: "quantile cut on each side of the weight range (e.g. 0.001)",
    },
    jitter: {
      type: "string",
      value: "S,S,...",
      default: "0.01,0.02,0.05,0.1",
      help: "spike-time noise sigma, relative to each coding interval",
    },
    latency: {
      type: "string",
      value: "F,F,...",
      default: "2,4,8",
      help: "interval shortening factors",
    },
    "finetune-epochs": {
      type: "string",
      value: "N",
      default: "1",
      help: "fine-tuning epochs per setting",
    },
    batch: { type: "string", value: "N", default: "64", help: "fine-tuning batch size" },
    lr: { type: "string", value: "X", default: "1e-4", help: "fine-tuning Adam learning rate" },
    seed: {
      type: "string",
      value: "N",
      default: "0",
      help: "seed of the noise and the batch order",
    },
    plot: plotOption("accuracy against bits, jitter and latency, before and after fine-tuning"),
    ...reportOptions,
  },
};

function table(rows: ConstraintRow[]): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`.padStart(8);
  return [
    "constraint                            before    after    spikes/neuron before -> after",
    ...rows.map((r) =>
      `${r.label.padEnd(36)} ${pct(r.accuracyBefore)} ${pct(r.accuracyAfter)}    ` +
      `${r.spikesPerNeuronBefore.toFixed(3)} -> ${r.spikesPerNeuronAfter.toFixed(3)}`
    ),
  ].join("\n");
}

/**
 * Run `experiment constraints`.
 *
 * @example
 * ```ts ignore
 * import { runExperimentConstraints } from "./constraints.ts";
 * await runExperimentConstraints(["--model", "results/ttfs-fc2.safetensors"]);
 * ```
 */
export async function runExperimentConstraints(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(experimentConstraintsSpec, argv);
  const net = await loadB1Network(requiredOption(o, "model"));
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  checkImagesFit(data.train, net.layers[0], "the training set");
  checkImagesFit(data.test, net.layers[0], "the test set");
  const result = constraintsExperiment(net, data.train, data.test, {
    bits: o.bits === "" ? [] : intListOption(o, "bits"),
    jitters: numberListOption(o, "jitter"),
    latencies: numberListOption(o, "latency"),
    outlierFraction: numberOption(o, "outliers", { min: 0, max: 0.49 }),
    finetuneEpochs: numberOption(o, "finetune-epochs", { integer: true, min: 0 }),
    batch: numberOption(o, "batch", { integer: true, min: 1 }),
    lr: numberOption(o, "lr", { min: 0, max: 10 }),
    seed: numberOption(o, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    onSetting: (r, k, n) =>
      process.stderr.write(
        `[${k + 1}/${n}] ${r.label}: ${(100 * r.accuracyBefore).toFixed(2)}% -> ${
          (100 * r.accuracyAfter).toFixed(2)
        }%\n`,
      ),
  });
  await writePlot(o.plot, sweepCharts(result.rows));
  const report = {
    experiment: "constraints",
    model: o.model,
    data: data.source,
    runtime: runtimeName(),
    ...result,
  };
  await emitReport(o, report, table(result.rows));
}
