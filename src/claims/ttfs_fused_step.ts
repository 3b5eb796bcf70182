/**
 * The fused float32 TTFS step's claim: a few steps of `createWasmTwinStep` (the wasm backend's
 * default step, twin off) against the float64 reference step `createRefTwinStep` from the same
 * B = 1 network, on the same batches, the reference's intervals widened after each step as
 * `TwinTrainer` does (SPEC A1).
 *
 * Bound (proofs/backend-float32.md section 4). Each pre-activation carries the float32 error of
 * a dense kernel (section 1), and ReLU keeps it (section 2); a hidden neuron's firing decision
 * differs only where its pre-activation lies within that error of 0, which random inputs almost
 * never produce. Without such a flip the two steps compute the same function in two
 * precisions: the mean loss agrees to 1e-5 relative and the largest activation to 1e-5
 * relative, the correct counts are equal, and each Adam update moves a weight by at most about
 * lr in either step, so after k steps the weights differ by less than 2 k lr. A changed correct
 * count (two logits within round-off of each other) is counted as a failure, not allowed.
 *
 * @module
 */
import fc from "fast-check";
import { Rng } from "../nn/rng.ts";
import { createRefTwinStep } from "../steps/ttfs/ref.ts";
import { TWIN_STEP_ADAM } from "../steps/ttfs/step.ts";
import { createWasmTwinStep } from "../steps/ttfs/wasm.ts";
import { b1Params, initB1Network } from "../ttfs/b1.ts";
import { widenIntervals } from "../ttfs/intervals.ts";
import { reluFromB1 } from "../ttfs/mapping.ts";
import { type Claim, defineClaim } from "./claim.ts";

const LR = 1e-3;
const ADAM = { ...TWIN_STEP_ADAM, lr: LR };

/** A small dense net, a batch size, a number of steps and the seed of weights and data. */
const spec = fc.record({
  sizes: fc.tuple(
    fc.integer({ min: 2, max: 40 }),
    fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 2 }),
    fc.integer({ min: 2, max: 6 }),
  ).map(([nIn, hidden, classes]) => [nIn, ...hidden, classes]),
  batch: fc.integer({ min: 1, max: 16 }),
  steps: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

type Spec = { sizes: number[]; batch: number; steps: number; seed: number };

/** Relative difference in units of 1e-5 (with a tiny absolute floor for zeros). */
const rel5 = (got: number, want: number) => Math.abs(got - want) / (1e-5 * Math.abs(want) + 1e-12);

/** The error of one case, in units of the bound; Infinity when a correct count differs. */
function fusedStepError(s: Spec): number {
  const rng = new Rng(s.seed), snn = initB1Network(s.sizes, rng);
  const nIn = s.sizes[0], classes = s.sizes[s.sizes.length - 1];
  const fused = createWasmTwinStep({
    sizes: s.sizes,
    snn: b1Params(snn),
    twin: b1Params(snn),
    adam: ADAM,
    t: 0,
    trainTwin: false,
  });
  const ref = createRefTwinStep(snn, reluFromB1(snn), ADAM);
  let err = 0;
  for (let k = 0; k < s.steps; k++) {
    const x = Float64Array.from({ length: s.batch * nIn }, () => rng.uniform());
    const labels = Array.from({ length: s.batch }, () => Math.floor(rng.uniform() * classes));
    const want = ref.step(x, labels, s.batch), got = fused.step(x, labels, s.batch);
    if (got.correct !== want.correct) return Infinity; // two logits within round-off
    err = Math.max(err, rel5(got.loss, want.loss));
    want.maxActivation.forEach((a, l) => (err = Math.max(err, rel5(got.maxActivation[l], a))));
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
  return Math.max(err, dw / (2 * s.steps * LR));
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
    statement: "k steps of the fused float32 wasm TTFS step (the wasm backend's training step) " +
      "give the float64 reference step's correct counts, its losses and largest activations " +
      "within 1e-5 relative and its weights within 2 k lr",
    testName:
      "the fused wasm TTFS step gives the reference step's correct counts, losses, max activations and updated weights within the float32 bound",
    defaultRuns: 60,
    tolerance: 1,
    errorMeasure: "max(|loss - ref| / (1e-5 |ref|), |maxActivation - ref| / (1e-5 |ref|), " +
      "max |w - w_ref| / (2 k lr)); Infinity when a correct count differs",
    arbitrary: spec,
    error: fusedStepError,
  }),
];
