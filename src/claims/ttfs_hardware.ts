/**
 * Claims of the hardware-constraint experiments (SPEC A10): k-bit weight quantization errs by at
 * most half a step, and with spikes clipped at tmin(n) and seeded jitter the B = 1 gradients
 * still equal finite differences.
 *
 * @module
 */
import fc from "fast-check";
import { softmaxCrossEntropy } from "../nn/loss.ts";
import { Rng } from "../nn/rng.ts";
import { b1Backward, b1Forward, type B1Hardware, b1Params } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { chainLengths } from "../ttfs/intervals.ts";
import { b1FromRelu, calibrateIntervals } from "../ttfs/mapping.ts";
import { quantizeWeights, weightRange } from "../ttfs/quantize.ts";
import { type Claim, defineClaim, violated } from "./claim.ts";
import { checkGradients } from "./compare.ts";
import { netSpec, randomInputs, randomLabels, randomRelu } from "./nets.ts";

const PAPER = "Stanojevic et al. 2024";
const GROUP = "ttfs-hardware";

/**
 * The hardware-constraint claims.
 *
 * @example
 * ```ts
 * import { TTFS_HARDWARE_CLAIMS } from "./ttfs_hardware.ts";
 * console.log(TTFS_HARDWARE_CLAIMS.length); // 2
 * ```
 */
export const TTFS_HARDWARE_CLAIMS: Claim[] = [
  defineClaim({
    id: "ttfs.quantization-half-step",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A10 (weight quantization)",
    statement: "k-bit quantization uses at most 2^k levels on [lo, hi] and errs by at most half " +
      "a step from the clipped weight",
    testName:
      "A10: k-bit quantization uses at most 2^k levels on [lo, hi] and errs by at most half a step",
    defaultRuns: 100,
    /** Rounding to a level is exact up to the level's own float64 computation: 1e-12. */
    tolerance: 1e-12,
    errorMeasure: "max(|q - clip(w)| - step / 2, distance of q outside [lo, hi]); Infinity for " +
      "too many levels or a wrong range",
    arbitrary: fc.tuple(
      fc.integer({ min: 1, max: 10 }),
      fc.integer(),
      fc.double({ min: 0, max: 0.2, noNaN: true }),
    ),
    error: ([bits, seed, f]) => {
      const r = new Rng(seed), W = Float64Array.from({ length: 300 }, () => r.normal());
      const [lo, hi] = weightRange(W, f), q = quantizeWeights(W, bits, lo, hi);
      const step = (hi - lo) / (2 ** bits - 1);
      let e = violated(new Set(q).size > 2 ** bits);
      q.forEach((v, k) => {
        const clipped = Math.min(hi, Math.max(lo, W[k]));
        e = Math.max(e, lo - v, v - hi, Math.abs(v - clipped) - step / 2);
      });
      if (f === 0) e = Math.max(e, violated(lo !== Math.min(...W) || hi !== Math.max(...W)));
      return e;
    },
  }),
  defineClaim({
    id: "ttfs.hardware-gradients-fd",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A7, A10 (latency, jitter)",
    statement: "with spikes clipped at tmin(n) and seeded jitter, B = 1 gradients still equal " +
      "finite differences, and no spike comes before tmin(n)",
    testName:
      "A10: with clipping at tmin and seeded jitter, B = 1 gradients still equal finite differences",
    defaultRuns: 100,
    /** As every finite-difference claim: units of 1e-6 absolute + 1e-5 relative. */
    tolerance: 1,
    errorMeasure: "max |fd - g| / (1e-6 + 1e-5 |g|); Infinity if a spike precedes tmin(n)",
    coverage: { "entries compared": 500 },
    arbitrary: fc.tuple(
      netSpec({ minClasses: 2, minDepth: 2, maxWidth: 16 }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
    ),
    error: ([spec, sigma]) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const iv = calibrateIntervals(relu, x, spec.batch);
      // shorter intervals than the data needs, so that some neurons clip at tmin(n)
      const lengths = iv.tmax.slice(1).map((t, k) => (t - iv.tmin[k + 1]) / 3);
      const net = b1FromRelu(relu, chainLengths(lengths));
      const hw = (): B1Hardware => ({
        clipAtTmin: true,
        jitter: { sigma, rng: new Rng(spec.seed) },
      });
      const t0 = encodeInput(x), classes = spec.sizes[spec.sizes.length - 1];
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const fwd = () => b1Forward(net, t0, spec.batch, undefined, hw());
      const { tmin, tmax } = net.intervals;
      // the piecewise region: per neuron active / silent at tmax / pinned at tmin
      const region = () => {
        const f = fwd();
        return f.spikeTimes.slice(1).map((t, n) =>
          Array.from(
            t,
            (v, k) =>
              f.active[n + 1][k] ? "a" : v >= tmax[n + 1] ? "s" : v <= tmin[n + 1] ? "p" : "?",
          )
            .join("")
        ).join("|");
      };
      const f0 = fwd();
      const dLogits = softmaxCrossEntropy(f0.logits, labels, spec.batch, classes).dLogits;
      const loss = () => softmaxCrossEntropy(fwd().logits, labels, spec.batch, classes).loss;
      const r = checkGradients(
        b1Params(net),
        b1Backward(net, f0, dLogits),
        loss,
        region,
        new Rng(spec.seed),
        5,
      );
      const early = fwd().spikeTimes.slice(1).some((t, n) => t.some((v) => v < tmin[n + 1]));
      return {
        error: Math.max(r.error, violated(early)),
        counts: { "entries compared": r.compared },
      };
    },
  }),
];
