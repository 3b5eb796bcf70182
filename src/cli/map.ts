/**
 * `spikeproof map` (a ReLU model in safetensors to a TTFS model) and `spikeproof spikes`
 * (the spike times of a TTFS model on images, written as safetensors).
 *
 * @module
 */
import { gatherBatch } from "../data/batching.ts";
import { type ImageSet, loadFashionMnist } from "../data/fashion_mnist.ts";
import { checkImagesFit } from "../data/fit.ts";
import { OptionError } from "../errors.ts";
import { tensor, writeSafetensors } from "../io/safetensors.ts";
import { argmaxRows } from "../nn/loss.ts";
import { reluMlpForward } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { b1Forward } from "../ttfs/b1.ts";
import {
  type AnyTtfsNetwork,
  loadReluMlp,
  loadTtfsNetwork,
  saveB1Network,
  saveGeneralNetwork,
} from "../ttfs/checkpoint.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { generalForward } from "../ttfs/general.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../ttfs/mapping.ts";
import { countSpikes, spikeConventions, SPIKES_PER_NEURON_CONVENTION } from "../ttfs/spikes.ts";
import {
  type CommandSpec,
  numberOption,
  optionsOf,
  type ParsedOptions,
  requiredOption,
} from "./args.ts";
import { rasterCharts } from "../plot/charts.ts";
import { dataOption, emitReport, plotOption, writePlot } from "./output.ts";

/** Spike times and logits of either parametrization. */
function forwardAny(m: AnyTtfsNetwork, t0: Float64Array, batch: number) {
  return m.kind === "ttfs-b1" ? b1Forward(m.net, t0, batch) : generalForward(m.net, t0, batch);
}

/** `map`'s options and help. */
export const mapSpec: CommandSpec = {
  name: "map",
  summary: "Map a ReLU network (safetensors: fc{n}/conv{n}.weight and .bias, dense or conv) onto " +
    "a TTFS network, exactly (SPEC A4, A8), and check it on the test set.",
  options: {
    relu: { type: "string", value: "FILE", help: "the ReLU model (safetensors)" },
    out: {
      type: "string",
      value: "FILE",
      help: "where to write the TTFS model (safetensors, atomic)",
      output: true,
    },
    b1: {
      type: "boolean",
      help: "write the B = 1 model (W = w, D = b) instead of (alpha, J, theta)",
    },
    data: dataOption,
    calibrate: {
      type: "string",
      value: "N",
      default: "1000",
      help: "training images that set the intervals",
    },
    "test-count": {
      type: "string",
      value: "N",
      default: "10000",
      help: "test images to compare on",
    },
    json: { type: "boolean", help: "print the result as one JSON object, on the last stdout line" },
  },
  notes:
    "Intervals: X(n) = the largest activation on the calibration images, zeta = 0.5, widened " +
    "until no neuron fires before tmin(n) (see proofs/ttfs-equivalence.md, step 2).",
};

/**
 * Run `map`.
 *
 * @example
 * ```ts ignore
 * import { runMap } from "./map.ts";
 * await runMap(["--relu", "relu.safetensors", "--out", "snn.safetensors"]);
 * ```
 */
export async function runMap(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(mapSpec, argv);
  const reluPath = requiredOption(o, "relu"), outPath = requiredOption(o, "out");
  const relu = await loadReluMlp(reluPath);
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  checkImagesFit(data.train, relu.layers[0], "the training set");
  checkImagesFit(data.test, relu.layers[0], "the test set");
  const n = Math.min(data.train.count, numberOption(o, "calibrate", { integer: true, min: 1 }));
  const order = new Rng(0).permutation(data.train.count);
  const calib = gatherBatch(data.train, order, 0, n);
  let model: AnyTtfsNetwork, doublings: number[] = [];
  if (o.b1) {
    model = {
      kind: "ttfs-b1",
      net: b1FromRelu(relu, calibrateIntervals(relu, calib.x, calib.size)),
    };
    await saveB1Network(outPath, model.net);
  } else {
    const exact = mapReluExactly(relu, calib.x, calib.size);
    model = { kind: "ttfs-general", net: exact.snn };
    doublings = exact.doublings;
    await saveGeneralNetwork(outPath, model.net);
  }
  const count = Math.min(data.test.count, numberOption(o, "test-count", { integer: true, min: 1 }));
  const test = gatherBatch(data.test, Array.from({ length: count }, (_, k) => k), 0, count);
  const snn = forwardAny(model, encodeInput(test.x), count),
    ann = reluMlpForward(relu, test.x, count);
  const classes = relu.layers[relu.layers.length - 1].nOut;
  const p = argmaxRows(snn.logits, count, classes), q = argmaxRows(ann.logits, count, classes);
  let agree = 0, snnOk = 0, annOk = 0, diff = 0;
  for (let b = 0; b < count; b++) {
    agree += +(p[b] === q[b]);
    snnOk += +(p[b] === test.labels[b]);
    annOk += +(q[b] === test.labels[b]);
  }
  snn.logits.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - ann.logits[k]))));
  const report = {
    relu: reluPath,
    out: outPath,
    kind: model.kind,
    intervals: model.net.intervals,
    doublings,
    testCount: count,
    reluTestAccuracy: annOk / count,
    snnTestAccuracy: snnOk / count,
    agreement: agree / count,
    maxAbsLogitDiff: diff,
    spikesPerNeuron: countSpikes(snn.neuronTimes, model.net.intervals).overall,
    spikesPerNeuronConvention: SPIKES_PER_NEURON_CONVENTION,
  };
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  await emitReport(
    { json: o.json },
    report,
    [
      `${reluPath} -> ${outPath} (${model.kind}), intervals tmax = [${
        model.net.intervals.tmax.map((v) => v.toPrecision(4))
      }]`,
      `on ${count} test images: ReLU ${pct(report.reluTestAccuracy)}, SNN ${
        pct(report.snnTestAccuracy)
      }, ` +
      `same prediction ${pct(report.agreement)}, max |logit diff| ${diff.toExponential(2)}, ` +
      `spikes per neuron ${report.spikesPerNeuron.toFixed(3)}`,
    ].join("\n"),
  );
}

/** `spikes`'s options and help. */
export const spikesSpec: CommandSpec = {
  name: "spikes",
  summary:
    "Write the spike times of a TTFS model (train --save or map --out) on images, as safetensors.",
  options: {
    model: { type: "string", value: "FILE", help: "the TTFS model (safetensors)" },
    out: {
      type: "string",
      value: "FILE",
      help: "where to write the spike times (safetensors, atomic)",
      output: true,
    },
    data: dataOption,
    split: { type: "string", value: "test|train", default: "test", help: "which images" },
    start: { type: "string", value: "N", default: "0", help: "first image" },
    count: { type: "string", value: "N", default: "100", help: "how many images" },
    raster: plotOption("the spike raster of the first image"),
    json: { type: "boolean", help: "print the result as one JSON object, on the last stdout line" },
  },
  notes: "Output tensors: t0 (input spike times), t1 .. t{L-1} (every hidden neuron, before any " +
    "max-pool; tmax(n) = silent), each [count, size] (conv layers: size = H*W*C, NHWC); " +
    "labels and predictions (I32). Metadata: kind, intervals, source.",
};

/**
 * Run `spikes`.
 *
 * @example
 * ```ts ignore
 * import { runSpikes } from "./map.ts";
 * await runSpikes(["--model", "snn.safetensors", "--out", "spikes.safetensors"]);
 * ```
 */
export async function runSpikes(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(spikesSpec, argv);
  const modelPath = requiredOption(o, "model"), outPath = requiredOption(o, "out");
  if (o.split !== "test" && o.split !== "train") {
    throw new OptionError(`--split must be test or train, got '${o.split}'`);
  }
  const model = await loadTtfsNetwork(modelPath);
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  const set: ImageSet = o.split === "test" ? data.test : data.train;
  const net = model.net, layer1 = "layers" in net ? net.layers[0] : net.hidden[0] ?? net.readout;
  checkImagesFit(set, layer1, `the ${o.split} set`);
  const start = numberOption(o, "start", { integer: true, min: 0, max: set.count - 1 });
  const count = Math.min(set.count - start, numberOption(o, "count", { integer: true, min: 1 }));
  const batch = gatherBatch(set, Array.from({ length: count }, (_, k) => start + k), 0, count);
  const f = forwardAny(model, encodeInput(batch.x), count);
  const classes = f.logits.length / count, predictions = argmaxRows(f.logits, count, classes);
  const tensors = Object.fromEntries(
    f.neuronTimes.map((t, n) => [`t${n}`, tensor(t, [count, t.length / count])]),
  );
  tensors.labels = tensor(batch.labels, [count]);
  tensors.predictions = tensor(predictions, [count]);
  await writeSafetensors(outPath, tensors, {
    format: "spikeproof",
    kind: `spike-times of ${model.kind}`,
    intervals: JSON.stringify(model.net.intervals),
    source: `${data.source} ${o.split} ${start}..${start + count - 1}`,
  });
  const first = f.neuronTimes.map((t) => t.subarray(0, t.length / count));
  await writePlot(o.raster, rasterCharts(first, model.net.intervals));
  const spikes = spikeConventions(f.neuronTimes, f.spikeTimes, model.net.intervals);
  const accuracy = predictions.reduce((a, p, b) => a + +(p === batch.labels[b]), 0) / count;
  const report = {
    model: modelPath,
    out: outPath,
    count,
    accuracy,
    spikesPerNeuron: spikes.perNeuron,
    spikesPerNeuronConvention: SPIKES_PER_NEURON_CONVENTION,
    perLayer: spikes.perLayer,
    alternatives: {
      afterPooling: spikes.afterPooling,
      perLayerAfterPooling: spikes.perLayerAfterPooling,
      layerMean: spikes.layerMean,
    },
  };
  await emitReport(
    { json: o.json },
    report,
    `${count} images -> ${outPath}: accuracy ${(accuracy * 100).toFixed(2)}%, ` +
      `spikes per neuron ${spikes.perNeuron.toFixed(3)} (per layer ${
        spikes.perLayer.map((v) => v.toFixed(3))
      }; hidden neurons before pooling, weighted by count; after pooling ${
        spikes.afterPooling.toFixed(3)
      }, unweighted mean of layers ${spikes.layerMean.toFixed(3)})`,
  );
}
