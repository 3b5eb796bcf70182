/**
 * Layer Jacobians of spike times and their spectra (SPEC A7), for one input sample:
 *
 *   dt(n)/dt(n-1) = M B^-1 J_C      general neurons (alpha, J, theta): M = diag(fired),
 *                                   B = diag(B_i), J_C = J restricted to each causal set
 *   dt(n)/dt(n-1) = M W             the B = 1 model, and the ReLU network's dx(n)/dx(n-1)
 *
 * and the end-to-end product dt(L-1)/dt(0) = J(L-1) ... J(1). In the B = 1 model every factor
 * is the ReLU Jacobian; with alpha held fixed, B^-1 multiplies across depth, which is the
 * vanishing-or-exploding-gradient finding (see proofs/vanishing-exploding.md).
 *
 * Layout: layer n's Jacobian is [size(n), size(n-1)] row-major, n = 1..L-1.
 *
 * @module
 */
import { assertDense } from "../nn/layer.ts";
import { ValueError } from "../errors.ts";
import { type Eigenvalues, eigenvalues } from "../nn/eigen.ts";
import { matmul, singularValues } from "../nn/linalg.ts";
import { type ReluMlp, reluMlpForward } from "../nn/mlp.ts";
import { b1Forward, type B1Network } from "./b1.ts";
import { generalForward, type GeneralNetwork } from "./general.ts";
import { hypot } from "../nn/math/mod.ts";

/** Per-layer Jacobians of one sample. */
export interface LayerJacobians {
  /** Row-major Jacobians, layer 1 first. */
  jacobians: Float64Array[];
  /** [rows, cols] of each. */
  shapes: [number, number][];
}

/**
 * dt(n)/dt(n-1) = M W of a B = 1 network at one input t0 [nIn], active from the spike times.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initB1Network } from "./b1.ts";
 * import { b1Jacobians } from "./jacobian.ts";
 * const j = b1Jacobians(initB1Network([4, 3, 2], new Rng(0)), new Float64Array(4).fill(0.5));
 * console.log(j.shapes); // [[3, 4]]
 * ```
 */
// spec A7
export function b1Jacobians(net: B1Network, t0: Float64Array): LayerJacobians {
  assertDense(net.layers, "the Jacobian analysis");
  const fwd = b1Forward(net, t0, 1), out: LayerJacobians = { jacobians: [], shapes: [] };
  for (let n = 1; n < net.layers.length; n++) {
    const { nIn, nOut, W } = net.layers[n - 1], J = new Float64Array(nOut * nIn);
    for (let i = 0; i < nOut; i++) {
      if (fwd.spikeTimes[n][i] < net.intervals.tmax[n]) {
        J.set(W.subarray(i * nIn, (i + 1) * nIn), i * nIn);
      }
    }
    out.jacobians.push(J);
    out.shapes.push([nOut, nIn]);
  }
  return out;
}

/**
 * dt(n)/dt(n-1) = M B^-1 J_C of a general network at one input t0 [nIn].
 *
 * @example
 * ```ts
 * import { generalJacobians } from "./jacobian.ts";
 * const net = {
 *   hidden: [{ nIn: 1, nOut: 1, alpha: new Float64Array([1]), J: new Float64Array([1]), theta: new Float64Array([2]) }],
 *   readout: { nIn: 1, nOut: 1, W: new Float64Array([1]), D: new Float64Array([0]) },
 *   intervals: { tmin: [0, 1], tmax: [1, 10] },
 * };
 * console.log(generalJacobians(net, new Float64Array([0])).jacobians[0]); // Float64Array [0.5]
 * ```
 */
// spec A7
export function generalJacobians(net: GeneralNetwork, t0: Float64Array): LayerJacobians {
  assertDense(net.hidden, "the Jacobian analysis");
  const fwd = generalForward(net, t0, 1), out: LayerJacobians = { jacobians: [], shapes: [] };
  net.hidden.forEach(({ nIn, nOut, J }, k) => {
    const jac = new Float64Array(nOut * nIn), order = fwd.orders[k];
    for (let i = 0; i < nOut; i++) {
      const B = fwd.slopes[k][i];
      if (B === 0 || B === Infinity) continue; // silent, or pinned at tmin(n-1)
      for (let c = 0; c < fwd.causal[k][i]; c++) {
        const j = order[c];
        jac[i * nIn + j] = J[i * nIn + j] / B;
      }
    }
    out.jacobians.push(jac);
    out.shapes.push([nOut, nIn]);
  });
  return out;
}

/**
 * dx(n)/dx(n-1) = M W of a ReLU MLP's hidden layers at one input x [nIn].
 *
 * @example
 * ```ts
 * import { reluJacobians } from "./jacobian.ts";
 * const net = { layers: [
 *   { nIn: 1, nOut: 1, w: new Float64Array([2]), b: new Float64Array([0]) },
 *   { nIn: 1, nOut: 1, w: new Float64Array([1]), b: new Float64Array([0]) },
 * ] };
 * console.log(reluJacobians(net, new Float64Array([1])).jacobians[0]); // Float64Array [2]
 * ```
 */
// spec A7
export function reluJacobians(net: ReluMlp, x: Float64Array): LayerJacobians {
  assertDense(net.layers, "the Jacobian analysis");
  const fwd = reluMlpForward(net, x, 1), out: LayerJacobians = { jacobians: [], shapes: [] };
  for (let n = 1; n < net.layers.length; n++) {
    const { nIn, nOut, w } = net.layers[n - 1], J = new Float64Array(nOut * nIn);
    for (let i = 0; i < nOut; i++) {
      let s = net.layers[n - 1].b[i];
      for (let j = 0; j < nIn; j++) s += w[i * nIn + j] * fwd.inputs[n - 1][j];
      if (s > 0) J.set(w.subarray(i * nIn, (i + 1) * nIn), i * nIn);
    }
    out.jacobians.push(J);
    out.shapes.push([nOut, nIn]);
  }
  return out;
}

/**
 * The end-to-end Jacobian J(L-1) ... J(1), [size(L-1), size(0)].
 *
 * @example
 * ```ts
 * import { endToEndJacobian } from "./jacobian.ts";
 * const j = { jacobians: [new Float64Array([2]), new Float64Array([3])], shapes: [[1, 1], [1, 1]] as [number, number][] };
 * console.log(endToEndJacobian(j)); // Float64Array [6]
 * ```
 */
// spec A7
export function endToEndJacobian(j: LayerJacobians): Float64Array {
  let P = j.jacobians[0];
  for (let n = 1; n < j.jacobians.length; n++) {
    const [rows, inner] = j.shapes[n];
    P = matmul(j.jacobians[n], P, rows, inner, j.shapes[0][1]);
  }
  return P;
}

/**
 * sigma_max of the end-to-end Jacobian of the first k layers, dt(k)/dt(0) = J(k) ... J(1), for
 * each k of `depths` (default 1..L-1, ascending): how the largest singular value grows or
 * shrinks with depth.
 *
 * @example
 * ```ts
 * import { prefixSigmaMax } from "./jacobian.ts";
 * const j = { jacobians: [new Float64Array([2]), new Float64Array([3])], shapes: [[1, 1], [1, 1]] as [number, number][] };
 * console.log(prefixSigmaMax(j)); // [2, 6]
 * ```
 */
// spec A7.1
export function prefixSigmaMax(
  j: LayerJacobians,
  depths: number[] = j.jacobians.map((_, n) => n + 1),
): number[] {
  if (
    depths.some((k, i) =>
      !Number.isInteger(k) || k < 1 || k > j.jacobians.length || k <= depths[i - 1]
    )
  ) {
    throw new ValueError(`depths [${depths}] must ascend within 1..${j.jacobians.length}`);
  }
  const out: number[] = [], cols = j.shapes[0]?.[1] ?? 0;
  let P = j.jacobians[0];
  for (let n = 0; n < (depths[depths.length - 1] ?? 0); n++) {
    const [rows, inner] = j.shapes[n];
    if (n > 0) P = matmul(j.jacobians[n], P, rows, inner, cols);
    if (depths.includes(n + 1)) out.push(singularValues(P, rows, cols)[0] ?? 0);
  }
  return out;
}

/** Spectral figures of one Jacobian. */
export interface Spectrum {
  /** Rows of the Jacobian: neurons of the later layer. */
  rows: number;
  /** Columns of the Jacobian: neurons of the earlier layer (or inputs). */
  cols: number;
  /** Singular values, largest first. */
  singular: Float64Array;
  /** max |eigenvalue| for a square Jacobian; NaN if not square, or (reported, not hidden) if
   * the QR iteration did not converge. */
  spectralRadius: number;
  /** The eigenvalues of a square Jacobian (undefined if not square or not converged). */
  eigenvalues?: Eigenvalues;
}

/**
 * Singular values (and, for square matrices, the spectral radius) of a Jacobian.
 *
 * @example
 * ```ts
 * import { spectrum } from "./jacobian.ts";
 * console.log(spectrum(new Float64Array([0, 2, 0.5, 0]), 2, 2).spectralRadius); // 1
 * ```
 */
// spec A7
export function spectrum(J: Float64Array, rows: number, cols: number): Spectrum {
  let spectralRadius = NaN, e: Eigenvalues | undefined;
  if (rows === cols) {
    try {
      const ev = eigenvalues(J, rows);
      spectralRadius = Math.max(...Array.from(ev.re, (r, k) => hypot(r, ev.im[k])));
      e = ev;
    } catch (err) {
      if (!(err instanceof ValueError)) throw err; // no convergence: the radius stays NaN
    }
  }
  return { rows, cols, singular: singularValues(J, rows, cols), spectralRadius, eigenvalues: e };
}
