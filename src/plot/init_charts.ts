/**
 * The charts of the initialization analysis (the paper's Figure 2a): the eigenvalues of each
 * layer Jacobian dt(n)/dt(n-1) in the complex plane with the unit circle, one panel per
 * initialization, and sigma_max of the end-to-end Jacobian dt(k)/dt(0) against depth k.
 *
 * The complex plane is drawn at equal scale: a panel's plot area is 400 x 240 px, so the real
 * axis spans 400/240 times the imaginary one, and the unit circle stays round. A panel shows
 * |z| <= 3 at most, so that the unit circle stays readable beside a few large eigenvalues.
 *
 * @module
 */
import { cosTwoPi } from "../nn/math/mod.ts";
import type { Chart, Series } from "./svg.ts";

/** Plot-area width over height of one panel (svg.ts: 480 - 64 - 16 by 320 - 32 - 48 px). */
const ASPECT = 400 / 240;

/** Eigenvalues of one layer (real and imaginary parts), or null/undefined if it is not square. */
export type LayerEigenvalues =
  | { re: ArrayLike<number>; im: ArrayLike<number> }
  | null
  | undefined;

/** The largest |z| a panel shows: beyond it, eigenvalues are counted in the title, not drawn. */
const FRAME = 3;

/**
 * One complex-plane panel per run: a point series per square layer, and the unit circle.
 * The panel spans |z| <= max(1.25, 1.05 max |lambda|), at most 3; the title counts the
 * eigenvalues outside the unit circle and those beyond the frame.
 *
 * @example
 * ```ts
 * import { eigenvalueCharts } from "./init_charts.ts";
 * const c = eigenvalueCharts([{ name: "b1", layers: [null, { re: [0.5], im: [0] }] }]);
 * console.log(c[0].series.length); // 2 (layer 2, then the unit circle)
 * ```
 */
export function eigenvalueCharts(runs: { name: string; layers: LayerEigenvalues[] }[]): Chart[] {
  return runs.map((r) => {
    let maxAbs = 0, outside = 0, total = 0;
    const abs = (e: NonNullable<LayerEigenvalues>, k: number) =>
      Math.sqrt(e.re[k] ** 2 + e.im[k] ** 2);
    for (const e of r.layers) {
      for (let k = 0; e && k < e.re.length; k++) {
        const a = abs(e, k);
        if (Number.isFinite(a)) maxAbs = Math.max(maxAbs, a);
        total++;
        if (a > 1) outside++;
      }
    }
    const R = Math.min(FRAME, Math.max(1.25, 1.05 * maxAbs));
    let beyond = 0;
    const series: Series[] = [];
    r.layers.forEach((e, n) => {
      if (!e) return;
      const x: number[] = [], y: number[] = [];
      for (let k = 0; k < e.re.length; k++) {
        if (abs(e, k) > R) beyond++;
        else x.push(e.re[k]), y.push(e.im[k]);
      }
      series.push({ name: `layer ${n + 1}`, x, y, style: "points" });
    });
    // the circle at turns u = k / 200: (cos 2 pi u, sin 2 pi u), sin 2 pi u = cos 2 pi (u - 1/4)
    const turns = Array.from({ length: 201 }, (_, k) => k / 200);
    series.push({
      name: "|z| = 1",
      x: turns.map((u) => cosTwoPi(u)),
      y: turns.map((u) => cosTwoPi(u - 0.25)),
      color: "#000",
      dashed: true,
    });
    return {
      title: `${r.name}: ${outside} of ${total} eigenvalues outside |z| = 1` +
        (beyond ? `, ${beyond} beyond |z| = ${R}` : ""),
      xLabel: "Re(lambda) of dt(n)/dt(n-1)",
      yLabel: "Im(lambda)",
      series,
      xRange: [-R * ASPECT, R * ASPECT],
      yRange: [-R, R],
    };
  });
}

/**
 * One panel: sigma_max of dt(k)/dt(0) against k, one line per run (log scale).
 *
 * @example
 * ```ts
 * import { depthSigmaChart } from "./init_charts.ts";
 * const c = depthSigmaChart([{ name: "b1", sigmaMax: [1.6, 1.2, 0.9] }]);
 * console.log(c[0].logY); // true
 * ```
 */
export function depthSigmaChart(runs: { name: string; sigmaMax: number[] }[]): Chart[] {
  return [{
    title: "largest singular value of the end-to-end Jacobian",
    xLabel: "depth k (hidden layers)",
    yLabel: "sigma_max of dt(k)/dt(0)",
    logY: true,
    series: runs.map((r) => ({ name: r.name, x: r.sigmaMax.map((_, k) => k + 1), y: r.sigmaMax })),
  }];
}
