/**
 * The vanishing-or-exploding-gradient finding (SPEC A7), measured. One deep dense network,
 * one ReLU initialisation, two parametrizations trained on the same batches:
 *
 * - "b1": the constant-slope model, trained with its ReLU twin (`TwinTrainer`);
 * - "alpha-fixed": the 2023 mapping (alpha = 1), J and theta trained with alpha held fixed,
 *   beside its own ReLU twin (`AlphaFixedTrainer`).
 *
 * Every `record` steps it keeps the loss and the per-layer gradient norms; at the steps in
 * `spectraAt` it computes, on one fixed training image, each layer's Jacobian dt(n)/dt(n-1),
 * its singular values and spectral radius, the end-to-end product's singular values, and
 * (alpha-fixed) the slopes B_i of the firing neurons. The CLI's `experiment depth` and
 * `analyze jacobian` both run this.
 *
 * @module
 */
import { gatherBatch } from "../data/batching.ts";
import type { ImageSet } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { maxAbsDifference } from "../nn/linalg.ts";
import { initReluMlp, reluMlpParams } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { generalForward } from "../ttfs/general.ts";
import {
  b1Jacobians,
  endToEndJacobian,
  generalJacobians,
  type LayerJacobians,
  spectrum,
} from "../ttfs/jacobian.ts";
import { AlphaFixedTrainer } from "./alpha_fixed_trainer.ts";
import { TwinTrainer } from "./twin_trainer.ts";

/** Options of {@link depthStudy}. */
export interface DepthStudyOptions {
  /** Hidden layers. */
  depth: number;
  /** Width of every hidden layer. */
  width: number;
  /** Training steps. */
  steps: number;
  /** Samples per step; both parametrizations train on the same batches. */
  batch: number;
  /** Adam learning rate of both parametrizations and their twins. */
  lr: number;
  /** Seeds the initial ReLU weights and the order of the training images. */
  seed: number;
  /** Keep loss and gradient norms every `record` steps (default 10). */
  record?: number;
  /** Steps (0 = before training) at which to compute Jacobian spectra (default none). */
  spectraAt?: number[];
  /** Called after every step of both parametrizations. */
  onStep?: (step: number, steps: number) => void;
}

/**
 * Singular values of a Jacobian in brief. Dead neurons give zero rows, so the smallest
 * singular value is usually 0; `rank` counts those above 1e-12 sigmaMax, and sigmaMin and
 * the geometric mean are taken over those.
 */
export interface SigmaSummary {
  /** All singular values, largest first. */
  singular: number[];
  /** The largest singular value (0 for an empty matrix). */
  sigmaMax: number;
  /** Median of the counted singular values (for an even count, the lower middle one). */
  sigmaMedian: number;
  /** The smallest counted singular value. */
  sigmaMin: number;
  /** Geometric mean of the counted singular values. */
  geometricMean: number;
  /** How many singular values exceed 1e-12 sigmaMax: the numerical rank. */
  rank: number;
}

/** Spectra of one parametrization at one step. */
export interface SpectraRecord {
  /** Optimizer steps taken before the measurement (0 = at initialisation). */
  step: number;
  /** Per hidden layer: the singular-value figures of {@link SigmaSummary}, spectral radius. */
  layers: (SigmaSummary & { spectralRadius: number })[];
  /** The same figures for the end-to-end Jacobian dt(L-1)/dt(0). */
  endToEnd: SigmaSummary;
  /** alpha-fixed only: per hidden layer, mean / min / max of B_i over firing neurons. */
  slopes?: { mean: number; min: number; max: number }[];
}

/** The record of one parametrization. */
export interface DepthRun {
  /** The constant-slope B = 1 model, or the 2023 mapping trained with alpha fixed. */
  parametrization: "b1" | "alpha-fixed";
  /** Steps at which loss and gradient norms were kept. */
  steps: number[];
  /** Per kept step: the SNN's mean cross-entropy on that step's batch. */
  loss: number[];
  /** Per kept step: the ReLU twin's mean cross-entropy on the same batch. */
  twinLoss: number[];
  /** Per kept step: ||dL/dW|| (b1) or ||dL/dJ|| (alpha-fixed) per layer, readout last. */
  gradNorms: number[][];
  /** Per kept step: ||dL/dw|| of the ReLU twin per layer, readout last. */
  twinGradNorms: number[][];
  /** Per kept step: ||grad of layer 1|| / ||grad of the last hidden layer||. */
  firstOverLastGradNorm: number[];
  /** Largest |weight - twin weight| at the end (alpha-fixed: after the reverse mapping). */
  maxAbsWeightDiffVsTwin: number;
  /** The same distance at every kept step. */
  weightDiffVsTwin: number[];
  /**
   * b1 only, a control: at every kept step, the largest |w - w'| between the twin and a second
   * twin whose second-layer weights all started 1e-12 away. It shows how fast the training dynamics
   * themselves amplify a round-off-sized difference, which bounds how long any two float64
   * implementations of the same trajectory can agree.
   */
  controlTwinDiff?: number[];
  /** The spectra at each step of `spectraAt`, in order. */
  spectra: SpectraRecord[];
  /** Time spent in this parametrization's training steps, in seconds. */
  seconds: number;
}

/** What {@link depthStudy} measured, with the options that shaped it. */
export interface DepthStudy
  extends Pick<DepthStudyOptions, "depth" | "width" | "steps" | "batch" | "lr" | "seed"> {
  /** The b1 run, then the alpha-fixed run. */
  runs: DepthRun[];
}

function sigmas(sv: Float64Array): SigmaSummary {
  const nz = sv.filter((v) => v > 1e-12 * sv[0]);
  const logMean = nz.reduce((a, v) => a + Math.log(v), 0) / Math.max(1, nz.length);
  return {
    singular: Array.from(sv),
    sigmaMax: sv[0] ?? 0,
    sigmaMedian: nz[Math.floor(nz.length / 2)] ?? 0,
    sigmaMin: nz[nz.length - 1] ?? 0,
    geometricMean: nz.length ? Math.exp(logMean) : 0,
    rank: nz.length,
  };
}

function summarize(j: LayerJacobians): Pick<SpectraRecord, "layers" | "endToEnd"> {
  const layers = j.jacobians.map((J, n) => {
    const [rows, cols] = j.shapes[n], s = spectrum(J, rows, cols);
    return { ...sigmas(s.singular), spectralRadius: s.spectralRadius };
  });
  const [rows] = j.shapes[j.shapes.length - 1], cols = j.shapes[0][1];
  return { layers, endToEnd: sigmas(spectrum(endToEndJacobian(j), rows, cols).singular) };
}

function emptyRun(parametrization: DepthRun["parametrization"]): DepthRun {
  return {
    parametrization,
    steps: [],
    loss: [],
    twinLoss: [],
    gradNorms: [],
    twinGradNorms: [],
    firstOverLastGradNorm: [],
    maxAbsWeightDiffVsTwin: 0,
    weightDiffVsTwin: [],
    spectra: [],
    seconds: 0,
  };
}

/**
 * Train both parametrizations of a `depth` x `width` network on `train` and measure them.
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from "../data/fashion_mnist.ts";
 * import { depthStudy } from "./depth.ts";
 * const { train } = await loadFashionMnist({ dir: "embedded" });
 * const r = depthStudy(train, { depth: 2, width: 8, steps: 3, batch: 8, lr: 1e-3, seed: 0, spectraAt: [0] });
 * console.log(r.runs.map((x) => x.parametrization)); // ["b1", "alpha-fixed"]
 * ```
 */
export function depthStudy(train: ImageSet, options: DepthStudyOptions): DepthStudy {
  const { depth, width, steps, batch, lr, seed, record = 10, spectraAt = [] } = options;
  for (const [k, v] of Object.entries({ depth, width, steps, batch, record })) {
    if (!Number.isInteger(v) || v < (k === "steps" ? 0 : 1)) {
      throw new OptionError(`${k} = ${v} is not a valid count`);
    }
  }
  if (spectraAt.some((s) => !Number.isInteger(s) || s < 0 || s > steps)) {
    throw new OptionError(`spectra steps [${spectraAt}] must lie in 0..${steps}`);
  }
  const classes = 1 + train.labels.reduce((m, v) => (v > m ? v : m), 0);
  const sizes = [train.rows * train.cols, ...new Array(depth).fill(width), classes];
  const rng = new Rng(seed ^ 0x3c6ef372), order = rng.permutation(train.count);
  const calibration = gatherBatch(train, order, 0, Math.min(64, train.count));
  const probe = gatherBatch(train, order, 0, 1).x, t0 = encodeInput(probe);
  const b1 = new TwinTrainer(sizes, { seed, lr }), control = new TwinTrainer(sizes, { seed, lr });
  // every weight of the second layer 1e-12 away (a first-layer weight may see a pixel that is always 0)
  control.twin.layers[Math.min(1, sizes.length - 2)].w.forEach((_, k, w) => (w[k] += 1e-12));
  const af = new AlphaFixedTrainer(
    initReluMlp(sizes, new Rng(seed)),
    calibration.x,
    calibration.size,
    { lr },
  );
  const runs = [emptyRun("b1"), emptyRun("alpha-fixed")];
  const spectra = (step: number) => {
    if (!spectraAt.includes(step)) return;
    runs[0].spectra.push({ step, ...summarize(b1Jacobians(b1.snn, t0)) });
    const f = generalForward(af.snn, t0, 1);
    const slopes = f.slopes.map((s) => {
      const fired = [...s].filter((v) => v > 0 && v < Infinity);
      return fired.length
        ? {
          mean: fired.reduce((a, v) => a + v, 0) / fired.length,
          min: Math.min(...fired),
          max: Math.max(...fired),
        }
        : { mean: NaN, min: NaN, max: NaN };
    });
    runs[1].spectra.push({ step, ...summarize(generalJacobians(af.snn, t0)), slopes });
  };
  spectra(0);
  for (let step = 0; step < steps; step++) {
    const b = gatherBatch(train, order, (step * batch) % Math.max(1, train.count - batch), batch);
    control.step(b.x, b.labels, b.size); // untimed: the control is not part of either run
    const results = [
      () => b1.step(b.x, b.labels, b.size),
      () => af.step(b.x, b.labels, b.size),
    ].map((run, p) => {
      const t = performance.now(), r = run();
      runs[p].seconds += (performance.now() - t) / 1000;
      return r;
    });
    if (step % record === 0 || step === steps - 1) {
      const [rb, ra] = results as [
        ReturnType<TwinTrainer["step"]>,
        ReturnType<AlphaFixedTrainer["step"]>,
      ];
      const keep = (run: DepthRun, loss: number, twinLoss: number, g: number[], tg: number[]) => {
        run.steps.push(step);
        run.loss.push(loss);
        run.twinLoss.push(twinLoss);
        run.gradNorms.push(g);
        run.twinGradNorms.push(tg);
        run.firstOverLastGradNorm.push(g[0] / g[g.length - 2]);
      };
      keep(runs[0], rb.loss, rb.twinLoss, rb.gradNorms, rb.twinGradNorms);
      keep(runs[1], ra.loss, ra.twinLoss, ra.gradNorms, ra.twinGradNorms);
      runs[0].weightDiffVsTwin.push(b1.maxAbsWeightDiff());
      runs[1].weightDiffVsTwin.push(af.maxAbsWeightDiff());
      (runs[0].controlTwinDiff ??= []).push(
        maxAbsDifference(reluMlpParams(b1.twin), reluMlpParams(control.twin)),
      );
    }
    spectra(step + 1);
    options.onStep?.(step + 1, steps);
  }
  runs.forEach((
    r,
  ) => (r.maxAbsWeightDiffVsTwin = r.weightDiffVsTwin[r.weightDiffVsTwin.length - 1] ?? 0));
  return { depth, width, steps, batch, lr, seed, runs };
}
