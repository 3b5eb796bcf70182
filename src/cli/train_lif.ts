/**
 * `spikeproof train --model lif-mlp|lif-conv`: train a LIF network with one of the online or
 * offline methods (`--method bptt|ottt-a|ottt-o|saf-e|saf-f|spikerep`) on Fashion-MNIST, with
 * the same progress bar and `--json` report as TTFS training.
 *
 * @module
 */
import process from "node:process";
import { backendByName, CLI_BACKEND } from "../backend/select.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { trainLif, type TrainLifOptions, type TrainLifResult } from "../experiments/train_lif.ts";
import { trainLifWebGpu } from "../experiments/train_lif_webgpu.ts";
import { loadLifNetwork, saveLifNetwork } from "../lif/checkpoint.ts";
import type { InputCoding } from "../lif/coding.ts";
import { LIF_MSE_WEIGHT } from "../lif/loss.ts";
import type { LifNetwork } from "../lif/network.ts";
import { LIF_CONV_TRAINING, LIF_METHODS, LIF_TRAINING } from "../lif/methods.ts";
import { LIF_MODELS, lifModelSchedule } from "../lif/models.ts";
import { SPEC_LIF } from "../lif/neuron.ts";
import { buildLayers, type LayerSpec } from "../nn/architecture.ts";
import {
  type CommandSpec,
  givenOptions,
  intListOption,
  numberOption,
  optionsOf,
  type ParsedOptions,
} from "./args.ts";
import { keepLastGood } from "./last_good.ts";
import { dataOption, emitReport, plotOption, reportOptions, writePlot } from "./output.ts";
import { lifCurveCharts } from "../plot/charts.ts";
import { formatDuration, stderrProgress } from "./progress.ts";
import { runtimeName, withSchedule } from "./train.ts";

const choice = (help: string, value: string, def: string) => ({
  type: "string" as const,
  value,
  default: def,
  help,
});

/** An option of the schedule: LIF_TRAINING's value, with lif-conv's own in the help. */
const scheduled = (help: string, value: string, k: keyof typeof LIF_TRAINING) =>
  choice(`${help} (lif-conv: ${LIF_CONV_TRAINING[k]})`, value, String(LIF_TRAINING[k]));

/** `train`'s options for LIF models. */
export const trainLifSpec: CommandSpec = {
  name: "train",
  summary: "Train a LIF network (OTTT, SAF, Spike Representation or BPTT) on Fashion-MNIST.",
  options: {
    model: choice(
      "lif-mlp = 784-512-10; lif-conv = conv16-pool-conv32-pool-fc128-fc10 (avg-pool)",
      "NAME",
      "lif-mlp",
    ),
    hidden: {
      type: "string",
      value: "W,W,...",
      help: "lif-mlp hidden widths (e.g. 512 or 256,256)",
    },
    method: choice(Object.keys(LIF_METHODS).join("|"), "NAME", "saf-e"),
    T: scheduled("time steps", "N", "T"),
    lambda: choice("leak lambda = 1 - 1/tau (SPEC B1)", "X", String(SPEC_LIF.lambda)),
    vth: choice("threshold V_th", "X", String(SPEC_LIF.vth)),
    "surrogate-slope": choice(
      "slope a of the sigmoid surrogate",
      "X",
      String(SPEC_LIF.surrogateSlope),
    ),
    coding: choice("input coding: direct|bernoulli|poisson", "NAME", "direct"),
    readout: choice(
      "readout weight gradient: trace (OTTT) | spike (SPEC B3 open point)",
      "NAME",
      "trace",
    ),
    variant: choice("OTTT: trace | official (layer 1 sees the raw input)", "NAME", "trace"),
    "mse-weight": choice(
      "weight of the MSE term in the loss (SPEC B2)",
      "X",
      String(LIF_MSE_WEIGHT),
    ),
    data: dataOption,
    epochs: scheduled("epochs", "N", "epochs"),
    batch: choice("batch size", "N", String(LIF_TRAINING.batch)),
    lr: scheduled("initial Adam learning rate", "X", "lr"),
    "decay-rate": scheduled("learning-rate factor per --decay-steps Adam steps", "X", "decayRate"),
    "decay-steps": scheduled("Adam steps per decay factor", "N", "decaySteps"),
    seed: choice("seed of the weights, batch order and rate codes", "N", "0"),
    backend: choice(
      "kernels: wasm (float32 SIMD; the fused step where the method has one, claim " +
        "backend.lif-fused-step-f32-bound) | ref (float64, bit-reproducible) | webgpu (saf-e, " +
        "ottt-o, ottt-a; Deno)",
      "ref|wasm|webgpu",
      CLI_BACKEND,
    ),
    save: {
      type: "string",
      value: "FILE",
      help: "save the trained network as safetensors",
      output: true,
    },
    load: {
      type: "string",
      value: "FILE",
      help: "start from a saved LIF network (its layers and neuron constants)",
    },
    plot: plotOption("the test accuracy, training loss and firing rate per epoch"),
    ...reportOptions,
  },
  notes: "Test accuracy is plain LIF inference (SAF weights converted first); firing rate is " +
    "spikes per hidden neuron per step on the test set.",
};

/** The JSON report of a LIF training run. */
export interface TrainLifReport extends Omit<TrainLifResult, "network"> {
  model: string;
  layers: string;
  data: string;
  backend: string;
  runtime: string;
}

/**
 * The value of an option that must be one of `known`, or an OptionError naming them.
 *
 * @example
 * ```ts
 * import { oneOf } from "./train_lif.ts";
 * console.log(oneOf("spike", "readout", ["trace", "spike"])); // "spike"
 * ```
 */
export function oneOf<T extends string>(v: unknown, name: string, known: readonly T[]): T {
  if (!known.includes(v as T)) {
    throw new OptionError(`--${name} '${v}'; known: ${known.join(", ")}`);
  }
  return v as T;
}

/** What a saved LIF network fixes, so that `--load` refuses them: the layers and the neuron. */
const FIXED_BY_LOAD = ["hidden", "lambda", "vth", "surrogate-slope"];

/** --load with an option whose value the loaded network would override is an OptionError. */
function refuseLoadConflicts(o: ParsedOptions): void {
  const given = givenOptions(o);
  if (!given.has("load")) return;
  const clash = FIXED_BY_LOAD.filter((name) => given.has(name));
  if (clash.length) {
    throw new OptionError(
      `--load fixes the layers and the neuron constants of the saved network; ` +
        `${clash.map((n) => `--${n}`).join(", ")} would be ignored: give one or the other`,
    );
  }
}

/**
 * Run `train` for a LIF model; returns the report.
 *
 * @example
 * ```ts ignore
 * import { runTrainLif } from "./train_lif.ts";
 * await runTrainLif(["--model", "lif-mlp", "--data", "embedded", "--epochs", "1"]);
 * ```
 */
export async function runTrainLif(argv: string[] | ParsedOptions): Promise<TrainLifReport> {
  const parsed = optionsOf(trainLifSpec, argv), model = String(parsed.model);
  refuseLoadConflicts(parsed);
  const o = withSchedule(parsed, lifModelSchedule(model));
  const method = oneOf(o.method, "method", Object.keys(LIF_METHODS));
  const hidden = o.hidden !== undefined ? intListOption(o, "hidden") : undefined;
  const specs = lifModelLayers(o);
  const init = typeof o.load === "string" ? await loadLifNetwork(o.load) : undefined;
  const layers = init ?? buildLayers({ h: 28, w: 28, c: 1 }, specs);
  const num = (name: string, opts = {}) => numberOption(o, name, opts);
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  const gpu = String(o.backend) === "webgpu";
  const options: TrainLifOptions = {
    layers: Array.isArray(layers) ? layers : layers.layers,
    init,
    method,
    T: num("T", { integer: true, min: 1, max: 1000 }),
    neuron: {
      lambda: num("lambda", { min: 0, max: 1 }),
      vth: num("vth", { min: 1e-9 }),
      surrogateSlope: num("surrogate-slope", { min: 1e-9 }),
    },
    coding: oneOf(o.coding, "coding", ["direct", "bernoulli", "poisson"] as InputCoding[]),
    readout: oneOf(o.readout, "readout", ["trace", "spike"] as const),
    variant: oneOf(o.variant, "variant", ["trace", "official"] as const),
    mseWeight: num("mse-weight", { min: 0, max: 1 }),
    epochs: num("epochs", { integer: true, min: 1 }),
    batch: num("batch", { integer: true, min: 1 }),
    lr: num("lr", { min: Number.MIN_VALUE, max: 10 }),
    decayRate: num("decay-rate", { min: Number.MIN_VALUE, max: 1 }),
    decaySteps: num("decay-steps", { min: 1 }),
    seed: num("seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    backend: gpu ? undefined : backendByName(String(o.backend)),
    onProgress: stderrProgress(),
    onEpoch: (r) =>
      process.stderr.write(
        `  test accuracy ${(r.testAccuracy * 100).toFixed(2)}%, firing rate ${
          r.firingRate.toFixed(3)
        }, ` +
          `epoch took ${formatDuration(r.seconds)}\n`,
      ),
  };
  const save = typeof o.save === "string" ? o.save : undefined;
  const result = await keepLastGood<LifNetwork, TrainLifResult>(
    (onCheckpoint) =>
      gpu // webgpu: the training step on the GPU, evaluation on wasm
        ? trainLifWebGpu(data.train, data.test, { ...options, onCheckpoint })
        : trainLif(data.train, data.test, { ...options, onCheckpoint }),
    save,
    saveLifNetwork,
  );
  const { network, ...figures } = result;
  if (save !== undefined) await saveLifNetwork(save, network);
  const report: TrainLifReport = {
    model: hidden ? `lif-mlp (--hidden ${hidden})` : model,
    layers: describeLif(network),
    data: data.source,
    backend: String(o.backend),
    runtime: runtimeName(),
    ...figures,
  };
  await writePlot(o.plot, lifCurveCharts(report.history, method));
  await emitReport(o, report, summarizeLif(report));
  return report;
}

/** "784-fc512-fc10"-style description (conv layers with their average pools). */
function describeLif(
  net: {
    layers: { nIn: number; nOut: number; conv?: { outC: number; k: number }; avgPool?: number }[];
  },
): string {
  return [
    net.layers[0].nIn,
    ...net.layers.map((l) =>
      l.conv
        ? `conv${l.conv.outC}k${l.conv.k}${l.avgPool ? `/avg${l.avgPool}` : ""}`
        : `fc${l.nOut}`
    ),
  ].join("-");
}

/** The lines a person reads after LIF training. */
function summarizeLif(r: TrainLifReport): string {
  const M = (v: number) => `${(v / 1e6).toFixed(2)} M`;
  return [
    `${r.model} (${r.layers}) trained with ${r.method}, T = ${r.T}, lambda = ${r.lambda}, on ${r.data}`,
    `${r.epochs} epochs, batch ${r.batch}, lr ${r.lr} (x${r.decayRate} per ${r.decaySteps} steps), seed ${r.seed}, ${r.backend} backend`,
    `${r.seconds.toFixed(1)} s on ${r.runtime}, peak RSS ${
      (r.peakMemoryBytes / 2 ** 20).toFixed(0)
    } MiB`,
    `  test accuracy (LIF inference)  ${(r.testAccuracy * 100).toFixed(2)}%`,
    `  firing rate                    ${r.firingRate.toFixed(3)} spikes per hidden neuron per step`,
    `  MACs per sample                ${M(r.macsForward)} forward, ${M(r.macsBackward)} backward`,
    `  state floats                   ${
      r.stateFloats.perNeuron.toFixed(2)
    } per neuron, ${r.stateFloats.perSynapse} per synapse`,
  ].join("\n");
}

/**
 * The layer descriptions of `--model` (and `--hidden` for lif-mlp).
 *
 * @example
 * ```ts
 * import { lifModelLayers } from "./train_lif.ts";
 * console.log(lifModelLayers({ model: "lif-mlp", hidden: "256" })); // [{ dense: 256 }, { dense: 10 }]
 * ```
 */
export function lifModelLayers(o: ParsedOptions): LayerSpec[] {
  const model = String(o.model);
  if (!(model in LIF_MODELS)) {
    throw new OptionError(
      `unknown --model '${model}'; known: ${Object.keys(LIF_MODELS).join(", ")}`,
    );
  }
  if (o.hidden === undefined) return LIF_MODELS[model];
  if (model !== "lif-mlp") throw new OptionError("--hidden applies to lif-mlp only");
  return [...intListOption(o, "hidden").map((dense) => ({ dense })), { dense: 10 }];
}
