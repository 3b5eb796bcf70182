/**
 * `spikeproof experiment depth` and `spikeproof analyze jacobian`: the vanishing/exploding
 * gradient finding, as figures (both run `depthStudy`). `--init` picks the runs: b1, mapped
 * (the alpha-fixed parametrization), naive and naive-scratch (the paper's Figure 2a).
 *
 * @module
 */
import process from "node:process";
import { gatherBatch } from "../data/batching.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { depthStudy } from "../experiments/depth.ts";
import { parseTtfsInit, TTFS_INITS, type TtfsInit } from "../ttfs/init_spectra.ts";
import {
  type CommandSpec,
  intListOption,
  numberOption,
  optionsOf,
  type ParsedOptions,
} from "./args.ts";
import { gradNormCharts, spectraCharts } from "../plot/charts.ts";
import { depthSigmaChart, eigenvalueCharts } from "../plot/init_charts.ts";
import { depthTable, initTable, jacobianTable } from "./depth_tables.ts";
import { dataOption, emitReport, plotOption, reportOptions, writePlot } from "./output.ts";
import { runtimeName } from "./train.ts";
import { ADAM_DEFAULTS } from "../nn/optim.ts";

const common: CommandSpec["options"] = {
  width: { type: "string", value: "N", default: "340", help: "width of every hidden layer" },
  batch: { type: "string", value: "N", default: "32", help: "batch size" },
  lr: {
    type: "string",
    value: "X",
    default: String(ADAM_DEFAULTS.lr),
    help: "Adam learning rate (every run and its twin; SPEC A10)",
  },
  seed: { type: "string", value: "N", default: "0", help: "seed of the init and the batch order" },
  init: {
    type: "string",
    value: "I,I,...",
    default: "b1,mapped",
    help: `runs, each started from one init: ${TTFS_INITS.join(", ")} (mapped and the naive ` +
      "ones train J and theta with alpha = 1 held fixed)",
  },
  data: { ...dataOption, default: "embedded" },
  ...reportOptions,
};

/** `experiment depth`'s options and help. */
export const experimentDepthSpec: CommandSpec = {
  name: "experiment depth",
  summary: "Train deep dense nets as B = 1 and as alpha-fixed SNNs beside their ReLU twins; " +
    "report losses and per-layer gradient norms.",
  options: {
    depths: { type: "string", value: "D,D,...", default: "8,16", help: "numbers of hidden layers" },
    steps: { type: "string", value: "N", default: "300", help: "training steps per run" },
    record: { type: "string", value: "N", default: "10", help: "keep figures every N steps" },
    test: {
      type: "string",
      value: "N",
      default: "1000",
      help: "final accuracy of every run on the first N test images (0: none)",
    },
    spectra: {
      type: "string",
      value: "ends|none",
      default: "ends",
      help: "Jacobian spectra at the first and the last step, or none (faster)",
    },
    plot: plotOption("per-layer gradient norms (first and last kept step)"),
    ...common,
  },
  notes: "Gradient norms: ||dL/dW(n)|| (B = 1) and ||dL/dJ(n)|| (alpha fixed), layer 1 first.",
};

/** `analyze jacobian`'s options and help. */
export const analyzeJacobianSpec: CommandSpec = {
  name: "analyze jacobian",
  summary: "Spectra of the layer Jacobians dt(n)/dt(n-1) = M B^-1 J and of their product, " +
    "for the B = 1 and the alpha-fixed parametrization, at init and during training.",
  options: {
    depth: { type: "string", value: "D", default: "8", help: "hidden layers" },
    at: {
      type: "string",
      value: "S,S,...",
      default: "0,100,300",
      help: "steps at which to analyze",
    },
    plot: plotOption("the singular-value spectra (first and last step, every run)"),
    "eigen-plot": plotOption(
      "the eigenvalues of every layer Jacobian in the complex plane, one panel per init (step 0)",
    ),
    "depth-plot": plotOption("sigma_max of dt(k)/dt(0) against depth k, per init (step 0)"),
    ...common,
  },
};

/** The --init list: known names, each once. */
function initsOption(o: ParsedOptions): TtfsInit[] {
  const inits = String(o.init ?? "").split(",").map((s) => parseTtfsInit(s.trim()));
  if (new Set(inits).size !== inits.length) {
    throw new OptionError(`--init names an init twice: '${o.init}'`);
  }
  return inits;
}

async function study(
  o: ParsedOptions,
  depth: number,
  steps: number,
  record: number,
  spectraAt: number[],
  testCount = 0,
  initFigures = false,
) {
  const inits = initsOption(o);
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
  const n = Math.min(testCount, data.test.count);
  const ids = Array.from({ length: n }, (_, k) => k);
  const test = n ? { ...gatherBatch(data.test, ids, 0, n), count: n } : undefined;
  const t0 = performance.now();
  const onStep = (s: number, n: number) => {
    if (s === n || s % 50 === 0) process.stderr.write(`depth ${depth}: step ${s}/${n}\n`);
  };
  const result = depthStudy(data.train, {
    depth,
    width: numberOption(o, "width", { integer: true, min: 1 }),
    steps,
    batch: numberOption(o, "batch", { integer: true, min: 1 }),
    lr: numberOption(o, "lr", { min: Number.MIN_VALUE, max: 10 }),
    seed: numberOption(o, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    record,
    spectraAt,
    initFigures,
    inits,
    test: test && { x: test.x, labels: test.labels, count: test.count },
    onStep,
  });
  return { ...result, data: data.source, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Run `experiment depth`.
 *
 * @example
 * ```ts ignore
 * import { runExperimentDepth } from "./depth.ts";
 * await runExperimentDepth(["--depths", "8", "--steps", "50"]);
 * ```
 */
export async function runExperimentDepth(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(experimentDepthSpec, argv);
  const depths = intListOption(o, "depths");
  const steps = numberOption(o, "steps", { integer: true, min: 1 });
  const record = numberOption(o, "record", { integer: true, min: 1 });
  const testCount = numberOption(o, "test", { integer: true, min: 0 });
  if (o.spectra !== "ends" && o.spectra !== "none") {
    throw new OptionError(`--spectra must be 'ends' or 'none', got '${o.spectra}'`);
  }
  const at = o.spectra === "ends" ? [0, steps] : [];
  const studies = [];
  for (const d of depths) studies.push(await study(o, d, steps, record, at, testCount));
  const report = { experiment: "depth", runtime: runtimeName(), studies };
  await writePlot(
    o.plot,
    gradNormCharts(studies.flatMap((s) =>
      s.runs.map((r) => {
        const ends = [0, r.steps.length - 1];
        return {
          name: `${r.init}, ${s.depth} hidden layers`,
          steps: ends.map((k) => r.steps[k]),
          gradNorms: ends.map((k) => r.gradNorms[k]),
        };
      })
    )),
  );
  await emitReport(o, report, depthTable(studies));
}

/**
 * Run `analyze jacobian`.
 *
 * @example
 * ```ts ignore
 * import { runAnalyzeJacobian } from "./depth.ts";
 * await runAnalyzeJacobian(["--depth", "8", "--at", "0,50"]);
 * ```
 */
export async function runAnalyzeJacobian(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(analyzeJacobianSpec, argv);
  const depth = numberOption(o, "depth", { integer: true, min: 1 });
  const spectraAt = [...new Set(intListOption(o, "at", 0))].sort((a, b) => a - b);
  const steps = spectraAt[spectraAt.length - 1];
  if ((o["eigen-plot"] || o["depth-plot"]) && spectraAt[0] !== 0) {
    throw new OptionError("--eigen-plot and --depth-plot show step 0: --at must include 0");
  }
  const s = await study(o, depth, steps, Math.max(1, steps), spectraAt, 0, true);
  const panels = [...new Set([0, spectraAt.length - 1])].flatMap((k) =>
    s.runs.map((r) => ({
      name: `${r.init}, step ${r.spectra[k].step}`,
      layers: r.spectra[k].layers.map((l) => l.singular),
    }))
  );
  await writePlot(o.plot, spectraCharts(panels));
  const atInit = s.runs.flatMap((r) => r.spectra[0].init ? [{ run: r, ...r.spectra[0].init }] : []);
  await writePlot(
    o["eigen-plot"],
    eigenvalueCharts(atInit.map((a) => ({ name: a.run.init, layers: a.eigenvalues }))),
  );
  await writePlot(
    o["depth-plot"],
    depthSigmaChart(atInit.map((a) => ({ name: a.run.init, sigmaMax: a.prefixSigmaMax }))),
  );
  const human = jacobianTable(s) + (atInit.length ? `\n\n${initTable(s)}` : "");
  await emitReport(o, { analysis: "jacobian", runtime: runtimeName(), ...s }, human);
}
