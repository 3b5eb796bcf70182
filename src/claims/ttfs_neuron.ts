/**
 * Claims of the TTFS neuron (SPEC A3): the closed-form spike time is the event-driven one,
 * and it is the first threshold crossing.
 *
 * @module
 */
import fc from "fast-check";
import { membranePotential, simulateSpikeTime, spikeTime } from "../ttfs/neuron.ts";
import { type Claim, defineClaim, violated } from "./claim.ts";

const PAPER = "Stanojevic et al. 2023 (exact mapping)";

/** A neuron with up to 32 inputs; times on a coarse grid in some runs, to produce ties. */
const neuronCase = fc.record({
  n: fc.integer({ min: 0, max: 32 }),
  grid: fc.boolean(),
  tminPrev: fc.double({ min: -5, max: 5, noNaN: true }),
  span: fc.double({ min: 0.1, max: 20, noNaN: true }),
  alpha: fc.double({ min: -2, max: 3, noNaN: true }),
  theta: fc.double({ min: 1e-3, max: 10, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map((c) => {
  let s = c.seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const tIn = Array.from({ length: c.n }, () => {
    const u = c.grid ? Math.floor(rnd() * 8) / 8 : rnd();
    return c.tminPrev + (u * 1.2 - 0.1) * c.span; // a few inputs arrive before tmin(n-1)
  });
  const J = Array.from({ length: c.n }, () => (rnd() * 2 - 0.8) * 3 / Math.sqrt(c.n || 1));
  return { ...c, tIn, J, tmax: c.tminPrev + 1.5 * c.span };
});

/**
 * The TTFS neuron's claims.
 *
 * @example
 * ```ts
 * import { TTFS_NEURON_CLAIMS } from "./ttfs_neuron.ts";
 * console.log(TTFS_NEURON_CLAIMS.map((c) => c.id));
 * ```
 */
export const TTFS_NEURON_CLAIMS: Claim[] = [
  defineClaim({
    id: "ttfs.spike-time-closed-form",
    group: "ttfs-neuron",
    paper: PAPER,
    section: "SPEC A3",
    statement: "the closed-form spike time over the causal set equals the event-driven simulation",
    testName: "A3 claim 1: the closed-form spike time equals the event-driven simulation",
    defaultRuns: 300,
    /** Two float64 evaluations of the same time: 1e-9 of the time span leaves room for ties. */
    tolerance: 1e-9,
    errorMeasure:
      "|closed - simulated| / (span + |tmin(n-1)|); Infinity if they disagree on firing",
    arbitrary: neuronCase,
    error: ({ tIn, J, alpha, theta, tminPrev, tmax, span }) => {
      const closed = spikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      const sim = simulateSpikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      return Math.max(
        Math.abs(closed.t - sim) / (span + Math.abs(tminPrev)),
        violated(closed.fired !== sim < tmax),
      );
    },
  }),
  defineClaim({
    id: "ttfs.first-crossing",
    group: "ttfs-neuron",
    paper: PAPER,
    section: "SPEC A3",
    statement: "V(t_i) = theta_i and V < theta_i before t_i (silent: V < theta_i until tmax)",
    testName: "A3: a fired spike time is the first threshold crossing of V(t) by definition",
    defaultRuns: 300,
    /** V is evaluated in float64 from sums of |alpha| + sum |J| over the span: 1e-9 of that. */
    tolerance: 1e-9,
    errorMeasure:
      "max(|V(t_i) - theta|, V(p) - theta before t_i) / (theta + span (|alpha| + sum |J|))",
    arbitrary: neuronCase,
    error: ({ tIn, J, alpha, theta, tminPrev, tmax, span }) => {
      const s = spikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      const V = (t: number) => membranePotential(t, tIn, J, alpha, tminPrev);
      const scale = theta + span * (Math.abs(alpha) + J.reduce((a, j) => a + Math.abs(j), 0));
      let e = s.fired && s.slope !== Infinity ? Math.abs(V(s.t) - theta) : 0;
      // V stays below theta before t_i: check every input time and 64 grid points
      const probes = [
        ...tIn,
        ...Array.from({ length: 64 }, (_, k) => tminPrev + (k / 64) * (s.t - tminPrev)),
      ];
      for (const p of probes) if (p >= tminPrev && p < s.t) e = Math.max(e, V(p) - theta);
      if (!s.fired) e = Math.max(e, V(tmax) - theta);
      return e / scale;
    },
  }),
];
