/**
 * Claims of OTTT against BPTT (SPEC B2, Xiao et al. 2022): equal when the through-time terms
 * vanish (lambda = 0 or T = 1), approaching like lambda, and equal for one hidden layer with the
 * spike readout.
 *
 * @module
 */
import fc from "fast-check";
import { bpttGradients } from "../lif/bptt.ts";
import { otttGradients } from "../lif/ottt.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { globalRel, worstRel } from "./compare.ts";
import { lifInputs, lifLabels, lifNet, type LifSpec, lifSpec } from "./lif_nets.ts";

const PAPER = "Xiao et al. 2022";
const GROUP = "lif-bptt";

/** OTTT's and BPTT's gradients of one spec. */
function both(s: LifSpec, readout?: "trace" | "spike") {
  const net = lifNet(s), xs = lifInputs(s, net), labels = lifLabels(s, net);
  return {
    ottt: otttGradients(net, xs, labels, s.batch, readout ? { readout } : {}).grads,
    bptt: bpttGradients(net, xs, labels, s.batch).grads,
  };
}

/**
 * The OTTT-vs-BPTT claims.
 *
 * @example
 * ```ts
 * import { LIF_BPTT_CLAIMS } from "./lif_bptt.ts";
 * console.log(LIF_BPTT_CLAIMS.length); // 3
 * ```
 */
export const LIF_BPTT_CLAIMS: Claim[] = [
  defineClaim({
    id: "lif.ottt-equals-bptt-without-time-terms",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2 (claim 4)",
    statement: "OTTT's gradient equals BPTT's when the through-time terms vanish (lambda = 0 or " +
      "T = 1)",
    testName:
      "B2 claim 4: OTTT's gradient equals BPTT's when the through-time terms vanish (lambda = 0 or T = 1)",
    defaultRuns: 120,
    /** The same products in another order: ulps (measured 1.6e-15); 1e-12 relative. */
    tolerance: 1e-12,
    errorMeasure: "worst relative difference over parameter arrays",
    arbitrary: fc.tuple(lifSpec({ conv: true }), fc.boolean()),
    error: ([spec, lambdaZero]) => {
      const { ottt, bptt } = both(lambdaZero ? { ...spec, lambda: 0 } : { ...spec, T: 1 });
      return worstRel(ottt, bptt);
    },
  }),
  defineClaim({
    id: "lif.ottt-to-bptt-order-lambda",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2 (claim 4)",
    statement: "OTTT -> BPTT as lambda -> 0, the difference shrinking like lambda",
    testName: "B2 claim 4: OTTT -> BPTT as lambda -> 0, the difference shrinking like lambda",
    defaultRuns: 100,
    /**
     * The through-time terms are O(lambda): at lambda = 1e-9 the gap (relative to the largest
     * gradient entry) must be <= 1e-6 and <= max(1e-13, 2e-3 x the gap at 1e-6). The error is
     * the worse of the two ratios, so the tolerance is 1.
     */
    tolerance: 1,
    errorMeasure: "max(gap(1e-9) / 1e-6, gap(1e-9) / max(1e-13, 2e-3 gap(1e-6)))",
    arbitrary: lifSpec({ minHidden: 2 }),
    error: (spec) => {
      const gap = (lambda: number) => {
        const { ottt, bptt } = both({ ...spec, lambda });
        return globalRel(ottt, bptt);
      };
      const g6 = gap(1e-6), g9 = gap(1e-9);
      return Math.max(g9 / 1e-6, g9 / Math.max(1e-13, 2e-3 * g6));
    },
  }),
  defineClaim({
    id: "lif.ottt-equals-bptt-one-hidden",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2 (claim 4)",
    statement: "with one hidden layer and the spike readout, OTTT equals BPTT for every lambda " +
      "and T",
    testName:
      "B2 claim 4: with one hidden layer and the spike readout, OTTT equals BPTT for every lambda and T",
    defaultRuns: 100,
    /** The exchange of sums is exact; float64 order differences only: 1e-12 relative. */
    tolerance: 1e-12,
    errorMeasure: "worst relative difference over parameter arrays",
    arbitrary: lifSpec({ maxHidden: 1 }),
    error: (spec) => {
      const { ottt, bptt } = both(spec, "spike");
      return worstRel(ottt, bptt);
    },
  }),
];
