/**
 * The project's plots, built from plain numbers (no model types): spike rasters, training
 * curves, Jacobian spectra and gradient norms across depth. Render with `renderCharts`.
 *
 * @module
 */
import type { Chart, Series } from "./svg.ts";

/**
 * A spike raster of one image: one panel per layer, x = spike time inside the layer's coding
 * interval, y = neuron index; silent neurons (t >= tmax) are left out.
 *
 * @example
 * ```ts
 * import { rasterCharts } from "./charts.ts";
 * const c = rasterCharts([[0.2, 1], [1.5, 3]], { tmin: [0, 1], tmax: [1, 3] });
 * console.log(c.length); // 2
 * ```
 */
export function rasterCharts(
  spikeTimes: ArrayLike<number>[],
  intervals: { tmin: number[]; tmax: number[] },
): Chart[] {
  return spikeTimes.map((t, n) => {
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i < t.length; i++) {
      if (t[i] < intervals.tmax[n]) (x.push(t[i]), y.push(i));
    }
    const name = n === 0 ? "input" : `hidden ${n}`, { tmin, tmax } = intervals;
    // zoom on the spikes: in a wide interval they crowd near tmax (t = tmax - activation)
    const first = x.length ? Math.min(...x) : tmin[n];
    const from = Math.max(tmin[n], first - 0.05 * (tmax[n] - first));
    return {
      xRange: [from, tmax[n]] as [number, number],
      yRange: [0, Math.max(1, t.length - 1)] as [number, number],
      title: `${name}: ${x.length} of ${t.length} spiked`,
      xLabel: "spike time",
      yLabel: "neuron",
      series: [{ name, x, y, style: "points" as const }],
      bands: [{
        from: intervals.tmin[n],
        to: intervals.tmax[n],
        label: `[tmin, tmax] of layer ${n}`,
      }],
    };
  });
}

/** One epoch of a training history (as `trainTtfs` records it). */
export interface CurvePoint {
  /** Epoch number, from 1. */
  epoch: number;
  /** The SNN's mean training loss over the epoch's batches. */
  trainLoss: number;
  /** The ReLU twin's mean training loss over the same batches. */
  reluTwinTrainLoss: number;
  /** The SNN's test accuracy after the epoch, in [0, 1]. */
  testAccuracy: number;
  /** The ReLU twin's test accuracy after the epoch, in [0, 1]. */
  reluTwinTestAccuracy: number;
}

/**
 * Training curves of an SNN and its ReLU twin: test accuracy and training loss per epoch.
 *
 * @example
 * ```ts
 * import { trainingCurveCharts } from "./charts.ts";
 * const h = [{ epoch: 1, trainLoss: 0.5, reluTwinTrainLoss: 0.5, testAccuracy: 0.8, reluTwinTestAccuracy: 0.8 }];
 * console.log(trainingCurveCharts(h).length); // 2
 * ```
 */
export function trainingCurveCharts(history: CurvePoint[]): Chart[] {
  const x = history.map((h) => h.epoch);
  const pair = (snn: number[], twin: number[]): Series[] => [
    { name: "TTFS SNN (B = 1)", x, y: snn },
    { name: "ReLU twin (dashed)", x, y: twin, color: "#ff7f0e", dashed: true },
  ];
  return [
    {
      title: "test accuracy",
      xLabel: "epoch",
      yLabel: "accuracy (%)",
      series: pair(
        history.map((h) => 100 * h.testAccuracy),
        history.map((h) => 100 * h.reluTwinTestAccuracy),
      ),
    },
    {
      title: "training loss",
      xLabel: "epoch",
      yLabel: "cross-entropy",
      series: pair(history.map((h) => h.trainLoss), history.map((h) => h.reluTwinTrainLoss)),
    },
  ];
}

/** One epoch of a LIF run, as `lifCurveCharts` reads it. */
export interface LifCurvePoint {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch. */
  trainLoss: number;
  /** Test accuracy after the epoch, in [0, 1]. */
  testAccuracy: number;
  /** Spikes per neuron per time step on the test set. */
  firingRate: number;
}

/**
 * A LIF run's curves: test accuracy, training loss and firing rate against the epoch.
 *
 * @example
 * ```ts
 * import { lifCurveCharts } from "./charts.ts";
 * const c = lifCurveCharts([{ epoch: 1, trainLoss: 0.9, testAccuracy: 0.7, firingRate: 0.2 }], "saf-e");
 * console.log(c.length); // 3
 * ```
 */
export function lifCurveCharts(history: LifCurvePoint[], method: string): Chart[] {
  const x = history.map((h) => h.epoch);
  const panel = (title: string, yLabel: string, y: number[]): Chart => ({
    title,
    xLabel: "epoch",
    yLabel,
    series: [{ name: method, x, y }],
  });
  return [
    panel(
      "test accuracy (LIF inference)",
      "accuracy (%)",
      history.map((h) => 100 * h.testAccuracy),
    ),
    panel("training loss", "loss", history.map((h) => h.trainLoss)),
    panel("firing rate", "spikes / neuron / step", history.map((h) => h.firingRate)),
  ];
}

/**
 * Singular-value spectra, one panel per run (e.g. B = 1 and alpha-fixed), one line per layer:
 * x = index (largest first), y = singular value, log scale; values below 1e-12 of the largest
 * (numerically zero: the rows of silent neurons) are left out.
 *
 * @example
 * ```ts
 * import { spectraCharts } from "./charts.ts";
 * const c = spectraCharts([{ name: "b1", layers: [[2, 1, 0.5]] }]);
 * console.log(c[0].logY); // true
 * ```
 */
export function spectraCharts(runs: { name: string; layers: ArrayLike<number>[] }[]): Chart[] {
  return runs.map((r) => ({
    title: r.name,
    xLabel: "index",
    yLabel: "singular value of dt(n)/dt(n-1)",
    logY: true,
    // singular values below 1e-12 sigma_max are zeros (silent neurons) in float64: not drawn
    series: r.layers.map((all, n) => {
      const sv = Array.from(all).filter((v) => v > 1e-12 * all[0]);
      return { name: `layer ${n + 1}`, x: sv.map((_, k) => k + 1), y: sv };
    }),
  }));
}

/**
 * Gradient norm per layer, one panel per run, one line per recorded step (log scale).
 *
 * @example
 * ```ts
 * import { gradNormCharts } from "./charts.ts";
 * const c = gradNormCharts([{ name: "b1", steps: [0], gradNorms: [[1, 0.5]] }]);
 * console.log(c[0].series.length); // 1
 * ```
 */
export function gradNormCharts(
  runs: { name: string; steps: number[]; gradNorms: number[][] }[],
): Chart[] {
  return runs.map((r) => ({
    title: r.name,
    xLabel: "layer (readout last)",
    yLabel: "gradient norm",
    logY: true,
    series: r.steps.map((s, k) => ({
      name: `step ${s}`,
      x: r.gradNorms[k].map((_, n) => n + 1),
      y: r.gradNorms[k],
    })),
  }));
}

/** One measured constraint setting (as `constraintsExperiment` reports it). */
export interface SweepPoint {
  /** "quantize", "jitter" or "latency" (a panel each), or "none" (the reference line). */
  kind: string;
  /** The x value: bits, relative sigma, or the latency factor. */
  value: number;
  /** Test accuracy before fine-tuning, in [0, 1]. */
  accuracyBefore: number;
  /** Test accuracy after fine-tuning, in [0, 1]. */
  accuracyAfter: number;
}

/**
 * Accuracy against weight bits, jitter and latency, before and after fine-tuning: one panel
 * per constraint kind found in `rows` ("none" is drawn as a reference line in each).
 *
 * @example
 * ```ts
 * import { sweepCharts } from "./charts.ts";
 * const rows = [{ kind: "quantize", value: 4, accuracyBefore: 0.8, accuracyAfter: 0.88 }];
 * console.log(sweepCharts(rows)[0].title); // "weight quantization"
 * ```
 */
export function sweepCharts(rows: SweepPoint[]): Chart[] {
  const names: Record<string, [string, string]> = {
    quantize: ["weight quantization", "bits"],
    jitter: ["spike-time jitter", "sigma / coding interval"],
    latency: ["reduced latency", "interval shortened by factor"],
  };
  const ref = rows.find((r) => r.kind === "none");
  return Object.entries(names).flatMap(([kind, [title, xLabel]]) => {
    const rs = rows.filter((r) => r.kind === kind).sort((a, b) => a.value - b.value);
    if (!rs.length) return [];
    const x = rs.map((r) => r.value);
    const series: Series[] = [
      { name: "before fine-tuning", x, y: rs.map((r) => 100 * r.accuracyBefore), color: "#d62728" },
      { name: "after fine-tuning", x, y: rs.map((r) => 100 * r.accuracyAfter), color: "#2ca02c" },
    ];
    if (ref) {
      const y = 100 * ref.accuracyBefore;
      series.push({
        name: "unconstrained",
        x: [x[0], x[x.length - 1]],
        y: [y, y],
        color: "#777",
        dashed: true,
      });
    }
    return [{ title, xLabel, yLabel: "test accuracy (%)", series }];
  });
}
