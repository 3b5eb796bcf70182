/**
 * The fused float32 TTFS step's claim: a few steps of `createWasmTwinStep` (the wasm backend's
 * default step, twin off) against the float64 reference step `createRefTwinStep` from the same
 * B = 1 network, dense or conv (max-pooled or not, padded or not), on the same batches, the reference's intervals widened after each step as
 * `TwinTrainer` does (SPEC A1).
 *
 * Bound (proofs/backend-float32.md section 4). Each pre-activation carries the float32 error of
 * a dense kernel (section 1), and ReLU keeps it (section 2); a hidden neuron's firing decision
 * differs only where its pre-activation lies within that error of 0, which random inputs almost
 * never produce (nor a max-pool tie within round-off). Without such a flip the two steps compute the same function in two
 * precisions: the mean loss and the largest activation agree within 1e-5 max(|value|, 1)
 * (relative above 1; below, absolute, since a small activation is a sum of larger terms), and each Adam update moves a weight by at most about
 * lr in either step, so after k steps the weights differ by less than 2 k lr. Before each step
 * both forwards predict a class per sample: a different prediction is a failure, except where
 * the reference's top two logits lie within 1e-5 (1 + max |logit|) of each other (a near-tie,
 * e.g. a net whose hidden neurons are all silent, where the logits are the biases), which the
 * claim counts as `ties`. A hidden neuron whose firing decision differs is a failure unless the
 * reference's activation is within 1e-5 of 0 (its pre-activation within round-off of the ReLU's
 * kink, which dying neurons of tiny nets reach): from there the two trajectories may part by
 * O(lr) per step, so the case is counted (`roundOffFlips`) and its later figures not compared.
 *
 * @module
 */
import fc from "fast-check";
import { buildLayers, denseLayers, layerSizes, type LayerSpec } from "../nn/architecture.ts";
import type { LayerGeometry } from "../nn/layer.ts";
import { Rng } from "../nn/rng.ts";
import { createRefTwinStep } from "../steps/ttfs/ref.ts";
import { TWIN_STEP_ADAM } from "../steps/ttfs/step.ts";
import { createWasmTwinStep } from "../steps/ttfs/wasm.ts";
import { b1Forward, b1Params, initB1Network } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { widenIntervals } from "../ttfs/intervals.ts";
import { reluFromB1 } from "../ttfs/mapping.ts";
import { type Claim, defineClaim } from "./claim.ts";

const LR = 1e-3;
const ADAM = { ...TWIN_STEP_ADAM, lr: LR };

/** A small dense net: input width, hidden widths, classes. */
const denseNet = fc.tuple(
  fc.integer({ min: 2, max: 40 }),
  fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 2 }),
  fc.integer({ min: 2, max: 6 }),
).map(([nIn, hidden, classes]): LayerGeometry[] => denseLayers([nIn, ...hidden, classes]));

/** A small conv net: a 6x6 to 9x9 image of 1-2 channels, 1-2 conv layers (k 1, 3 or 5, pad
 * same or valid, max-pool 1 or 2), a dense hidden layer and the readout; geometries that do
 * not fit shrink to one 3x3 same conv. */
const convNet = fc.record({
  h: fc.integer({ min: 6, max: 9 }),
  w: fc.integer({ min: 6, max: 9 }),
  c: fc.integer({ min: 1, max: 2 }),
  convs: fc.array(
    fc.record({
      conv: fc.integer({ min: 1, max: 4 }),
      k: fc.constantFrom(1, 3, 5),
      pad: fc.constantFrom("same" as const, "valid" as const),
      pool: fc.constantFrom(1, 2),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  hidden: fc.integer({ min: 2, max: 8 }),
  classes: fc.integer({ min: 2, max: 4 }),
}).map(({ h, w, c, convs, hidden, classes }): LayerGeometry[] => {
  const top: LayerSpec[] = [{ dense: hidden }, { dense: classes }];
  try {
    return buildLayers({ h, w, c }, [...convs, ...top]);
  } catch {
    return buildLayers({ h, w, c }, [{ conv: 2, k: 3, pad: "same", pool: 2 }, ...top]);
  }
});

/** A net (dense or conv), a batch size, a number of steps and the seed of weights and data. */
const spec = fc.record({
  layers: fc.oneof(denseNet, convNet),
  batch: fc.integer({ min: 1, max: 16 }),
  steps: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

type Spec = { layers: LayerGeometry[]; batch: number; steps: number; seed: number };

/** Difference in units of 1e-5 max(|want|, 1): relative above 1, absolute below (a small
 * activation is a sum of larger terms, whose round-off it keeps). */
const rel5 = (got: number, want: number) =>
  Math.abs(got - want) / (1e-5 * Math.max(Math.abs(want), 1));

/** Classes each step predicts must agree on, and the near-ties where they may not. */
const TIE = 1e-5;

/**
 * Samples whose predicted class differs between the float64 logits `want` and the float32 ones
 * `got`, except near-ties (the reference's top two logits within TIE (1 + max |logit|), where
 * round-off may pick either: a dead net's equal biases, say); and how many near-ties there were.
 */
function predictionFlips(want: Float64Array, got: Float64Array, batch: number) {
  const classes = want.length / batch;
  let flips = 0, ties = 0;
  for (let b = 0; b < batch; b++) {
    const row = (a: Float64Array) => Array.from(a.subarray(b * classes, (b + 1) * classes));
    const w = row(want), sorted = w.slice().sort((p, q) => q - p), g = row(got);
    const scale = TIE * (1 + Math.max(...w.map(Math.abs)));
    if (sorted[0] - sorted[1] <= scale) ties++;
    else flips += +(w.indexOf(sorted[0]) !== g.indexOf(Math.max(...g)));
  }
  return { flips, ties };
}

/**
 * Hidden neurons whose firing decision (a > 0) differs between the reference's forward `fwd` and
 * the fused one's activations: `near` where the reference's |a| <= 1e-5 (its pre-activation
 * within float32 round-off of 0), `far` elsewhere.
 */
function firingFlips(fwd: ReturnType<typeof b1Forward>, tmax: number[], got: Float64Array[]) {
  let near = 0, far = 0;
  got.forEach((a32, l) => {
    const times = fwd.neuronTimes[l + 1];
    a32.forEach((v, i) => {
      const a = tmax[l + 1] - times[i];
      if ((a > 0) !== (v > 0)) Math.abs(a) <= 1e-5 ? near++ : far++;
    });
  });
  return { near, far };
}

/** The error of one case, in units of the bound; Infinity when a prediction flips. */
function fusedStepError(s: Spec): number | { error: number; counts: Record<string, number> } {
  const rng = new Rng(s.seed), snn = initB1Network(s.layers, rng), sizes = layerSizes(s.layers);
  const nIn = sizes[0], classes = sizes[sizes.length - 1];
  const fused = createWasmTwinStep({
    sizes,
    layers: s.layers,
    snn: b1Params(snn),
    twin: b1Params(snn),
    adam: ADAM,
    t: 0,
    trainTwin: false,
  });
  const ref = createRefTwinStep(snn, reluFromB1(snn), ADAM);
  let err = 0, ties = 0;
  for (let k = 0; k < s.steps; k++) {
    const x = Float64Array.from({ length: s.batch * nIn }, () => rng.uniform());
    const labels = Array.from({ length: s.batch }, () => Math.floor(rng.uniform() * classes));
    if (k === 0) { // the same weights on both sides: the same decisions, up to round-off
      const fwd = b1Forward(snn, encodeInput(x), s.batch), got32 = fused.forward!(x, s.batch);
      const f = firingFlips(fwd, snn.intervals.tmax, got32.activations);
      if (f.far > 0) return Infinity; // a firing decision away from round-off
      // a decision within round-off of 0: the trajectories may part by O(lr), legitimately
      if (f.near > 0) return { error: 0, counts: { ties, roundOffFlips: f.near } };
      const p = predictionFlips(fwd.logits, got32.logits, s.batch);
      if (p.flips > 0) return Infinity;
      ties += p.ties;
    }
    const want = ref.step(x, labels, s.batch), got = fused.step(x, labels, s.batch);
    if (k === 0) {
      err = Math.max(err, rel5(got.loss, want.loss));
      want.maxActivation.forEach((a, l) => (err = Math.max(err, rel5(got.maxActivation[l], a))));
    }
    snn.intervals = widenIntervals(snn.intervals, want.maxActivation);
  }
  const params = { snn: b1Params(snn).map((p) => p.slice()), twin: b1Params(snn) };
  fused.read(params);
  fused.close();
  const refParams = b1Params(snn);
  let dw = 0;
  params.snn.forEach((p, k) =>
    p.forEach((v, i) => (dw = Math.max(dw, Math.abs(v - refParams[k][i]))))
  );
  return { error: Math.max(err, dw / (2 * s.steps * LR)), counts: { ties, roundOffFlips: 0 } };
}

/**
 * The fused TTFS step's claims.
 *
 * @example
 * ```ts
 * import { TTFS_FUSED_STEP_CLAIMS } from "./ttfs_fused_step.ts";
 * console.log(TTFS_FUSED_STEP_CLAIMS[0].id); // "backend.ttfs-fused-step-f32-bound"
 * ```
 */
export const TTFS_FUSED_STEP_CLAIMS: Claim[] = [
  defineClaim({
    id: "backend.ttfs-fused-step-f32-bound",
    group: "backend",
    paper: "Stanojevic et al. 2024; spikeproof (backends)",
    section: "SPEC A5, A7; float32 backends",
    statement: "k steps of the fused float32 wasm TTFS step (the wasm backend's training step; " +
      "dense and conv nets) predict the float64 reference's classes (but at near-ties of its " +
      "logits), give its losses and largest activations within 1e-5 max(|x|, 1) and its weights " +
      "within 2 k lr",
    testName:
      "the fused wasm TTFS step (dense and conv) gives the reference step's predictions, losses, max activations and updated weights within the float32 bound",
    defaultRuns: 60,
    tolerance: 1,
    errorMeasure: "max(|loss - ref|, |maxActivation - ref|) / (1e-5 max(|ref|, 1)), " +
      "max |w - w_ref| / (2 k lr); Infinity when a prediction differs away from a near-tie " +
      "(top two reference logits within 1e-5 (1 + max |logit|))",
    arbitrary: spec,
    error: fusedStepError,
  }),
];
