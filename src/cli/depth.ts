/**
 * `spikeproof experiment depth` and `spikeproof analyze jacobian`: the vanishing/exploding
 * gradient finding, as figures (both run `depthStudy`).
 *
 * @module
 */
import process from "node:process";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { type DepthStudy, depthStudy } from "../experiments/depth.ts";
import {
  type CommandSpec,
  intListOption,
  numberOption,
  parseCommand,
  type ParsedOptions,
} from "./args.ts";
import { gradNormCharts, spectraCharts } from "../plot/charts.ts";
import { dataOption, emitReport, plotOption, reportOptions, writePlot } from "./output.ts";
import { runtimeName } from "./train.ts";

const common: CommandSpec["options"] = {
  width: { type: "string", value: "N", default: "340", help: "width of every hidden layer" },
  batch: { type: "string", value: "N", default: "32", help: "batch size" },
  lr: {
    type: "string",
    value: "X",
    default: "5e-4",
    help: "Adam learning rate (both parametrizations)",
  },
  seed: { type: "string", value: "N", default: "0", help: "seed of the init and the batch order" },
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
    plot: plotOption("the singular-value spectra (first and last step, both parametrizations)"),
    ...common,
  },
};

async function study(
  o: ParsedOptions,
  depth: number,
  steps: number,
  record: number,
  spectraAt: number[],
) {
  const data = await loadFashionMnist({ dir: o.data as string | undefined });
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
    onStep,
  });
  return { ...result, data: data.source, seconds: (performance.now() - t0) / 1000 };
}

const e = (v: number) => v.toExponential(2);

function depthTable(studies: DepthStudy[]): string {
  const rows = [
    "depth  parametrization  loss start -> end (twin end)  |g1|/|gL| start -> end  max|w - twin|",
  ];
  for (const s of studies) {
    for (const r of s.runs) {
      const last = r.loss.length - 1;
      rows.push(
        `${String(s.depth).padEnd(6)} ${r.parametrization.padEnd(16)} ` +
          `${r.loss[0].toFixed(3)} -> ${r.loss[last].toFixed(3)} (${r.twinLoss[last].toFixed(3)})`
            .padEnd(30) +
          ` ${e(r.firstOverLastGradNorm[0])} -> ${e(r.firstOverLastGradNorm[last])}`.padEnd(25) +
          ` ${e(r.maxAbsWeightDiffVsTwin)}`,
      );
    }
  }
  return rows.join("\n");
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
export async function runExperimentDepth(argv: string[]): Promise<void> {
  const o = parseCommand(experimentDepthSpec, argv);
  const depths = intListOption(o, "depths");
  const steps = numberOption(o, "steps", { integer: true, min: 1 });
  const record = numberOption(o, "record", { integer: true, min: 1 });
  const studies = [];
  for (const d of depths) studies.push(await study(o, d, steps, record, [0, steps]));
  const report = { experiment: "depth", runtime: runtimeName(), studies };
  await writePlot(
    o.plot,
    gradNormCharts(studies.flatMap((s) =>
      s.runs.map((r) => {
        const ends = [0, r.steps.length - 1];
        return {
          name: `${r.parametrization}, ${s.depth} hidden layers`,
          steps: ends.map((k) => r.steps[k]),
          gradNorms: ends.map((k) => r.gradNorms[k]),
        };
      })
    )),
  );
  await emitReport(o, report, depthTable(studies));
}

function jacobianTable(s: DepthStudy): string {
  const rows = [
    "parametrization  step  end-to-end: sigma max, geo-mean, rank   layer sigma max: min .. max" +
    "   median rho   mean B per layer",
  ];
  for (const r of s.runs) {
    for (const sp of r.spectra) {
      const smax = sp.layers.map((l) => l.sigmaMax),
        rho = sp.layers.map((l) => l.spectralRadius).filter(isFinite);
      const med = rho.sort((a, b) => a - b)[Math.floor(rho.length / 2)] ?? NaN;
      const meanB = sp.slopes ? sp.slopes.map((b) => b.mean.toFixed(2)).join(",") : "1 (all)";
      rows.push(
        `${r.parametrization.padEnd(16)} ${String(sp.step).padEnd(5)} ` +
          `${e(sp.endToEnd.sigmaMax)}, ${e(sp.endToEnd.geometricMean)}, ${sp.endToEnd.rank}`.padEnd(
            39,
          ) +
          ` ${e(Math.min(...smax))} .. ${e(Math.max(...smax))}`.padEnd(30) +
          ` ${e(med)}`.padEnd(13) + ` ${meanB}`,
      );
    }
  }
  return rows.join("\n");
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
export async function runAnalyzeJacobian(argv: string[]): Promise<void> {
  const o = parseCommand(analyzeJacobianSpec, argv);
  const depth = numberOption(o, "depth", { integer: true, min: 1 });
  const spectraAt = [...new Set(intListOption(o, "at", 0))].sort((a, b) => a - b);
  const steps = spectraAt[spectraAt.length - 1];
  const s = await study(o, depth, steps, Math.max(1, steps), spectraAt);
  const panels = [0, spectraAt.length - 1].flatMap((k) =>
    s.runs.map((r) => ({
      name: `${r.parametrization}, step ${r.spectra[k].step}`,
      layers: r.spectra[k].layers.map((l) => l.singular),
    }))
  );
  await writePlot(o.plot, spectraCharts(panels));
  await emitReport(o, { analysis: "jacobian", runtime: runtimeName(), ...s }, jacobianTable(s));
}
