/**
 * Claims of the exact mapping ReLU -> TTFS (SPEC A4, A5) on dense networks: rescaling keeps
 * the function, the mapped SNN computes the ReLU logits, silence is ReLU's zero, the mapping
 * inverts, and the B = 1 model is the identity mapping.
 *
 * @module
 */
import { reluMlpForward } from "../nn/mlp.ts";
import { b1Forward } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { generalForward } from "../ttfs/general.ts";
import {
  b1FromRelu,
  calibrateIntervals,
  mapReluExactly,
  rescaleReluMlp,
  reverseMapTtfs,
} from "../ttfs/mapping.ts";
import { type Claim, defineClaim, violated } from "./claim.ts";
import { maxAbs, scaledDiff } from "./compare.ts";
import { type NetSpec, netSpec, preActivations, randomInputs, randomRelu } from "./nets.ts";

const PAPER = "Stanojevic et al. 2023 (exact mapping); 2024";
const GROUP = "ttfs-mapping";

/** A random ReLU net, its inputs, and its exact TTFS image (rescaled, calibrated, mapped). */
function mapped(spec: NetSpec) {
  const relu = randomRelu(spec);
  const x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
  const { snn, rescaled } = mapReluExactly(relu, x, spec.batch);
  return { relu, x, rescaled, intervals: snn.intervals, snn, t0: encodeInput(x) };
}

/**
 * The dense mapping claims.
 *
 * @example
 * ```ts
 * import { TTFS_MAPPING_CLAIMS } from "./ttfs_mapping.ts";
 * console.log(TTFS_MAPPING_CLAIMS.length > 0); // true
 * ```
 */
export const TTFS_MAPPING_CLAIMS: Claim[] = [
  defineClaim({
    id: "ttfs.rescale-keeps-function",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A4 (preprocessing)",
    statement: "layer-wise rescaling keeps the ReLU logits and puts every hidden row sum in " +
      "[-10, 0.99]",
    testName: "A4: rescaling keeps the ReLU function and puts every hidden row sum in [-10, 0.99]",
    defaultRuns: 100,
    /** Rescaling multiplies by powers of c > 0 twice: a few float64 ulps of the logits. */
    tolerance: 1e-12,
    errorMeasure: "max |logit diff| / max(1, max |logit|); Infinity if a row sum leaves the range",
    arbitrary: netSpec(),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const rescaled = rescaleReluMlp(relu);
      const a = reluMlpForward(relu, x, spec.batch).logits;
      let bad = false;
      for (const l of rescaled.layers.slice(0, -1)) {
        for (let i = 0; i < l.nOut; i++) {
          const s = l.w.subarray(i * l.nIn, (i + 1) * l.nIn).reduce((p, v) => p + v, 0);
          bad ||= !(s >= -10 - 1e-12 && s <= 0.99 + 1e-12);
        }
      }
      return Math.max(scaledDiff(reluMlpForward(rescaled, x, spec.batch).logits, a), violated(bad));
    },
  }),
  defineClaim({
    id: "ttfs.mapping-exact",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A4",
    statement: "the ReLU net mapped onto general neurons gives its logits, every spike in " +
      "[tmin, tmax]",
    testName:
      "A4 claim 2: mapped SNN logits equal the ReLU logits within 1e-9 relative, spike times in [tmin, tmax]",
    defaultRuns: 200,
    /**
     * Spike times are ~1e3 (intervals 1.5 X(n) long, chained over up to 6 layers); float64
     * loses ~1e-13 of that per layer, amplified by the weights: 1e-9 of the logit scale.
     */
    tolerance: 1e-9,
    errorMeasure: "max |logit diff| / max(1, max |ReLU logit|); Infinity if a spike leaves " +
      "[tmin, tmax]",
    arbitrary: netSpec(),
    error: (spec) => {
      const { relu, x, snn, intervals, t0 } = mapped(spec);
      const fwd = generalForward(snn, t0, spec.batch);
      let outside = false;
      for (let n = 1; n < fwd.spikeTimes.length; n++) {
        for (const t of fwd.spikeTimes[n]) {
          outside ||= !(t >= intervals.tmin[n] && t <= intervals.tmax[n]);
        }
      }
      const want = reluMlpForward(relu, x, spec.batch).logits;
      return Math.max(scaledDiff(fwd.logits, want), violated(outside));
    },
  }),
  defineClaim({
    id: "ttfs.silent-iff-relu-zero",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A4, A5, A9",
    statement: "a neuron (mapped or B = 1) is silent exactly when its ReLU activation is <= 0",
    testName: "A4/A5 claim 3: a neuron is silent exactly when its ReLU activation is <= 0",
    defaultRuns: 200,
    /** A truth value per neuron, decided outside a 1e-9 band around the kink: none may differ. */
    tolerance: 0,
    errorMeasure: "neurons whose silence differs from ReLU's zero (outside a 1e-9 band)",
    coverage: { "neurons decided": 1000 },
    arbitrary: netSpec({ minDepth: 2 }),
    error: (spec) => {
      const { rescaled, x, snn, intervals, t0 } = mapped(spec);
      const general = generalForward(snn, t0, spec.batch);
      const b1 = b1Forward(b1FromRelu(rescaled, intervals), t0, spec.batch);
      const relu = reluMlpForward(rescaled, x, spec.batch);
      const zs = preActivations(rescaled, x, spec.batch);
      let decided = 0, wrong = 0;
      for (let n = 1; n < general.spikeTimes.length; n++) {
        const act = relu.inputs[n], band = 1e-9 * Math.max(1, maxAbs(act)), pre = zs[n - 1];
        for (let k = 0; k < pre.length; k++) {
          if (Math.abs(pre[k]) <= band) continue; // round-off decides at the kink itself
          decided++;
          const silentRelu = pre[k] <= 0, tmax = intervals.tmax[n];
          if ((general.spikeTimes[n][k] >= tmax) !== silentRelu) wrong++;
          if ((b1.spikeTimes[n][k] >= tmax) !== silentRelu) wrong++;
        }
      }
      return { error: wrong, counts: { "neurons decided": decided } };
    },
  }),
  defineClaim({
    id: "ttfs.reverse-mapping",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A4 (reverse mapping)",
    statement: "w = J / B and b = (B_n sum J - D) / B recover the rescaled ReLU weights and biases",
    testName: "A4 claim 4: the reverse mapping recovers w and b",
    defaultRuns: 100,
    /**
     * w: one division and a sum of J (1e-12 of max |w| holds: a few ulps); b goes through
     * theta ~ tmax ~ 1e3, so the tolerance is the biases' 1e-9 of max(1, max |b|).
     */
    tolerance: 1e-9,
    errorMeasure: "max over layers of max(1e3 |w diff|, |b diff|) / max(1, max |.|)",
    arbitrary: netSpec(),
    error: (spec) => {
      const { rescaled, snn } = mapped(spec);
      const back = reverseMapTtfs(snn);
      return rescaled.layers.reduce((e, a, n) => {
        const b = back.layers[n];
        return Math.max(e, 1e3 * scaledDiff(b.w, a.w), scaledDiff(b.b, a.b));
      }, 0);
    },
  }),
  defineClaim({
    id: "ttfs.b1-equals-relu",
    group: GROUP,
    paper: "Stanojevic et al. 2024",
    section: "SPEC A5",
    statement: "the B = 1 network with W = w, D = b computes the ReLU logits",
    testName: "A5: the B = 1 network computes the ReLU logits",
    defaultRuns: 100,
    /** Same float64 budget as the general mapping: spike times ~1e3, 1e-9 of the logits. */
    tolerance: 1e-9,
    errorMeasure: "max |logit diff| / max(1, max |ReLU logit|)",
    arbitrary: netSpec(),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const iv = calibrateIntervals(relu, x, spec.batch);
      const got = b1Forward(b1FromRelu(relu, iv), encodeInput(x), spec.batch).logits;
      return scaledDiff(got, reluMlpForward(relu, x, spec.batch).logits);
    },
  }),
];
