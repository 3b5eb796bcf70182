/**
 * Claims of SAF against LIF and OTTT (SPEC B3, Saiin et al. 2024 against Xiao et al. 2022): SAF
 * fires LIF's spikes, its weights run as LIF neurons, SAF-E's gradient is OTTT_O's per step and
 * OTTT_A's summed, and where each identity stops.
 *
 * @module
 */
import fc from "fast-check";
import { codeInput } from "../lif/coding.ts";
import { safOutputs, safToLif } from "../lif/convert.ts";
import type { MethodOptions } from "../lif/method.ts";
import { type LifNetwork, lifParams } from "../lif/network.ts";
import { otttGradients } from "../lif/ottt.ts";
import { safEGradients } from "../lif/saf.ts";
import { constantTraces } from "../lif/neuron.ts";
import { lifForward } from "../lif/simulate.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { relDiff, worstRel } from "./compare.ts";
import { directInput, lifInputs, lifLabels, lifNet, lifSpec } from "./lif_nets.ts";

const PAPER = "Saiin et al. 2024; Xiao et al. 2022";
const GROUP = "lif-saf";
/**
 * Two float64 evaluations of the same sums in another order (SAF's W A[t] vs OTTT's running
 * traces): a few ulps relative, measured worst 3.8e-14; 1e-12 relative leaves room for depth.
 */
const SAME_SUMS = 1e-12;

/** Each step's gradients, copied as `onStep` hands them over. */
function perStep(
  fn: typeof otttGradients,
  net: LifNetwork,
  xs: Float64Array[],
  labels: Int32Array,
  batch: number,
  o: MethodOptions,
): Float64Array[][] {
  const steps: Float64Array[][] = [];
  fn(net, xs, labels, batch, { ...o, onStep: (g) => steps.push(g.map((a) => a.slice())) });
  return steps;
}

/** Whether a = k b for one scalar k, to 1e-9 of the largest entry (b all zero: a must be too). */
function proportional(a: Float64Array, b: Float64Array): boolean {
  let ab = 0, bb = 0;
  for (let i = 0; i < a.length; i++) (ab += a[i] * b[i]), (bb += b[i] * b[i]);
  if (bb === 0) return a.every((v) => v === 0);
  const k = ab / bb;
  return relDiff(a, b.map((v) => k * v)) <= 1e-9;
}

/**
 * The SAF claims.
 *
 * @example
 * ```ts
 * import { LIF_SAF_CLAIMS } from "./lif_saf.ts";
 * console.log(LIF_SAF_CLAIMS.map((c) => c.id));
 * ```
 */
export const LIF_SAF_CLAIMS: Claim[] = [
  defineClaim({
    id: "lif.saf-spikes-equal-lif",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3 (claim 1)",
    statement: "SAF's forward spikes are bit-identical to LIF's at every step and layer",
    testName:
      "B3 claim 1: SAF forward spikes are bit-identical to LIF spikes at every step and layer",
    defaultRuns: 150,
    /** u = U - V_th lambda a_hat[t-1] exactly: spikes are compared bit for bit, none may differ. */
    tolerance: 0,
    errorMeasure: "spikes that differ",
    coverage: { spikes: 1000, silences: 1000 },
    arbitrary: lifSpec({ conv: true }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net);
      const lif = lifForward(net, xs, spec.batch, { record: true });
      const saf = safOutputs(net, xs, spec.batch);
      let differ = 0, spikes = 0, silences = 0;
      saf.spikes.forEach((layers, t) =>
        layers.forEach((s, l) => {
          const want = lif.spikeTrains[l][t];
          s.forEach((v, k) => {
            if (!Object.is(v, want[k])) differ++;
            v ? spikes++ : silences++;
          });
          if (s.length !== want.length) differ += Math.abs(s.length - want.length);
        })
      );
      return { error: differ, counts: { spikes, silences } };
    },
  }),
  defineClaim({
    id: "lif.saf-to-lif-conversion",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3 (claim 5)",
    statement: "the network converted from SAF to LIF gives the SAF forward's outputs",
    testName: "B3 claim 5: the network converted from SAF to LIF gives the SAF forward's outputs",
    defaultRuns: 100,
    /** Same spikes (claim 1) into the same readout: the same logits, bit for bit. */
    tolerance: 0,
    errorMeasure: "max over steps of the relative logit difference",
    arbitrary: lifSpec({ conv: true }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net);
      const lif = lifForward(safToLif(net), xs, spec.batch), saf = safOutputs(net, xs, spec.batch);
      return saf.outputs.reduce((e, o, t) => Math.max(e, relDiff(o, lif.outputs[t])), 0);
    },
  }),
  defineClaim({
    id: "lif.saf-e-equals-ottt-o",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (claim 2)",
    statement: "the SAF-E per-step gradient equals the OTTT_O per-step gradient (both readouts)",
    testName:
      "B3 claim 2: the SAF-E per-step gradient equals the OTTT_O per-step gradient (1e-12 relative)",
    defaultRuns: 120,
    tolerance: SAME_SUMS,
    errorMeasure: "max over steps and parameter arrays of max |diff| / max |OTTT_O|",
    arbitrary: fc.tuple(
      lifSpec({ conv: true }),
      fc.constantFrom("trace" as const, "spike" as const),
    ),
    error: ([spec, readout]) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const saf = perStep(safEGradients, net, xs, labels, spec.batch, { readout });
      const ottt = perStep(otttGradients, net, xs, labels, spec.batch, { readout });
      return saf.reduce((e, g, t) => Math.max(e, worstRel(g, ottt[t])), 0);
    },
  }),
  defineClaim({
    id: "lif.saf-e-sum-equals-ottt-a",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (claim 2)",
    statement: "SAF-E summed over the T steps equals OTTT_A (the same sum at fixed weights), " +
      "losses too",
    testName:
      "B3 claim 2: SAF-E summed over the T steps equals OTTT_A (the same sum at fixed weights)",
    defaultRuns: 100,
    tolerance: SAME_SUMS,
    errorMeasure: "max(worst relative gradient difference, |loss diff| / max(1, loss))",
    arbitrary: lifSpec(),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const saf = safEGradients(net, xs, labels, spec.batch);
      const otttA = otttGradients(net, xs, labels, spec.batch);
      return Math.max(
        worstRel(saf.grads, otttA.grads),
        Math.abs(saf.loss - otttA.loss) / Math.max(1, otttA.loss),
      );
    },
  }),
  defineClaim({
    id: "lif.ottt-official-differs-in-layer-1",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (claim 2, where it stops)",
    statement: "OTTT's official variant (raw input, no c[t]) differs from SAF-E only in layer " +
      "1's weights and the biases",
    testName:
      "B3 claim 2 (where it stops): OTTT's official variant differs only in layer 1's weights and the biases",
    defaultRuns: 100,
    tolerance: SAME_SUMS,
    errorMeasure: "worst relative difference of the weights above layer 1 (readout included)",
    coverage: { "cases where layer 1 differs": 20 },
    arbitrary: lifSpec({ minHidden: 2 }),
    error: (spec) => {
      const net = lifNet(spec), xs = lifInputs(spec, net), labels = lifLabels(spec, net);
      const saf = safEGradients(net, xs, labels, spec.batch).grads;
      const official = otttGradients(net, xs, labels, spec.batch, { variant: "official" }).grads;
      let e = 0; // hidden weights above layer 1 (and the readout weights) agree ...
      for (let k = 2; k < saf.length; k += 2) e = Math.max(e, relDiff(saf[k], official[k]));
      // ... while layer 1's weights see x[t] instead of its trace
      const differs = spec.T > 1 && relDiff(saf[0], official[0]) > 1e-9 ? 1 : 0;
      return { error: e, counts: { "cases where layer 1 differs": differs } };
    },
  }),
  defineClaim({
    id: "lif.saf-e-vs-official-ottt-o",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B2, B3 (authors' code)",
    statement: "with direct coding, SAF-E and OTTT_O in the authors' official variant agree at " +
      "step 1 and from step 2 on differ exactly by c[t] = sum_{k<t} lambda^k on layer 1's weight " +
      "gradient and the biases (the readout's bias with the trace readout); with Bernoulli input " +
      "the trace of x is no longer c[t] x, and no such factor relates them",
    testName:
      "B3 claim 2 (the authors' code): with direct coding, SAF-E = OTTT_O official once layer 1's weights and the biases are scaled by c[t]",
    defaultRuns: 100,
    tolerance: SAME_SUMS,
    errorMeasure: "max over steps and parameter arrays of the relative difference between SAF-E " +
      "and OTTT_O official with c[t] applied (direct coding)",
    coverage: {
      "direct-coded steps where the unscaled gradients differ": 50,
      "Bernoulli cases where no factor relates layer 1's weight gradients": 10,
    },
    arbitrary: fc.tuple(
      lifSpec({ conv: true }),
      fc.constantFrom("trace" as const, "spike" as const),
    ),
    error: ([spec, readout]) => {
      const net = lifNet(spec),
        labels = lifLabels(spec, net),
        c = constantTraces(spec.lambda, spec.T);
      const official = { readout, variant: "official" } as const;
      const run = (xs: Float64Array[]) => ({
        saf: perStep(safEGradients, net, xs, labels, spec.batch, { readout }),
        ottt: perStep(otttGradients, net, xs, labels, spec.batch, official),
      });
      const direct = run(directInput(spec, net)), last = net.layers.length - 1;
      // layer 1's weights (array 0) and every bias (odd arrays; the readout's with "trace")
      const scaled = (k: number) =>
        k === 0 || (k % 2 === 1 && (k < 2 * last || readout === "trace"));
      let error = 0, differ = 0;
      direct.ottt.forEach((g, t) => {
        const want = g.map((a, k) => (scaled(k) ? a.map((v) => c[t] * v) : a));
        error = Math.max(error, worstRel(direct.saf[t], want));
        if (worstRel(direct.saf[t], g) > 1e-9) differ++;
      });
      const xs = codeInput(directInput(spec, net)[0], spec.T, "bernoulli", spec.seed);
      const bern = run(xs),
        unrelated = bern.ottt.some((g, t) => !proportional(bern.saf[t][0], g[0]));
      return {
        error,
        counts: {
          "direct-coded steps where the unscaled gradients differ": differ,
          "Bernoulli cases where no factor relates layer 1's weight gradients": unrelated ? 1 : 0,
        },
      };
    },
  }),
  defineClaim({
    id: "lif.in-sequence-updates-agree-at-step-1",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3 (claim 2, where it stops)",
    statement: "with weights updated every step (SGD, lr 0.5), SAF-E and OTTT_O agree at step 1 " +
      "and then part",
    testName:
      "B3 claim 2 (where it stops): with weights updated every step, SAF-E and OTTT_O agree at step 1 only",
    defaultRuns: 100,
    tolerance: SAME_SUMS,
    errorMeasure: "worst relative difference of the step-1 gradients",
    coverage: { "cases that part by > 1e-6": 1 },
    arbitrary: lifSpec({ maxHidden: 2 }),
    error: (spec) => {
      const a = lifNet(spec), b = lifNet(spec), xs = lifInputs(spec, a);
      const labels = lifLabels(spec, a);
      const sgd = (net: LifNetwork, log: Float64Array[][]) => (g: Float64Array[]) => {
        log.push(g.map((v) => v.slice()));
        lifParams(net).forEach((p, k) => p.forEach((_, i) => (p[i] -= 0.5 * g[k][i])));
      };
      const ga: Float64Array[][] = [], gb: Float64Array[][] = [];
      safEGradients(a, xs, labels, spec.batch, { onStep: sgd(a, ga) });
      otttGradients(b, xs, labels, spec.batch, { onStep: sgd(b, gb) });
      // SAF applies W_t to the whole history, LIF applied W_1..W_t to their own steps
      const parted = worstRel(lifParams(a), lifParams(b)) > 1e-6 ? 1 : 0;
      return { error: worstRel(ga[0], gb[0]), counts: { "cases that part by > 1e-6": parted } };
    },
  }),
];
