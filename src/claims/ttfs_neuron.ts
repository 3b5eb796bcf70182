/**
 * Claims of the TTFS neuron (SPEC A3): the closed-form spike time is the event-driven one,
 * and it is the first threshold crossing.
 *
 * @module
 */
import fc from "fast-check";
import { b1Forward, type B1Network } from "../ttfs/b1.ts";
import { b1AsGeneralLayer, simulateB1Neuron } from "../ttfs/b1_neuron.ts";
import { membranePotential, simulateSpikeTime, spikeTime } from "../ttfs/neuron.ts";
import { type Claim, defineClaim, violated } from "./claim.ts";
import { netSpec, randomInputs, randomRelu } from "./nets.ts";

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
 * A random B = 1 network with random intervals: start in [-5, 5], input window 0.5..4 wide,
 * hidden windows 0.05..6 wide (narrow ones clip activations at tmin(n)), and its input times.
 */
const b1Case = fc.record({
  spec: netSpec({ maxDepth: 4, maxWidth: 12, minDepth: 2 }),
  start: fc.double({ min: -5, max: 5, noNaN: true }),
  widths: fc.array(fc.double({ min: 0.05, max: 6, noNaN: true }), { minLength: 4, maxLength: 4 }),
  inputWidth: fc.double({ min: 0.5, max: 4, noNaN: true }),
}).map(({ spec, start, widths, inputWidth }) => {
  const relu = randomRelu(spec),
    L = relu.layers.length,
    tmin = [start],
    tmax = [start + inputWidth];
  for (let n = 1; n < L; n++) tmin.push(tmax[n - 1]), tmax.push(tmax[n - 1] + widths[n - 1]);
  const net: B1Network = {
    layers: relu.layers.map(({ w, b, ...g }) => ({ ...g, W: w, D: b })),
    intervals: { tmin, tmax },
  };
  const x = randomInputs(spec.seed, spec.batch, relu.layers[0].nIn);
  return { net, batch: spec.batch, t0: x.map((v) => tmax[0] - v * inputWidth) };
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
  defineClaim({
    id: "ttfs.b1-general-neuron",
    group: "ttfs-neuron",
    paper: "Stanojevic et al. 2024",
    section: "SPEC A3, A5",
    statement: "the B = 1 model is a physical neuron: the general neuron with J = W, alpha_i = " +
      "1 - sum_j W_ij and theta_i = tmax(n) - tmin(n) - D_i + alpha_i (tmin(n) - tmin(n-1)), " +
      "firing blocked before tmin(n), simulated event by event, fires at the B = 1 closed-form " +
      "time (activations clipped at tmax(n) - tmin(n)) with slope 1 at threshold",
    testName:
      "A5: the B = 1 neuron simulated event by event (alpha = 1 - sum W, corrected theta, firing from tmin(n)) fires at the closed-form time with slope 1",
    defaultRuns: 200,
    /** Two float64 evaluations of one time (and a slope summed in another order): 1e-9 relative. */
    tolerance: 1e-9,
    errorMeasure: "max over hidden neurons of |simulated - closed form| / (tmax(n) - tmin(n-1)) " +
      "and |slope - 1| / (1 + sum_j |W_ij|) for fired neurons",
    coverage: { "fired neurons": 500, "silent neurons": 200, "neurons clipped at tmin(n)": 20 },
    arbitrary: b1Case,
    error: ({ net, batch, t0 }) => {
      const fwd = b1Forward(net, t0, batch, undefined, { clipAtTmin: true });
      const { tmin, tmax } = net.intervals, counts = { fired: 0, silent: 0, clipped: 0 };
      let e = 0;
      for (let n = 1; n < net.layers.length; n++) {
        const layer = b1AsGeneralLayer(net.layers[n - 1], net.intervals, n), nIn = layer.nIn;
        const want = fwd.neuronTimes[n], span = tmax[n] - tmin[n - 1];
        for (let k = 0; k < want.length; k++) {
          const b = Math.floor(k / layer.nOut), i = k % layer.nOut;
          const tIn = fwd.spikeTimes[n - 1].subarray(b * nIn, (b + 1) * nIn);
          const sim = simulateB1Neuron(layer, net.intervals, n, i, tIn);
          const fired = want[k] < tmax[n];
          // a fire/silent disagreement moves the time by the activation: caught here unless
          // the activation is within the tolerance of 0, where round-off decides either way
          e = Math.max(e, Math.abs(sim.t - want[k]) / span);
          if (!fired) counts.silent++;
          else {
            counts.fired++, want[k] === tmin[n] && counts.clipped++;
            let sW = 1;
            for (let j = 0; j < nIn; j++) sW += Math.abs(layer.J[i * nIn + j]);
            e = Math.max(e, Math.abs(sim.slope - 1) / sW);
          }
        }
      }
      return {
        error: e,
        counts: {
          "fired neurons": counts.fired,
          "silent neurons": counts.silent,
          "neurons clipped at tmin(n)": counts.clipped,
        },
      };
    },
  }),
];
