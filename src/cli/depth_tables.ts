/**
 * The human tables of `experiment depth` and `analyze jacobian` (`--json` prints the full
 * record instead).
 *
 * @module
 */
import type { DepthStudy } from "../experiments/depth.ts";

const e = (v: number) => v.toExponential(2);
const pct = (v: number | undefined) => (v === undefined ? "-" : `${(100 * v).toFixed(1)}%`);

/**
 * One row per depth and run: loss, accuracies, gradient-norm ratio, distance to the twin.
 *
 * @example
 * ```ts ignore
 * console.log(depthTable(studies));
 * ```
 */
export function depthTable(studies: DepthStudy[]): string {
  const rows = [
    "depth  init           loss start -> end (twin end)  batch acc end  test acc (twin)  " +
    "|g1|/|gL| start -> end  max|w - twin|",
  ];
  for (const s of studies) {
    for (const r of s.runs) {
      const last = r.loss.length - 1;
      rows.push(
        `${String(s.depth).padEnd(6)} ${r.init.padEnd(14)} ` +
          `${r.loss[0].toFixed(3)} -> ${r.loss[last].toFixed(3)} (${r.twinLoss[last].toFixed(3)})`
            .padEnd(30) +
          ` ${pct(r.accuracy[last])}`.padEnd(15) +
          ` ${pct(r.test?.accuracy)} (${pct(r.test?.twinAccuracy)})`.padEnd(17) +
          ` ${e(r.firstOverLastGradNorm[0])} -> ${e(r.firstOverLastGradNorm[last])}`.padEnd(25) +
          ` ${e(r.maxAbsWeightDiffVsTwin)}`,
      );
    }
  }
  return rows.join("\n");
}

/**
 * One row per run and analyzed step: end-to-end and per-layer singular values, spectral radius,
 * eigenvalues outside the unit circle, slopes.
 *
 * @example
 * ```ts ignore
 * console.log(jacobianTable(study));
 * ```
 */
export function jacobianTable(s: DepthStudy): string {
  const rows = [
    "init           step  end-to-end: sigma max, geo-mean, rank   layer sigma max: min .. max" +
    "   median rho   |lambda|>1   mean B per layer",
  ];
  for (const r of s.runs) {
    for (const sp of r.spectra) {
      const smax = sp.layers.map((l) => l.sigmaMax),
        rho = sp.layers.map((l) => l.spectralRadius).filter(isFinite);
      const med = rho.sort((a, b) => a - b)[Math.floor(rho.length / 2)] ?? NaN;
      const out = sp.layers.map((l) => l.outsideUnitCircle).filter(isFinite);
      const meanOut = out.length ? out.reduce((a, v) => a + v, 0) / out.length : NaN;
      const meanB = sp.slopes ? sp.slopes.map((b) => b.mean.toFixed(2)).join(",") : "1 (all)";
      rows.push(
        `${r.init.padEnd(14)} ${String(sp.step).padEnd(5)} ` +
          `${e(sp.endToEnd.sigmaMax)}, ${e(sp.endToEnd.geometricMean)}, ${sp.endToEnd.rank}`.padEnd(
            39,
          ) +
          ` ${e(Math.min(...smax))} .. ${e(Math.max(...smax))}`.padEnd(30) +
          ` ${e(med)}`.padEnd(13) + ` ${pct(meanOut)}`.padEnd(13) + ` ${meanB}`,
      );
    }
  }
  return rows.join("\n");
}

/**
 * At initialisation: sigma_max of dt(k)/dt(0) at k = 1, 2, 4, 8, 16, ... (and the last k), each
 * run's ratio to b1's where b1 ran, and the fraction of eigenvalues outside the unit circle.
 *
 * @example
 * ```ts ignore
 * console.log(initTable(study));
 * ```
 */
export function initTable(s: DepthStudy): string {
  const ks: number[] = [];
  for (let k = 1; k <= s.depth; k *= 2) ks.push(k);
  if (ks[ks.length - 1] !== s.depth) ks.push(s.depth);
  const b1 = s.runs.find((r) => r.init === "b1")?.spectra[0]?.init?.prefixSigmaMax;
  const rows = [
    `at init: sigma_max of dt(k)/dt(0)${b1 ? " (/ b1's)" : ""} at k = ${ks.join(", ")}; ` +
    "eigenvalues of the square layers outside |z| = 1",
  ];
  for (const r of s.runs) {
    const f = r.spectra[0]?.init;
    if (!f) continue;
    let outside = 0, total = 0;
    for (const ev of f.eigenvalues) {
      if (!ev) continue;
      total += ev.re.length;
      outside += ev.re.filter((x, k) => Math.sqrt(x * x + ev.im[k] ** 2) > 1).length;
    }
    const cells = ks.map((k) =>
      e(f.prefixSigmaMax[k - 1]) + (b1 ? ` (${e(f.prefixSigmaMax[k - 1] / b1[k - 1])})` : "")
    );
    rows.push(
      `${r.init.padEnd(14)} ${cells.join("  ")}   ${outside} of ${total} (${
        pct(total ? outside / total : NaN)
      })`,
    );
  }
  return rows.join("\n");
}
