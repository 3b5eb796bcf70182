/**
 * The spectral figures the depth study keeps (SPEC A7): for each hidden layer's Jacobian
 * dt(n)/dt(n-1) its singular values, spectral radius and the fraction of its eigenvalues
 * outside the unit circle; for the end-to-end product dt(L-1)/dt(0) its singular values; and,
 * at initialisation, every square layer's eigenvalues and sigma_max of dt(k)/dt(0) for each
 * depth k (the paper's Figure 2a and the growth with depth).
 *
 * A Jacobian with a non-finite entry (a run that blew up) gets NaN figures, not an exception.
 *
 * @module
 */
import { exp, hypot, log } from "../nn/math/mod.ts";
import { generalForward, type GeneralNetwork } from "../ttfs/general.ts";
import {
  endToEndJacobian,
  type LayerJacobians,
  prefixSigmaMax,
  spectrum,
} from "../ttfs/jacobian.ts";

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

/** The figures of one hidden layer's Jacobian. */
export interface LayerSpectrum extends SigmaSummary {
  /** max |eigenvalue| (NaN if the layer is not square). */
  spectralRadius: number;
  /** Fraction of the eigenvalues with |lambda| > 1 (NaN if the layer is not square). */
  outsideUnitCircle: number;
}

/** The figures of the init analysis (kept at step 0). */
export interface InitFigures {
  /** Per hidden layer: its Jacobian's eigenvalues, or null where it is not square. */
  eigenvalues: ({ re: number[]; im: number[] } | null)[];
  /** sigma_max of dt(k)/dt(0), k = 1..L-1: the end-to-end Jacobian of the first k layers. */
  prefixSigmaMax: number[];
}

/** Spectra of one parametrization at one step. */
export interface SpectraRecord {
  /** Optimizer steps taken before the measurement (0 = at initialisation). */
  step: number;
  /** Per hidden layer: the figures of {@link LayerSpectrum}. */
  layers: LayerSpectrum[];
  /** The same figures for the end-to-end Jacobian dt(L-1)/dt(0). */
  endToEnd: SigmaSummary;
  /** alpha-fixed only: per hidden layer, mean / min / max of B_i over firing neurons. */
  slopes?: { mean: number; min: number; max: number }[];
  /** Step 0 only: eigenvalues per layer and sigma_max against depth. */
  init?: InitFigures;
}

const NAN_SIGMAS: SigmaSummary = {
  singular: [],
  sigmaMax: NaN,
  sigmaMedian: NaN,
  sigmaMin: NaN,
  geometricMean: NaN,
  rank: 0,
};

function sigmas(sv: Float64Array): SigmaSummary {
  const nz = sv.filter((v) => v > 1e-12 * sv[0]);
  const logMean = nz.reduce((a, v) => a + log(v), 0) / Math.max(1, nz.length);
  return {
    singular: Array.from(sv),
    sigmaMax: sv[0] ?? 0,
    sigmaMedian: nz[Math.floor(nz.length / 2)] ?? 0,
    sigmaMin: nz[nz.length - 1] ?? 0,
    geometricMean: nz.length ? exp(logMean) : 0,
    rank: nz.length,
  };
}

const finite = (a: Float64Array) => a.every(Number.isFinite);

/**
 * The figures of `j`; with `init`, also the eigenvalues and sigma_max against depth.
 *
 * @example
 * ```ts
 * import { summarizeJacobians } from "./depth_spectra.ts";
 * const j = { jacobians: [new Float64Array([2]), new Float64Array([0.25])], shapes: [[1, 1], [1, 1]] as [number, number][] };
 * console.log(summarizeJacobians(j, 0, true).init?.prefixSigmaMax); // [2, 0.5]
 * ```
 */
export function summarizeJacobians(
  j: LayerJacobians,
  step: number,
  init = false,
): SpectraRecord {
  const eigen: InitFigures["eigenvalues"] = [];
  const layers = j.jacobians.map((J, n): LayerSpectrum => {
    const [rows, cols] = j.shapes[n];
    if (!finite(J)) {
      eigen.push(null);
      return { ...NAN_SIGMAS, spectralRadius: NaN, outsideUnitCircle: NaN };
    }
    const s = spectrum(J, rows, cols), e = s.eigenvalues;
    eigen.push(e ? { re: Array.from(e.re), im: Array.from(e.im) } : null);
    const outside = e ? e.re.filter((r, k) => hypot(r, e.im[k]) > 1).length / rows : NaN;
    return { ...sigmas(s.singular), spectralRadius: s.spectralRadius, outsideUnitCircle: outside };
  });
  const [rows] = j.shapes[j.shapes.length - 1], cols = j.shapes[0][1];
  const product = endToEndJacobian(j), ok = j.jacobians.every(finite) && finite(product);
  const record: SpectraRecord = {
    step,
    layers,
    endToEnd: ok ? sigmas(spectrum(product, rows, cols).singular) : NAN_SIGMAS,
  };
  if (init) {
    const prefix = ok ? prefixSigmaMax(j) : j.jacobians.map(() => NaN);
    record.init = { eigenvalues: eigen, prefixSigmaMax: prefix };
  }
  return record;
}

/**
 * Per hidden layer of a general network at input t0 [nIn]: mean / min / max of the slopes B_i
 * of the neurons that fire (NaN where none does).
 *
 * @example
 * ```ts
 * import { firingSlopes } from "./depth_spectra.ts";
 * const net = {
 *   hidden: [{ nIn: 1, nOut: 1, alpha: new Float64Array([1]), J: new Float64Array([1]), theta: new Float64Array([2]) }],
 *   readout: { nIn: 1, nOut: 1, W: new Float64Array([1]), D: new Float64Array([0]) },
 *   intervals: { tmin: [0, 1], tmax: [1, 10] },
 * };
 * console.log(firingSlopes(net, new Float64Array([0]))[0].mean); // 2
 * ```
 */
export function firingSlopes(
  net: GeneralNetwork,
  t0: Float64Array,
): { mean: number; min: number; max: number }[] {
  return generalForward(net, t0, 1).slopes.map((s) => {
    const fired = [...s].filter((v) => v > 0 && v < Infinity);
    return fired.length
      ? {
        mean: fired.reduce((a, v) => a + v, 0) / fired.length,
        min: Math.min(...fired),
        max: Math.max(...fired),
      }
      : { mean: NaN, min: NaN, max: NaN };
  });
}
