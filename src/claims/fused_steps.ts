/**
 * The fused float32 LIF step's claim: one batch of `createWasmLifStep` (all six methods: SAF-E,
 * OTTT_O, OTTT_A with both OTTT variants and both readouts; SAF-F, Spike Representation, BPTT)
 * against the float64 reference step `createRefLifStep` from the same network, on the same
 * input and labels; the nets are small dense ones or small conv ones (a 4..8 x 4..8 image of 1
 * or 2 channels, one or two 3x3 'same' conv layers of 2..4 channels, each avg-pooled 2x2 or
 * not, an optional dense hidden layer, a dense readout).
 *
 * Bound (proofs/backend-float32.md section 3). In float32 each potential carries a rounding
 * error of order gamma_K times the sum of |w||input| it is made of; a spike flips only where a
 * potential lies within that of V_th, which random inputs almost never put it (a conv layer's
 * potential is the same sum over its K = 9 inC patch entries; the avg-pool's 1/4 is exact).
 * Without a flip
 * the two steps compute the same function in two precisions: the loss agrees to float32
 * round-off (1e-5 relative, the bound the dense-kernel claims give for these sizes, with
 * margin), and each of the n Adam updates of the batch (T for update "step", 1 for "batch")
 * moves a weight by at most lr_t (1 + 1e-3) in either step, so the weights after the batch
 * differ by well under 2 n lr. A flip changes the loss and the updates by O(lr): the measure
 * counts each flipped spike (the two steps' spike totals differ) as a failure.
 *
 * @module
 */
import fc from "fast-check";
import { lifMethod } from "../lif/methods.ts";
import { initLifNetwork, type LifNetwork } from "../lif/network.ts";
import { buildLayers, type LayerSpec } from "../nn/architecture.ts";
import type { LayerGeometry } from "../nn/layer.ts";
import { Rng } from "../nn/rng.ts";
import { createRefLifStep } from "../steps/lif/ref.ts";
import { createWasmLifStep } from "../steps/lif/wasm.ts";
import { type Claim, defineClaim } from "./claim.ts";

const copy = (net: LifNetwork): LifNetwork => ({
  ...net,
  layers: net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })),
});

const LR = 1e-3;

/** A small conv net: the image, its conv layers (3x3 'same'), dense hidden layers, classes. */
const convNet = fc.record({
  h: fc.integer({ min: 4, max: 8 }),
  w: fc.integer({ min: 4, max: 8 }),
  c: fc.integer({ min: 1, max: 2 }),
  convs: fc.array(
    fc.record({ outC: fc.integer({ min: 2, max: 4 }), pool: fc.constantFrom(1, 2) }),
    { minLength: 1, maxLength: 2 },
  ),
  hidden: fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 1 }),
  classes: fc.integer({ min: 2, max: 6 }),
});

/** A conv net as `convNet` draws it. */
interface ConvNetSpec {
  h: number;
  w: number;
  c: number;
  convs: { outC: number; pool: number }[];
  hidden: number[];
  classes: number;
}

/** The layers of a conv net spec (two 2x2 pools on a 4x4 image still leave 1x1). */
function convLayers(n: ConvNetSpec): LayerGeometry[] {
  const specs: LayerSpec[] = [
    ...n.convs.map(({ outC, pool }) => ({ conv: outC, k: 3, pad: "same" as const, pool })),
    ...n.hidden.map((d) => ({ dense: d })),
    { dense: n.classes },
  ];
  return buildLayers({ h: n.h, w: n.w, c: n.c }, specs);
}

/** A small dense net (sizes) or a small conv net, a method and its options, a batch and the seed. */
const spec = fc.record({
  sizes: fc.tuple(
    fc.integer({ min: 2, max: 40 }),
    fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 2 }),
    fc.integer({ min: 2, max: 6 }),
  ).map(([nIn, hidden, classes]) => [nIn, ...hidden, classes]),
  conv: fc.option(convNet, { nil: undefined, freq: 2 }), // a conv net in half the cases
  method: fc.constantFrom("saf-e", "ottt-o", "ottt-a", "saf-f", "spikerep", "bptt"),
  variant: fc.constantFrom("trace" as const, "official" as const),
  readout: fc.constantFrom("trace" as const, "spike" as const),
  T: fc.integer({ min: 1, max: 6 }),
  batch: fc.integer({ min: 1, max: 16 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/**
 * The fused step claims.
 *
 * @example
 * ```ts
 * import { FUSED_STEP_CLAIMS } from "./fused_steps.ts";
 * console.log(FUSED_STEP_CLAIMS[0].id); // "backend.lif-fused-step-f32-bound"
 * ```
 */
export const FUSED_STEP_CLAIMS: Claim[] = [
  defineClaim({
    id: "backend.lif-fused-step-f32-bound",
    group: "backend",
    paper: "Saiin et al. 2024; Xiao et al. 2022; Meng et al. 2022; spikeproof (backends)",
    section: "SPEC B2, B3, B4; float32 backends",
    statement: "one batch of the fused float32 wasm LIF step (SAF-E, OTTT_O, OTTT_A, SAF-F, " +
      "Spike Representation, BPTT) on a dense or conv (avg-pooled) net gives the float64 " +
      "reference step's spikes, its loss within 1e-5 relative and its weights within 2 n lr " +
      "(n Adam updates: T for SAF-E and OTTT_O, 1 for the others)",
    testName:
      "the fused wasm LIF step (SAF-E, OTTT_O, OTTT_A, SAF-F, SpikeRep, BPTT) gives the reference step's spikes, loss and updated weights within the float32 bound",
    defaultRuns: 120,
    tolerance: 1,
    coverage: { "conv nets": 40 },
    errorMeasure: "max(|loss - ref| / (1e-5 |ref|), max |w - w_ref| / (2 n lr)), n = T for " +
      "update step, 1 for batch; Infinity when the spike totals differ",
    arbitrary: spec,
    error: (s) => {
      const rng = new Rng(s.seed), net = initLifNetwork(s.conv ? convLayers(s.conv) : s.sizes, rng);
      const nIn = net.layers[0].nIn, classes = net.layers[net.layers.length - 1].nOut;
      const xs = Array.from(
        { length: s.T },
        () => Float64Array.from({ length: s.batch * nIn }, () => rng.uniform()),
      );
      const labels = Array.from({ length: s.batch }, () => Math.floor(rng.uniform() * classes));
      const method = lifMethod(s.method), adam = { lr: LR };
      const options = { method, adam, variant: s.variant, readout: s.readout };
      const refNet = copy(net), wasmNet = copy(net);
      const ref = createRefLifStep({ net: refNet, ...options }).step(xs, labels, s.batch);
      const fused = createWasmLifStep({ net: wasmNet, ...options });
      const got = fused.step(xs, labels, s.batch);
      fused.read(wasmNet);
      if (got.spikes !== ref.spikes) return Infinity; // a flipped spike
      let dw = 0;
      wasmNet.layers.forEach((l, k) => {
        const r = refNet.layers[k];
        l.w.forEach((v, i) => (dw = Math.max(dw, Math.abs(v - r.w[i]))));
        l.b.forEach((v, i) => (dw = Math.max(dw, Math.abs(v - r.b[i]))));
      });
      const lossErr = Math.abs(got.loss - ref.loss) / (1e-5 * Math.abs(ref.loss) + 1e-30);
      const updates = method.update === "step" ? s.T : 1;
      const counts = { spikes: ref.spikes, "conv nets": s.conv ? 1 : 0 };
      return { error: Math.max(lossErr, dw / (2 * updates * LR)), counts };
    },
  }),
];
