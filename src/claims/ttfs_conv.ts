/**
 * Claims of TTFS conv nets (SPEC A8): conv as patches + the dense rule, the exact mapping and
 * the B = 1 model on conv nets, and max-pool as the earliest spike.
 *
 * @module
 */
import fc from "fast-check";
import { refBackend } from "../backend/ref.ts";
import {
  convBackwardInput,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
  convOutSize,
} from "../nn/conv.ts";
import { reluMlpForward, reluMlpParams } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { b1Forward } from "../ttfs/b1.ts";
import { generalForward } from "../ttfs/general.ts";
import { reverseMapTtfs } from "../ttfs/mapping.ts";
import { type Claim, defineClaim, violated } from "./claim.ts";
import { maxAbs, maxAbsDiff, scaledDiff } from "./compare.ts";
import { convSpec } from "./nets.ts";
import { mappedConvB1, mappedConvGeneral } from "./ttfs_cases.ts";

const PAPER = "Stanojevic et al. 2024";
const GROUP = "ttfs-conv";

/** The convolution written out directly, pixel by pixel, with out-of-image reads as 0. */
function directConv(
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  batch: number,
  g: ConvGeometry,
): Float64Array {
  const { inH, inW, inC, outC, k, pad } = g, { outH, outW } = convOutSize(g);
  const z = new Float64Array(batch * outH * outW * outC);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      for (let xo = 0; xo < outW; xo++) {
        for (let o = 0; o < outC; o++) {
          let s = bias[o];
          for (let dy = 0; dy < k; dy++) {
            for (let dx = 0; dx < k; dx++) {
              const yi = y + dy - pad, xi = xo + dx - pad;
              if (yi < 0 || yi >= inH || xi < 0 || xi >= inW) continue;
              for (let c = 0; c < inC; c++) {
                s += W[((o * k + dy) * k + dx) * inC + c] *
                  x[((b * inH + yi) * inW + xi) * inC + c];
              }
            }
          }
          z[((b * outH + y) * outW + xo) * outC + o] = s;
        }
      }
    }
  }
  return z;
}

const geometry = fc.record({
  inH: fc.integer({ min: 1, max: 7 }),
  inW: fc.integer({ min: 1, max: 7 }),
  inC: fc.integer({ min: 1, max: 3 }),
  outC: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 4 }),
  pad: fc.integer({ min: 0, max: 2 }),
  batch: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).filter(({ inH, inW, k, pad }) => inH + 2 * pad >= k && inW + 2 * pad >= k);

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, k) => s + v * b[k], 0);

/**
 * The conv-net claims.
 *
 * @example
 * ```ts
 * import { TTFS_CONV_CLAIMS } from "./ttfs_conv.ts";
 * console.log(TTFS_CONV_CLAIMS.length > 0); // true
 * ```
 */
export const TTFS_CONV_CLAIMS: Claim[] = [
  defineClaim({
    id: "ttfs.conv-patches",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A8",
    statement: "conv as patches + the dense rule is the direct convolution; its backward passes " +
      "are the adjoints",
    testName:
      "A8: conv as patches + the dense rule equals the direct convolution, and its backward is the adjoint",
    defaultRuns: 200,
    /**
     * Forward: the same products summed in another order, entries O(1): below 1e-12 absolute.
     * Adjoint identities: dot products of ~1e3 terms, 1e-10 of 1 + |<dz, z>|; the error is
     * the worse of forward / 1e-12 and adjoint / 1e-10, so the tolerance is 1.
     */
    tolerance: 1,
    errorMeasure: "max(|conv - direct| / 1e-12, |<dz,z> - <dx,x>| / (1e-10 (1 + |<dz,z>|)), " +
      "same for <dW,W>)",
    arbitrary: geometry,
    error: ({ batch, seed, ...g }) => {
      const rng = new Rng(seed), { outH, outW } = convOutSize(g);
      const draw = (n: number) => Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
      const x = draw(batch * g.inH * g.inW * g.inC), W = draw(g.outC * g.k * g.k * g.inC);
      const bias = draw(g.outC), dz = draw(batch * outH * outW * g.outC);
      const z = new Float64Array(dz.length);
      convForward(x, W, bias, z, batch, g, refBackend);
      const fwd = maxAbsDiff(z, directConv(x, W, bias, batch, g)) / 1e-12;
      // <dz, conv(x) - bias> = <convT(dz), x> = <dW, W>: the backward passes are the adjoints
      const dx = new Float64Array(x.length), dW = new Float64Array(W.length);
      convBackwardInput(dz, W, dx, batch, g, refBackend);
      convBackwardWeights(dz, x, dW, new Float64Array(g.outC), batch, g, refBackend);
      const lhs = dot(dz, directConv(x, W, new Float64Array(g.outC), batch, g));
      const scale = 1e-10 * (1 + Math.abs(lhs));
      return Math.max(
        fwd,
        Math.abs(lhs - dot(dx, x)) / scale,
        Math.abs(lhs - dot(dW, W)) / scale,
      );
    },
  }),
  defineClaim({
    id: "ttfs.conv-mapping-exact",
    group: GROUP,
    paper: "Stanojevic et al. 2023 (exact mapping); 2024",
    section: "SPEC A4, A8",
    statement: "a ReLU conv net mapped exactly onto general neurons gives its logits, every " +
      "spike in [tmin, tmax]",
    testName:
      "A8 claim 2 (conv): a ReLU conv net mapped exactly onto general neurons gives its logits within 1e-9 relative, every spike in [tmin, tmax]",
    defaultRuns: 150,
    /** As the dense mapping (ttfs.mapping-exact): 1e-9 of the logit scale. */
    tolerance: 1e-9,
    errorMeasure: "max |logit diff| / max(1, max |ReLU logit|); Infinity if a spike leaves " +
      "[tmin, tmax]",
    arbitrary: convSpec(),
    error: (spec) => {
      const { relu, x, t0, snn } = mappedConvGeneral(spec);
      const f = generalForward(snn, t0, spec.batch);
      let outside = false;
      for (let n = 1; n < f.neuronTimes.length; n++) {
        for (const t of f.neuronTimes[n]) {
          outside ||= !(t >= snn.intervals.tmin[n] && t <= snn.intervals.tmax[n]);
        }
      }
      const want = reluMlpForward(relu, x, spec.batch).logits;
      return Math.max(scaledDiff(f.logits, want), violated(outside));
    },
  }),
  defineClaim({
    id: "ttfs.conv-reverse-mapping",
    group: GROUP,
    paper: "Stanojevic et al. 2023 (exact mapping)",
    section: "SPEC A4, A8",
    statement: "the reverse mapping recovers the rescaled conv net's w and b",
    testName: "A8 claim 4 (conv): the reverse mapping recovers the rescaled conv net's w and b",
    defaultRuns: 100,
    /** The biases pass through theta ~ tmax: 1e-9 of max(1, max |p|) per array. */
    tolerance: 1e-9,
    errorMeasure: "max over parameter arrays of max |diff| / max(1, max |p|)",
    arbitrary: convSpec(),
    error: (spec) => {
      const { snn, rescaled } = mappedConvGeneral(spec);
      const back = reluMlpParams(reverseMapTtfs(snn)), want = reluMlpParams(rescaled);
      return want.reduce((e, p, k) => Math.max(e, scaledDiff(back[k], p)), 0);
    },
  }),
  defineClaim({
    id: "ttfs.conv-b1-equals-relu",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A5, A8",
    statement: "a ReLU conv net on B = 1 neurons gives its twin's logits, with t(n) = tmax(n) - " +
      "h(n) after every pool",
    testName:
      "A8 claim 1 (conv): a ReLU conv net on B = 1 neurons gives its twin's logits, with t(n) = tmax(n) - h(n) after every pool",
    defaultRuns: 150,
    /** 1e-9 of the logit scale; times: 1e-9 of 1 + tmax(n) (x = tmax - t loses ulps of tmax). */
    tolerance: 1e-9,
    errorMeasure: "max(|logit diff| / (1 + max |logit|), |t - (tmax - h)| / (1 + tmax))",
    arbitrary: convSpec(),
    error: (spec) => {
      const { relu, snn, x, t0 } = mappedConvB1(spec);
      const f = b1Forward(snn, t0, spec.batch), r = reluMlpForward(relu, x, spec.batch);
      let e = maxAbsDiff(f.logits, r.logits) / (1 + maxAbs(r.logits));
      for (let n = 1; n < snn.layers.length; n++) {
        const h = r.inputs[n], tmax = snn.intervals.tmax[n];
        e = Math.max(e, maxAbsDiff(f.spikeTimes[n], h.map((v) => tmax - v)) / (1 + tmax));
      }
      return e;
    },
  }),
  defineClaim({
    id: "ttfs.maxpool-earliest-spike",
    group: GROUP,
    paper: PAPER,
    section: "SPEC A8",
    statement: "a TTFS max-pool passes the earliest spike of each window",
    testName: "A8: a TTFS max-pool passes the earliest spike of each window",
    defaultRuns: 150,
    /** A selection, not arithmetic: the pooled time is exactly the window's minimum. */
    tolerance: 0,
    errorMeasure: "max |pooled - min over the window|",
    arbitrary: convSpec(),
    error: (spec) => {
      const { snn, t0 } = mappedConvB1(spec), f = b1Forward(snn, t0, spec.batch);
      let e = 0;
      snn.layers.forEach((l, k) => {
        const idx = f.poolIndex[k + 1];
        if (!idx || !l.conv) return;
        const { outH, outW } = convOutSize(l.conv), c = l.conv.outC, p = l.pool!;
        const t = f.neuronTimes[k + 1], pooled = f.spikeTimes[k + 1];
        const ph = Math.floor(outH / p), pw = Math.floor(outW / p);
        for (let o = 0; o < pooled.length; o++) {
          const ch = o % c, px = Math.floor(o / c) % pw, py = Math.floor(o / c / pw) % ph;
          const b = Math.floor(o / (c * pw * ph));
          let first = Infinity;
          for (let dy = 0; dy < p; dy++) {
            for (let dx = 0; dx < p; dx++) {
              first = Math.min(first, t[((b * outH + py * p + dy) * outW + px * p + dx) * c + ch]);
            }
          }
          e = Math.max(e, Math.abs(pooled[o] - first));
        }
      });
      return e;
    },
  }),
];
