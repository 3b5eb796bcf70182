/**
 * Claims behind the cost comparison (SPEC B3): the forward multiply-accumulates of SAF and of
 * OTTT in each variant are an exact closed form (half of OTTT's only where every layer is
 * wrapped; 0.988 on lif-mlp for the authors' code, which leaves layer 1 unwrapped), the lean OTTT
 * forward changes nothing but the count, and OTTT's second (Replace) matmul is SAF's U[t].
 *
 * @module
 */
import fc from "fast-check";
import { CostCounter, exactForwardMacs } from "../lif/cost.ts";
import type { MethodOptions } from "../lif/method.ts";
import { layerMacs } from "../lif/network.ts";
import { otttGradients } from "../lif/ottt.ts";
import { safEGradients, SafForward } from "../lif/saf.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { worstRel } from "./compare.ts";
import { lifInputs, lifLabels, lifNet, type LifSpec, lifSpec } from "./lif_nets.ts";

const PAPER = "Saiin et al. 2024; Xiao et al. 2022";
const GROUP = "lif-cost";

const forwardMacs = (spec: LifSpec, fn: typeof otttGradients, o: MethodOptions = {}) => {
  const net = lifNet(spec), cost = new CostCounter();
  fn(net, lifInputs(spec, net), lifLabels(spec, net), spec.batch, { ...o, cost });
  return cost.macsForward;
};

/** OTTT's loss, spikes, scores and per-step gradients under options `o`. */
const otttRun = (spec: LifSpec, o: MethodOptions) => {
  const net = lifNet(spec), steps: Float64Array[][] = [];
  const onStep = (g: Float64Array[]) => steps.push(g.map((a) => a.slice()));
  const r = otttGradients(net, lifInputs(spec, net), lifLabels(spec, net), spec.batch, {
    ...o,
    onStep,
  });
  return { loss: r.loss, spikes: r.spikes, scores: r.scores, steps };
};

/** Every entry the same (Object.is: NaN equals NaN, -0 differs from 0), lengths included. */
const sameEntries = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/** Two OTTT runs identical to the bit: loss, spikes, scores and every step's gradients. */
const sameRun = (a: ReturnType<typeof otttRun>, b: ReturnType<typeof otttRun>): boolean =>
  Object.is(a.loss, b.loss) && a.spikes === b.spikes && sameEntries(a.scores, b.scores) &&
  a.steps.length === b.steps.length &&
  a.steps.every((g, t) =>
    g.length === b.steps[t].length && g.every((x, k) => sameEntries(x, b.steps[t][k]))
  );

/**
 * The cost claims.
 *
 * @example
 * ```ts
 * import { LIF_COST_CLAIMS } from "./lif_cost.ts";
 * console.log(LIF_COST_CLAIMS.length); // 3
 * ```
 */
export const LIF_COST_CLAIMS: Claim[] = [
  defineClaim({
    id: "lif.saf-forward-macs-exact",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3 (cost)",
    statement: "the forward MACs of SAF-E, lean OTTT and OTTT (trace variant: every layer " +
      "wrapped, 2 T S; the authors' official variant: layer 1 unwrapped, T (2 S - M_1)) are the " +
      "closed form exactForwardMacs, so SAF / official OTTT = S / (2 S - M_1), which tends to " +
      "1/2 only as layer 1's share M_1 / S of the MACs goes to 0 (as in a VGG)",
    testName:
      "B3 cost: the forward MACs of SAF, lean OTTT and OTTT in both variants equal their closed form",
    defaultRuns: 100,
    /** Counted integers against the closed form: exact. */
    tolerance: 0,
    errorMeasure: "sum over SAF-E, lean OTTT, OTTT trace and OTTT official of |counted - closed " +
      "form| (MACs), plus |SAF (2 S - M_1) - official S| with the trace readout",
    arbitrary: fc.tuple(
      lifSpec({ conv: true }),
      fc.constantFrom("trace" as const, "spike" as const),
    ),
    error: ([spec, readout]) => {
      const macs = lifNet(spec).layers.map(layerMacs), T = spec.T, b = spec.batch;
      const saf = forwardMacs(spec, safEGradients, { readout });
      let e = Math.abs(saf - b * exactForwardMacs(macs, T, { method: "saf", readout }));
      for (const variant of ["trace", "official"] as const) {
        for (const otttForward of ["replace", "lean"] as const) {
          const o = { variant, readout, otttForward };
          const counted = forwardMacs(spec, otttGradients, o);
          e += Math.abs(counted - b * exactForwardMacs(macs, T, { method: "ottt", ...o }));
        }
      }
      if (readout === "trace") { // the authors' code: SAF / official = S / (2 S - M_1)
        const official = forwardMacs(spec, otttGradients, { variant: "official", readout });
        const S = macs.reduce((n, m) => n + m, 0);
        e += Math.abs(saf * (2 * S - macs[0]) - official * S);
      }
      return e;
    },
  }),
  defineClaim({
    id: "lif.ottt-lean-identical",
    group: GROUP,
    paper: "Xiao et al. 2022",
    section: "SPEC B2, B3 (cost)",
    statement: "the Replace (two-matmul) and lean OTTT forwards give identical spikes, losses " +
      "and gradients, in both variants and readouts",
    testName:
      "B3: the Replace (two-matmul) and lean OTTT forwards give identical spikes, losses and gradients",
    defaultRuns: 100,
    /** Bit-identical: the backward never reads the second matmul's value. */
    tolerance: 0,
    errorMeasure: "1 if spikes, losses, scores or per-step gradients differ in any bit, else 0",
    arbitrary: fc.tuple(
      lifSpec({ conv: true }),
      fc.constantFrom("trace" as const, "official" as const),
      fc.constantFrom("trace" as const, "spike" as const),
    ),
    error: ([spec, variant, readout]) => {
      const o: MethodOptions = { variant, readout };
      const replace = otttRun(spec, { ...o, otttForward: "replace" });
      return sameRun(otttRun(spec, { ...o, otttForward: "lean" }), replace) ? 0 : 1;
    },
  }),
  defineClaim({
    id: "lif.ottt-gradient-path-is-saf-u",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (cost)",
    statement: "OTTT's second (Replace) matmul W a_hat_in + b c[t] is SAF's U[t]",
    testName:
      "B3: OTTT's second (Replace) matmul W a_hat_in + b c[t] is SAF's U[t] (1e-12 relative)",
    defaultRuns: 100,
    /** The same sum from running traces vs accumulations: ulps (measured 9.7e-16). */
    tolerance: 1e-12,
    errorMeasure: "max over steps of the worst relative difference per layer",
    arbitrary: lifSpec({ conv: true }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const paths: Float64Array[][] = [];
      otttGradients(net, xs, labels, spec.batch, {
        onGradPath: (z) => paths.push(z.slice(0, -1).map((a) => a!)),
      });
      const saf = new SafForward(net, spec.batch, spec.T);
      return xs.reduce((e, x, t) => Math.max(e, worstRel(paths[t], saf.step(x).U)), 0);
    },
  }),
];
