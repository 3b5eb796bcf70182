/**
 * Claims of SAF-F and Spike Representation (SPEC B3, B4): with the window derivative SAF-F's
 * gradient is V_th^(L-l) times SR's, layer by layer; for IF neurons (lambda = 1) the rate is
 * within 1/T of SR's closed form.
 *
 * @module
 */
import { safFGradients } from "../lif/saf.ts";
import { lifForward } from "../lif/simulate.ts";
import { spikeRepGradients } from "../lif/spikerep.ts";
import { pow } from "../nn/math/mod.ts";
import type { LifNetwork } from "../lif/network.ts";
import { type Claim, defineClaim } from "./claim.ts";
import { worstRel } from "./compare.ts";
import { directInput, lifLabels, lifNet, lifSpec } from "./lif_nets.ts";

const PAPER = "Saiin et al. 2024";
const GROUP = "lif-spikerep";

/**
 * Layer-1 closed-form rates clamp((W x + b) / V_th, 0, 1) of a dense first layer.
 *
 * @example
 * ```ts
 * import { closedRates } from "./lif_spikerep.ts";
 * import { lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 1, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * console.log(closedRates(lifNet(spec), new Float64Array(8), 2).length); // 12
 * ```
 */
export function closedRates(net: LifNetwork, x: Float64Array, batch: number): Float64Array {
  const l = net.layers[0], r = new Float64Array(batch * l.nOut);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < l.nOut; i++) {
      let v = l.b[i];
      for (let j = 0; j < l.nIn; j++) v += l.w[i * l.nIn + j] * x[b * l.nIn + j];
      r[b * l.nOut + i] = Math.min(1, Math.max(0, v / net.vth));
    }
  }
  return r;
}

/**
 * The T values of the IF-rate claim.
 *
 * @example
 * ```ts
 * import { IF_RATE_TS } from "./lif_spikerep.ts";
 * console.log(IF_RATE_TS); // [4, 16, 64, 256]
 * ```
 */
export const IF_RATE_TS: readonly number[] = [4, 16, 64, 256];

/**
 * The SAF-F / Spike Representation claims.
 *
 * @example
 * ```ts
 * import { LIF_SPIKEREP_CLAIMS } from "./lif_spikerep.ts";
 * console.log(LIF_SPIKEREP_CLAIMS.length); // 2
 * ```
 */
export const LIF_SPIKEREP_CLAIMS: Claim[] = [
  defineClaim({
    id: "lif.saf-f-equals-spikerep",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B3, B4 (claim 3)",
    statement: "SAF-F with the window derivative = V_th^(L-l) x Spike Representation, layer by " +
      "layer, with the same loss",
    testName:
      "B3/B4 claim 3: SAF-F (window derivative) = V_th^(L-l) x Spike Representation, exactly, layer by layer",
    defaultRuns: 120,
    /** The same rates and masks, a factor V_th per layer: a few ulps (measured 7.7e-15). */
    tolerance: 1e-12,
    errorMeasure: "max over layers of the worst relative difference; |loss diff| / max(1, loss)",
    arbitrary: lifSpec({ conv: true }),
    error: (spec) => {
      const net = lifNet(spec), xs = directInput(spec, net), labels = lifLabels(spec, net);
      const safF = safFGradients(net, xs, labels, spec.batch, { finalDerivative: "window" });
      const sr = spikeRepGradients(net, xs, labels, spec.batch);
      const L = net.layers.length - 1;
      let e = Math.abs(safF.loss - sr.loss) / Math.max(1, sr.loss);
      for (let l = 0; l <= L; l++) {
        const factor = pow(spec.vth, L - l); // one V_th per spiking layer between W_l and the loss
        const scaled = [sr.grads[2 * l], sr.grads[2 * l + 1]].map((g) => g.map((v) => v * factor));
        e = Math.max(e, worstRel([safF.grads[2 * l], safF.grads[2 * l + 1]], scaled));
      }
      return e;
    },
  }),
  defineClaim({
    id: "lif.if-rate-within-1-over-t",
    group: GROUP,
    paper: PAPER,
    section: "SPEC B4 (claim 3, asymptotic)",
    statement: "with lambda = 1 and a constant input the layer-1 rate is within 1/T of " +
      "clamp(z / V_th, 0, 1), T = 4, 16, 64, 256",
    testName:
      "B4 claim 3 (asymptotic): with lambda = 1 the SNN rate approaches the closed form, |gap| <= 1/T in layer 1",
    defaultRuns: 100,
    /**
     * Soft reset keeps V_th count[T] = T z - u_post[T] with 0 <= u_post < V_th: T |gap| <= 1
     * exactly; 1e-9 covers the rate's float64 division (measured worst 0.998).
     */
    tolerance: 1 + 1e-9,
    errorMeasure: "max over T of T max |rate - closed form| (the gap in units of 1/T)",
    arbitrary: lifSpec({ lambda: 1, maxHidden: 2 }),
    error: (spec) => {
      const net = lifNet(spec);
      return IF_RATE_TS.reduce((e, T) => {
        const xs = directInput(spec, net, T), r1 = lifForward(net, xs, spec.batch).rates[1];
        const zs = closedRates(net, xs[0], spec.batch);
        return Math.max(e, T * r1.reduce((m, r, i) => Math.max(m, Math.abs(r - zs[i])), 0));
      }, 0);
    },
  }),
];
