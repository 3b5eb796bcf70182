/**
 * Hardware constraints and fine-tuning (SPEC A10). A trained B = 1 network first gets coding
 * intervals fitted to its data (X(n) = the largest activation on the calibration images,
 * zeta = 0.5, SPEC A1), and from then on no neuron may fire before tmin(n) (`clipAtTmin`).
 * Each setting is then measured before and after fine-tuning under the constraint:
 *
 * - quantize k bits: W rounded to 2^k levels on [w_min, w_max] of each layer (optionally the
 *   quantile range after removing outliers); fine-tuning is straight-through: the forward and
 *   backward passes use the quantized weights, Adam updates the float weights;
 * - jitter sigma: every spike time moves by sigma B_n N(0, 1) (seeded), in training and test;
 * - latency / f: every hidden interval is f times shorter, so activations above B_n / f clip.
 *
 * @module
 */
import { gatherBatch, toFloatImages } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { argmaxRows } from "../nn/loss.ts";
import { Rng } from "../nn/rng.ts";
import { createFineTuneStep } from "../steps/ttfs/fine_tune.ts";
import { b1Forward, type B1Hardware, type B1Network } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { chainLengths, type CodingIntervals, intervalLengths } from "../ttfs/intervals.ts";
import { calibrateIntervals, reluFromB1 } from "../ttfs/mapping.ts";
import { quantizeWeights, weightRange } from "../ttfs/quantize.ts";
import { countSpikes } from "../ttfs/spikes.ts";

/** One constraint and its strength. */
export interface ConstraintSetting {
  /** The constraint: none (fitted intervals and clipping only), weight bits, jitter or latency. */
  kind: "none" | "quantize" | "jitter" | "latency";
  /** Bits, relative sigma, or the latency factor f (0 for "none"). */
  value: number;
  /** A readable name for tables, e.g. "weights 4 bits". */
  label: string;
}

/** A setting's figures before and after fine-tuning. */
export interface ConstraintRow extends ConstraintSetting {
  /** Test accuracy under the constraint before fine-tuning, in [0, 1]. */
  accuracyBefore: number;
  /** Test accuracy under the constraint after fine-tuning, in [0, 1]. */
  accuracyAfter: number;
  /** Spikes per hidden neuron per test image before fine-tuning. */
  spikesPerNeuronBefore: number;
  /** Spikes per hidden neuron per test image after fine-tuning. */
  spikesPerNeuronAfter: number;
}

/** Options of {@link constraintsExperiment}. */
export interface ConstraintsOptions {
  /** Weight bit widths to try, a setting each (1..24). */
  bits: number[];
  /** Jitter sigmas to try, relative to each interval length B_n (>= 0). */
  jitters: number[];
  /** Latency factors f to try (>= 1): every hidden interval f times shorter. */
  latencies: number[];
  /** Quantile cut on each side before quantizing (0 = [w_min, w_max]). */
  outlierFraction: number;
  /** Fine-tuning epochs per setting (0 measures only). */
  finetuneEpochs: number;
  /** Fine-tuning batch size. */
  batch: number;
  /** Adam learning rate of the fine-tuning. */
  lr: number;
  /** Seeds the calibration sample, the shuffling and the jitter noise. */
  seed: number;
  /** Training images used to fit the intervals (default 10,000). */
  calibrate?: number;
  /** Called when a setting is done. */
  onSetting?: (row: ConstraintRow, index: number, total: number) => void;
}

/** What {@link constraintsExperiment} measured. */
export interface ConstraintsResult {
  /** The intervals fitted to the calibration images (before any latency factor). */
  intervals: CodingIntervals;
  /** One row per setting: "none" first, then bits, jitters and latencies as given. */
  rows: ConstraintRow[];
  /** Wall time of the whole experiment, in seconds. */
  seconds: number;
}

/** The network and forward options that realise a setting, from float weights. */
function realise(net: B1Network, s: ConstraintSetting, ranges: [number, number][], seed: number) {
  const lengths = intervalLengths(net.intervals);
  const f = s.kind === "latency" ? s.value : 1;
  const layers = s.kind === "quantize"
    ? net.layers.map((l, n) => ({ ...l, W: quantizeWeights(l.W, s.value, ...ranges[n]) }))
    : net.layers;
  const hardware: B1Hardware = { clipAtTmin: true };
  if (s.kind === "jitter") hardware.jitter = { sigma: s.value, rng: new Rng(seed) };
  return { net: { layers, intervals: chainLengths(lengths.map((l) => l / f)) }, hardware };
}

function evaluate(
  net: B1Network,
  hw: B1Hardware,
  x: Float64Array,
  labels: ArrayLike<number>,
  count: number,
) {
  const nIn = net.layers[0].nIn, classes = net.layers[net.layers.length - 1].nOut;
  let correct = 0, spikes = 0, neurons = 0;
  for (let s = 0; s < count; s += 1000) {
    const m = Math.min(1000, count - s),
      f = b1Forward(net, encodeInput(x.subarray(s * nIn, (s + m) * nIn)), m, undefined, hw);
    argmaxRows(f.logits, m, classes).forEach((p, b) => (correct += +(p === labels[s + b])));
    const c = countSpikes(f.neuronTimes, net.intervals);
    spikes += c.spikes;
    neurons += c.neurons;
  }
  return { accuracy: correct / count, spikesPerNeuron: spikes / Math.max(1, neurons) };
}

/**
 * Measure every setting before and after fine-tuning under it.
 *
 * @example
 * ```ts ignore
 * import { constraintsExperiment } from "./constraints.ts";
 * const r = constraintsExperiment(net, data.train, data.test, { bits: [4], jitters: [], latencies: [],
 *   outlierFraction: 0, finetuneEpochs: 1, batch: 64, lr: 1e-4, seed: 0 });
 * ```
 */
export function constraintsExperiment(
  trained: B1Network,
  train: ImageSet,
  test: ImageSet,
  o: ConstraintsOptions,
): ConstraintsResult {
  const start = performance.now();
  if (o.bits.some((b) => !Number.isInteger(b) || b < 1 || b > 24)) {
    throw new OptionError(`bits [${o.bits}] must be 1..24`);
  }
  if (o.jitters.some((v) => !(v >= 0))) {
    throw new OptionError(`jitters [${o.jitters}] must be >= 0`);
  }
  if (o.latencies.some((v) => !(v >= 1))) {
    throw new OptionError(`latency factors [${o.latencies}] must be >= 1`);
  }
  const settings: ConstraintSetting[] = [
    { kind: "none", value: 0, label: "none (intervals fitted to the data)" },
    ...o.bits.map((b) => ({ kind: "quantize" as const, value: b, label: `weights ${b} bits` })),
    ...o.jitters.map((v) => ({
      kind: "jitter" as const,
      value: v,
      label: `jitter sigma ${v} B_n`,
    })),
    ...o.latencies.map((f) => ({ kind: "latency" as const, value: f, label: `latency / ${f}` })),
  ];
  const calib = gatherBatch(
    train,
    new Rng(o.seed).permutation(train.count),
    0,
    Math.min(train.count, o.calibrate ?? 10000),
  );
  const base: B1Network = {
    layers: trained.layers,
    intervals: calibrateIntervals(reluFromB1(trained), calib.x, calib.size),
  };
  const testX = toFloatImages(test), rows: ConstraintRow[] = [];
  for (const [index, s] of settings.entries()) {
    const ranges = base.layers.map((l) => weightRange(l.W, o.outlierFraction));
    const before = realise(base, s, ranges, o.seed);
    const b = evaluate(before.net, before.hardware, testX, test.labels, test.count);
    const tuned: B1Network = {
      ...base,
      layers: base.layers.map((l) => ({ ...l, W: l.W.slice(), D: l.D.slice() })),
    };
    const step = createFineTuneStep(
      tuned,
      { lr: o.lr },
      (net, seed) => realise(net, s, ranges, seed),
    );
    const rng = new Rng(o.seed + 1 + index);
    for (let epoch = 0; epoch < o.finetuneEpochs; epoch++) {
      const order = rng.permutation(train.count);
      for (let at = 0; at < train.count; at += o.batch) {
        const batch = gatherBatch(train, order, at, o.batch);
        const seed = o.seed + 7919 * (epoch + 1) + at;
        step.step({ x: batch.x, seed }, batch.labels, batch.size); // straight-through (A10.2)
      }
    }
    step.close();
    const after = realise(tuned, s, ranges, o.seed);
    const a = evaluate(after.net, after.hardware, testX, test.labels, test.count);
    const row = {
      ...s,
      accuracyBefore: b.accuracy,
      accuracyAfter: a.accuracy,
      spikesPerNeuronBefore: b.spikesPerNeuron,
      spikesPerNeuronAfter: a.spikesPerNeuron,
    };
    rows.push(row);
    o.onSetting?.(row, index, settings.length);
  }
  return { intervals: base.intervals, rows, seconds: (performance.now() - start) / 1000 };
}
