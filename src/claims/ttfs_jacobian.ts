/**
 * Claims of the spike-time Jacobians (SPEC A7), the quantity behind the vanishing-or-exploding
 * finding: for B = 1 it is the ReLU Jacobian M W; for general neurons M B^-1 J_C, checked
 * end to end against finite differences of spike times.
 *
 * @module
 */
import { Rng } from "../nn/rng.ts";
import { b1Forward } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { generalForward } from "../ttfs/general.ts";
import {
  b1Jacobians,
  endToEndJacobian,
  generalJacobians,
  reluJacobians,
} from "../ttfs/jacobian.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../ttfs/mapping.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { maxAbs } from "./compare.ts";
import { netSpec, preActivations, randomInputs, randomRelu } from "./nets.ts";
import { b1Region, generalRegion } from "./regions.ts";

/**
 * Central differences (h = 1e-7) of the last hidden layer's spike times with respect to the
 * input spike times; columns whose +-h perturbation changes the firing pattern are NaN.
 */
function finiteDifferenceJacobian(
  forward: (t0: Float64Array) => { times: Float64Array; pattern: string },
  t0: Float64Array,
): Float64Array {
  const base = forward(t0), rows = base.times.length, cols = t0.length, h = 1e-7;
  const J = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const up = t0.slice(), down = t0.slice();
    up[j] += h;
    down[j] -= h;
    const a = forward(up), b = forward(down);
    for (let i = 0; i < rows; i++) {
      J[i * cols + j] = a.pattern === base.pattern && b.pattern === base.pattern
        ? (a.times[i] - b.times[i]) / (2 * h)
        : NaN;
    }
  }
  return J;
}

/** max |got - fd| / (1e-5 max(1, max |fd|)) over the entries fd defines, and their count. */
function againstFd(got: Float64Array, fd: Float64Array): { error: number; compared: number } {
  const scale = 1e-5 * Math.max(1, maxAbs(fd.filter((v) => !Number.isNaN(v))));
  let error = 0, compared = 0;
  fd.forEach((v, k) => {
    if (Number.isNaN(v)) return;
    compared++;
    const e = Math.abs(got[k] - v) / scale;
    error = Number.isNaN(e) ? NaN : Math.max(error, e);
  });
  return { error, compared };
}

const GROUP = "ttfs-jacobian";
/**
 * h = 1e-7 on spike times ~1e3 leaves ~1e-13 / 1e-7 = 1e-6 of round-off per entry: the tolerance
 * is 1e-5 of max(1, max |Jacobian|), and the error is measured in units of it (tolerance 1).
 */
const FD_TOLERANCE = 1;

/**
 * The Jacobian claims.
 *
 * @example
 * ```ts
 * import { TTFS_JACOBIAN_CLAIMS } from "./ttfs_jacobian.ts";
 * console.log(TTFS_JACOBIAN_CLAIMS.length); // 2
 * ```
 */
export const TTFS_JACOBIAN_CLAIMS: Claim[] = [
  defineClaim({
    id: "ttfs.b1-jacobian-relu",
    group: GROUP,
    paper: "Stanojevic et al. 2024",
    section: "SPEC A7",
    statement:
      "the B = 1 SNN's layer Jacobians are the ReLU Jacobians M W (bit for bit away from " +
      "kinks) and their product equals finite differences",
    testName: "A7: for any random B = 1 network, the SNN Jacobian equals the ReLU Jacobian M W",
    defaultRuns: 100,
    tolerance: FD_TOLERANCE,
    errorMeasure: "end-to-end |J - fd| / (1e-5 max(1, max |fd|)); Infinity if a layer row " +
      "differs from M W",
    coverage: { "entries compared": 1000 },
    arbitrary: netSpec({ minDepth: 2, maxWidth: 16 }),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, 1, spec.sizes[0]);
      const snn = b1FromRelu(relu, calibrateIntervals(relu, x, 1)), t0 = encodeInput(x);
      const a = b1Jacobians(snn, t0), b = reluJacobians(relu, x);
      let rowsDiffer = false;
      preActivations(relu, x, 1).forEach((z, n) => {
        const band = 1e-9 * Math.max(1, maxAbs(z)), [rows, cols] = a.shapes[n];
        for (let i = 0; i < rows; i++) {
          if (Math.abs(z[i]) <= band) continue; // at the kink, round-off decides
          for (let j = i * cols; j < (i + 1) * cols; j++) {
            rowsDiffer ||= !Object.is(a.jacobians[n][j], b.jacobians[n][j]);
          }
        }
      });
      const fwd = (t: Float64Array) => {
        const f = b1Forward(snn, t, 1);
        return {
          times: f.spikeTimes[f.spikeTimes.length - 1],
          pattern: b1Region(f, snn.intervals),
        };
      };
      const r = againstFd(endToEndJacobian(a), finiteDifferenceJacobian(fwd, t0));
      return {
        error: rowsDiffer ? Infinity : r.error,
        counts: { "entries compared": r.compared },
      };
    },
  }),
  defineClaim({
    id: "ttfs.general-jacobian-fd",
    group: GROUP,
    paper: "Stanojevic et al. 2024",
    section: "SPEC A7 (vanishing/exploding)",
    statement: "the general-neuron Jacobian M B^-1 J_C equals finite differences of spike times",
    testName: "A7: the general-neuron Jacobian M B^-1 J_C equals finite differences of spike times",
    defaultRuns: 100,
    tolerance: FD_TOLERANCE,
    errorMeasure: "end-to-end |J - fd| / (1e-5 max(1, max |fd|))",
    coverage: { "entries compared": 1000 },
    arbitrary: netSpec({ minDepth: 2, maxDepth: 4, maxWidth: 12 }),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, 1, spec.sizes[0]);
      const snn = mapReluExactly(relu, x, 1).snn, rng = new Rng(spec.seed);
      for (const l of snn.hidden) l.alpha.forEach((_, i) => (l.alpha[i] = 0.5 + rng.uniform()));
      const t0 = encodeInput(x);
      const fwd = (t: Float64Array) => {
        const f = generalForward(snn, t, 1);
        return { times: f.spikeTimes[f.spikeTimes.length - 1], pattern: generalRegion(f) };
      };
      const r = againstFd(
        endToEndJacobian(generalJacobians(snn, t0)),
        finiteDifferenceJacobian(fwd, t0),
      );
      return { error: r.error, counts: { "entries compared": r.compared } };
    },
  }),
];
