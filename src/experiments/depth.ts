/**
 * The vanishing-or-exploding-gradient finding (SPEC A7), measured. One deep dense network,
 * one Glorot ReLU initialisation, and the TTFS networks started from it (`inits`), trained on
 * the same batches:
 *
 * - "b1": the constant-slope model, trained with its ReLU twin (`TwinTrainer`);
 * - "mapped": the 2023 mapping (alpha = 1), J and theta trained with alpha held fixed, beside
 *   its own ReLU twin (`AlphaFixedTrainer`): the "alpha-fixed" parametrization;
 * - "naive" / "naive-scratch": alpha = 1 with J = w itself (the paper's Figure 2a), trained the
 *   same way, its twin the ReLU network (`ttfs/naive_init.ts`).
 *
 * Every `record` steps it keeps the loss, the batch accuracy and the per-layer gradient norms;
 * at the steps in `spectraAt` it computes, on one fixed training image, each layer's Jacobian
 * dt(n)/dt(n-1) and the figures of `depth_spectra.ts` (with `initFigures`, at step 0 also the
 * eigenvalues and sigma_max against depth), and (alpha fixed) the slopes B_i of the firing neurons. With a
 * `test` batch, each run's final accuracy on it. The CLI's `experiment depth` and `analyze
 * jacobian` both run this.
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
import { TTFS_INITS, type TtfsInit } from "../ttfs/init_spectra.ts";
import { b1Jacobians, generalJacobians, type LayerJacobians } from "../ttfs/jacobian.ts";
import { AlphaFixedTrainer } from "./alpha_fixed_trainer.ts";
import { firingSlopes, type SpectraRecord, summarizeJacobians } from "./depth_spectra.ts";
import { TwinTrainer } from "./twin_trainer.ts";

export type { InitFigures, LayerSpectrum, SigmaSummary, SpectraRecord } from "./depth_spectra.ts";

/** Options of {@link depthStudy}. */
export interface DepthStudyOptions {
  /** Hidden layers. */
  depth: number;
  /** Width of every hidden layer. */
  width: number;
  /** Training steps. */
  steps: number;
  /** Samples per step; every run trains on the same batches. */
  batch: number;
  /** Adam learning rate of every run and its twin. */
  lr: number;
  /** Seeds the initial ReLU weights and the order of the training images. */
  seed: number;
  /** The runs, in order (default ["b1", "mapped"]); each at most once. */
  inits?: TtfsInit[];
  /** Keep loss and gradient norms every `record` steps (default 10). */
  record?: number;
  /** Steps (0 = before training) at which to compute Jacobian spectra (default none). */
  spectraAt?: number[];
  /** At step 0, also keep every layer's eigenvalues and sigma_max against depth (default false). */
  initFigures?: boolean;
  /** Held-out images, [count, nIn] in [0, 1]: each run's final accuracy on them (default none). */
  test?: { x: Float64Array; labels: ArrayLike<number>; count: number };
  /** Called after every step of every run. */
  onStep?: (step: number, steps: number) => void;
}

/** The record of one run. */
export interface DepthRun {
  /** The constant-slope B = 1 model, or an alpha = 1 network trained with alpha fixed. */
  parametrization: "b1" | "alpha-fixed";
  /** Where it started (b1: the B = 1 network; the others: alpha fixed). */
  init: TtfsInit;
  /** Steps at which loss and gradient norms were kept. */
  steps: number[];
  /** Per kept step: the SNN's mean cross-entropy on that step's batch. */
  loss: number[];
  /** Per kept step: the ReLU twin's mean cross-entropy on the same batch. */
  twinLoss: number[];
  /** Per kept step: the fraction of that step's batch the SNN classified correctly. */
  accuracy: number[];
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
  /** With a `test` batch: the SNN's and the twin's accuracy on it after the last step. */
  test?: { accuracy: number; twinAccuracy: number };
  /** Time spent in this run's training steps, in seconds. */
  seconds: number;
}

/** What {@link depthStudy} measured, with the options that shaped it. */
export interface DepthStudy
  extends Pick<DepthStudyOptions, "depth" | "width" | "steps" | "batch" | "lr" | "seed"> {
  /** One run per init, in the order asked. */
  runs: DepthRun[];
}

/** One run's trainer behind a common face. */
interface Trainee {
  run: DepthRun;
  step(x: Float64Array, labels: ArrayLike<number>, size: number): {
    loss: number;
    twinLoss: number;
    correct: number;
    gradNorms: number[];
    twinGradNorms: number[];
  };
  jacobians(t0: Float64Array): LayerJacobians;
  slopes?(t0: Float64Array): SpectraRecord["slopes"];
  weightDiff(): number;
  /** b1 only: the twin's parameters, for the control twin's distance. */
  twinParams?(): Float64Array[];
  evaluate(x: Float64Array, labels: ArrayLike<number>, count: number): DepthRun["test"];
}

function emptyRun(init: TtfsInit): DepthRun {
  return {
    parametrization: init === "b1" ? "b1" : "alpha-fixed",
    init,
    steps: [],
    loss: [],
    twinLoss: [],
    accuracy: [],
    gradNorms: [],
    twinGradNorms: [],
    firstOverLastGradNorm: [],
    maxAbsWeightDiffVsTwin: 0,
    weightDiffVsTwin: [],
    spectra: [],
    seconds: 0,
  };
}

function trainee(
  init: TtfsInit,
  sizes: number[],
  { seed, lr }: DepthStudyOptions,
  calibration: { x: Float64Array; size: number },
): Trainee {
  const run = emptyRun(init);
  if (init === "b1") {
    const b1 = new TwinTrainer(sizes, { seed, lr });
    return {
      run,
      step: (x, labels, size) => b1.step(x, labels, size),
      jacobians: (t0) => b1Jacobians(b1.snn, t0),
      weightDiff: () => b1.maxAbsWeightDiff(),
      twinParams: () => reluMlpParams(b1.twin),
      evaluate: (x, labels, count) => b1.evaluate(x, labels, count),
    };
  }
  const relu = initReluMlp(sizes, new Rng(seed));
  const af = new AlphaFixedTrainer(relu, calibration.x, calibration.size, { lr, init });
  return {
    run,
    step: (x, labels, size) => af.step(x, labels, size),
    jacobians: (t0) => generalJacobians(af.snn, t0),
    slopes: (t0) => firingSlopes(af.snn, t0),
    weightDiff: () => af.maxAbsWeightDiff(),
    evaluate: (x, labels, count) => af.evaluate(x, labels, count),
  };
}

function checkOptions(options: DepthStudyOptions, inits: TtfsInit[], spectraAt: number[]): void {
  const { depth, width, steps, batch, record = 10 } = options;
  for (const [k, v] of Object.entries({ depth, width, steps, batch, record })) {
    if (!Number.isInteger(v) || v < (k === "steps" ? 0 : 1)) {
      throw new OptionError(`${k} = ${v} is not a valid count`);
    }
  }
  if (spectraAt.some((s) => !Number.isInteger(s) || s < 0 || s > steps)) {
    throw new OptionError(`spectra steps [${spectraAt}] must lie in 0..${steps}`);
  }
  if (!inits.length || new Set(inits).size !== inits.length) {
    throw new OptionError(`inits [${inits}] must name each init at most once, and one at least`);
  }
  const unknown = inits.find((i) => !TTFS_INITS.includes(i));
  if (unknown) {
    throw new OptionError(`unknown init '${unknown}'; expected one of ${TTFS_INITS.join(", ")}`);
  }
}

/**
 * Train one run per init of a `depth` x `width` network on `train` and measure them.
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
  const inits = options.inits ?? ["b1", "mapped"];
  checkOptions(options, inits, spectraAt);
  const classes = 1 + train.labels.reduce((m, v) => (v > m ? v : m), 0);
  const sizes = [train.rows * train.cols, ...new Array(depth).fill(width), classes];
  const rng = new Rng(seed ^ 0x3c6ef372), order = rng.permutation(train.count);
  const calibration = gatherBatch(train, order, 0, Math.min(64, train.count));
  const t0 = encodeInput(gatherBatch(train, order, 0, 1).x);
  const trainees = inits.map((init) => trainee(init, sizes, options, calibration));
  let control: TwinTrainer | undefined;
  if (inits.includes("b1")) {
    control = new TwinTrainer(sizes, { seed, lr });
    // every weight of the second layer 1e-12 away (a first-layer weight may see a pixel that is always 0)
    control.twin.layers[Math.min(1, sizes.length - 2)].w.forEach((_, k, w) => (w[k] += 1e-12));
  }
  const spectra = (step: number) => {
    if (!spectraAt.includes(step)) return;
    for (const t of trainees) {
      const r = summarizeJacobians(t.jacobians(t0), step, step === 0 && !!options.initFigures);
      if (t.slopes) r.slopes = t.slopes(t0);
      t.run.spectra.push(r);
    }
  };
  spectra(0);
  for (let step = 0; step < steps; step++) {
    const b = gatherBatch(train, order, (step * batch) % Math.max(1, train.count - batch), batch);
    control?.step(b.x, b.labels, b.size); // untimed: the control is not part of any run
    for (const t of trainees) {
      const start = performance.now(), r = t.step(b.x, b.labels, b.size);
      t.run.seconds += (performance.now() - start) / 1000;
      if (step % record !== 0 && step !== steps - 1) continue;
      const run = t.run, g = r.gradNorms;
      run.steps.push(step);
      run.loss.push(r.loss);
      run.twinLoss.push(r.twinLoss);
      run.accuracy.push(r.correct / b.size);
      run.gradNorms.push(g);
      run.twinGradNorms.push(r.twinGradNorms);
      run.firstOverLastGradNorm.push(g[0] / g[g.length - 2]);
      run.weightDiffVsTwin.push(t.weightDiff());
      if (t.twinParams && control) {
        const diff = maxAbsDifference(t.twinParams(), reluMlpParams(control.twin));
        (run.controlTwinDiff ??= []).push(diff);
      }
    }
    spectra(step + 1);
    options.onStep?.(step + 1, steps);
  }
  for (const { run, evaluate } of trainees) {
    run.maxAbsWeightDiffVsTwin = run.weightDiffVsTwin[run.weightDiffVsTwin.length - 1] ?? 0;
    if (options.test) run.test = evaluate(options.test.x, options.test.labels, options.test.count);
  }
  return { depth, width, steps, batch, lr, seed, runs: trainees.map((t) => t.run) };
}
