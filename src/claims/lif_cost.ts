/**
 * Claims behind the cost comparison (SPEC B3): SAF runs half the forward multiply-accumulates of
 * OTTT as published, the lean OTTT forward changes nothing but the count, and official OTTT's
 * second matmul is SAF's U[t].
 *
 * @module
 */
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { CostCounter } from "../lif/cost.ts";
import type { MethodOptions } from "../lif/method.ts";
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
    id: "lif.saf-half-forward-macs",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3 (cost)",
    statement: "SAF's forward multiply-accumulates are half of official OTTT's and equal lean " +
      "OTTT's",
    testName:
      "B3 cost: SAF's forward multiply-accumulates are half of official OTTT's (equal to lean OTTT's)",
    defaultRuns: 100,
    /** Counted integers: exact. */
    tolerance: 0,
    errorMeasure: "|OTTT - 2 SAF| + |official - 2 SAF| + |lean - SAF| (counted MACs)",
    arbitrary: lifSpec({ conv: true }),
    error: (spec) => {
      const saf = forwardMacs(spec, safEGradients);
      return Math.abs(forwardMacs(spec, otttGradients) - 2 * saf) +
        Math.abs(forwardMacs(spec, otttGradients, { otttForward: "official" }) - 2 * saf) +
        Math.abs(forwardMacs(spec, otttGradients, { otttForward: "lean" }) - saf);
    },
  }),
  defineClaim({
    id: "lif.ottt-lean-identical",
    group: GROUP,
    paper: "Xiao et al. 2022",
    section: "SPEC B2, B3 (cost)",
    statement: "official and lean OTTT forwards give identical spikes, losses and gradients",
    testName: "B3: official and lean OTTT forwards give identical spikes, losses and gradients",
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
      const official = otttRun(spec, { ...o, otttForward: "official" });
      return isDeepStrictEqual(otttRun(spec, { ...o, otttForward: "lean" }), official) ? 0 : 1;
    },
  }),
  defineClaim({
    id: "lif.ottt-gradient-path-is-saf-u",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (cost)",
    statement: "official OTTT's second matmul W a_hat_in + b c[t] is SAF's U[t]",
    testName:
      "B3: official OTTT's second matmul W a_hat_in + b c[t] is SAF's U[t] (1e-12 relative)",
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
