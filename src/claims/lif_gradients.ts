/**
 * Claims that every hand-written LIF gradient matches an independent reference (SPEC B1-B4):
 * BPTT and Spike Representation against finite differences of their objectives, OTTT, SAF-E and
 * SAF-F against loop-by-loop implementations of their definitions.
 *
 * @module
 */
import fc from "fast-check";
import { refBackend } from "../backend/ref.ts";
import { bpttGradients } from "../lif/bptt.ts";
import { LIF_MSE_WEIGHT, mixedLoss } from "../lif/loss.ts";
import { lifParams, pooled } from "../lif/network.ts";
import { otttGradients } from "../lif/ottt.ts";
import { safEGradients, safFGradients } from "../lif/saf.ts";
import { lifForward } from "../lif/simulate.ts";
import { spikeRepGradients } from "../lif/spikerep.ts";
import { layerForward } from "../nn/layer.ts";
import { Rng } from "../nn/rng.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { checkGradients, worstRel } from "./compare.ts";
import { lifInputs, lifLabels, lifNet, lifSpec } from "./lif_nets.ts";
import { naiveOttt, naiveSafF } from "./naive_lif.ts";

const GROUP = "lif-gradients";
/**
 * The check of both finite-difference claims: the error in units of 1e-6 absolute + 1e-5
 * relative, as every finite-difference claim (compare.ts), over at least 500 entries.
 */
const FD_CHECK = {
  tolerance: 1,
  errorMeasure: "max |fd - g| / (1e-6 + 1e-5 |g|)",
  coverage: { "entries compared": 500 },
};
/** Loops against vectorized code: the same sums in another order, 1e-12 relative. */
const LOOP_TOLERANCE = 1e-12;

/**
 * The LIF gradient claims.
 *
 * @example
 * ```ts
 * import { LIF_GRADIENT_CLAIMS } from "./lif_gradients.ts";
 * console.log(LIF_GRADIENT_CLAIMS.length); // 4
 * ```
 */
export const LIF_GRADIENT_CLAIMS: Claim[] = [
  defineClaim({
    id: "lif.bptt-fd",
    group: GROUP,
    paper: "Xiao et al. 2022",
    section: "SPEC B1 (claim 6)",
    statement: "BPTT equals finite differences of the surrogate-relaxed network (detached reset)",
    testName:
      "B1 claim 6: BPTT equals finite differences of the surrogate-relaxed network (detached reset)",
    defaultRuns: 100,
    ...FD_CHECK,
    arbitrary: lifSpec({ conv: true, maxT: 8 }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const classes = net.layers[net.layers.length - 1].nOut;
      const run = () => lifForward(net, xs, spec.batch, { relaxed: true, record: true });
      // the relaxed objective: spikes passed on are sig(a (u - V_th)); the reset stays the hard
      // H, piecewise constant, so its derivative is 0 (detached) wherever it does not switch
      const loss = () =>
        run().outputs.reduce(
          (s, o) => s + mixedLoss(o, labels, spec.batch, classes, LIF_MSE_WEIGHT, 1 / spec.T).loss,
          0,
        );
      const signature = () =>
        run().spikeTrains.map((l) => l.map((s) => s.join("")).join("|")).join("/");
      const grads = bpttGradients(net, xs, labels, spec.batch, { relaxed: true }).grads;
      const r = checkGradients(lifParams(net), grads, loss, signature, new Rng(spec.seed), 3);
      return { error: r.error, counts: { "entries compared": r.compared } };
    },
  }),
  defineClaim({
    id: "lif.spikerep-fd",
    group: GROUP,
    paper: "Saiin et al. 2024",
    section: "SPEC B4 (claim 6)",
    statement: "Spike Representation equals finite differences of its closed-form network",
    testName:
      "B4 claim 6: Spike Representation equals finite differences of its closed-form network",
    defaultRuns: 100,
    ...FD_CHECK,
    arbitrary: lifSpec({ conv: true, maxT: 4 }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net).slice(0, 1);
      const labels = lifLabels(spec, net);
      const sr = () => spikeRepGradients(net, xs, labels, spec.batch, { closedForm: true });
      // the kinks of the objective: which closed-form units sit below 0, inside, or above V_th
      const signature = () => {
        let r = xs[0];
        return net.layers.slice(0, -1).map((l) => {
          const z = layerForward(l, r, l.w, l.b, spec.batch, refBackend);
          r = pooled(l, z.map((v) => Math.min(1, Math.max(0, v / net.vth))), spec.batch);
          return Array.from(z, (v) => (v < 0 ? 0 : v > net.vth ? 2 : 1)).join("");
        }).join("|");
      };
      const r = checkGradients(
        lifParams(net),
        sr().grads,
        () => sr().loss,
        signature,
        new Rng(spec.seed),
        3,
      );
      return { error: r.error, counts: { "entries compared": r.compared } };
    },
  }),
  defineClaim({
    id: "lif.ottt-equals-loop-definition",
    group: GROUP,
    paper: "Xiao et al. 2022; Saiin et al. 2024",
    section: "SPEC B2, B3 (claim 6)",
    statement: "OTTT (both variants, both readouts) and SAF-E equal an independent loop " +
      "implementation of B2",
    testName:
      "B2 claim 6: OTTT (both variants, both readouts) equals an independent loop implementation of B2",
    defaultRuns: 100,
    tolerance: LOOP_TOLERANCE,
    errorMeasure: "worst relative difference over parameter arrays",
    arbitrary: fc.tuple(
      lifSpec(),
      fc.constantFrom("trace" as const, "official" as const),
      fc.constantFrom("trace" as const, "spike" as const),
    ),
    error: ([spec, variant, readout]) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const naive = naiveOttt(net, xs, labels, spec.batch, variant, readout);
      const o = otttGradients(net, xs, labels, spec.batch, { variant, readout }).grads;
      let e = worstRel(o, naive);
      if (variant === "trace") {
        e = Math.max(
          e,
          worstRel(safEGradients(net, xs, labels, spec.batch, { readout }).grads, naive),
        );
      }
      return e;
    },
  }),
  defineClaim({
    id: "lif.saf-f-equals-loop-definition",
    group: GROUP,
    paper: "Saiin et al. 2024",
    section: "SPEC B3 (claim 6)",
    statement: "SAF-F (surrogate at T) equals an independent loop implementation of B3",
    testName: "B3 claim 6: SAF-F (surrogate at T) equals an independent loop implementation of B3",
    defaultRuns: 100,
    tolerance: LOOP_TOLERANCE,
    errorMeasure: "worst relative difference over parameter arrays",
    arbitrary: lifSpec(),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      return worstRel(
        safFGradients(net, xs, labels, spec.batch).grads,
        naiveSafF(net, xs, labels, spec.batch),
      );
    },
  }),
];
