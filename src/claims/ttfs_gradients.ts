/**
 * Claims of the TTFS gradients (SPEC A7): the hand-written backward passes of the B = 1 model,
 * of general neurons (alpha, J, theta) and of the ReLU twin (dense and conv) equal central
 * finite differences wherever the derivative exists, on dense and conv nets.
 *
 * @module
 */
import { softmaxCrossEntropy } from "../nn/loss.ts";
import { type ReluMlp, reluMlpBackward, reluMlpForward, reluMlpParams } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";
import { b1Backward, b1Forward, type B1Network, b1Params } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import {
  generalBackward,
  generalForward,
  type GeneralNetwork,
  generalParams,
} from "../ttfs/general.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../ttfs/mapping.ts";
import { type CaseResult, type Claim, defineClaim } from "./claim.ts";
import { checkGradients } from "./compare.ts";
import { convSpec, netSpec, randomInputs, randomLabels, randomRelu } from "./nets.ts";
import { b1Region, generalRegion } from "./regions.ts";
import { mappedConvB1, mappedConvGeneral } from "./ttfs_cases.ts";

const GROUP = "ttfs-gradients";
/**
 * Central differences with h = 1e-6 max(1, |p|) err by O(h^2) truncation and ~1e-10 round-off
 * in a float64 loss: 1e-6 absolute + 1e-5 relative covers both; the error is measured in units
 * of that bound, so the tolerance is 1.
 */
const FD_TOLERANCE = 1;
const FD_MEASURE = "max over compared entries of |fd - g| / (1e-6 + 1e-5 |g|)";
const COVERAGE = { "entries compared": 1000 };

/** The B = 1 net's finite-difference check. */
function b1Check(net: B1Network, t0: Float64Array, batch: number, classes: number, seed: number) {
  const labels = randomLabels(seed, batch, classes);
  const loss = () => softmaxCrossEntropy(b1Forward(net, t0, batch).logits, labels, batch, classes);
  const grads = b1Backward(net, b1Forward(net, t0, batch), loss().dLogits);
  return checkGradients(
    b1Params(net),
    grads,
    () => loss().loss,
    () => b1Region(b1Forward(net, t0, batch), net.intervals),
    new Rng(seed),
  );
}

/** Leaves the alpha = 1 mapping (alpha in [0.5, 1.5], thresholds nudged 5%), then checks. */
function generalCheck(
  net: GeneralNetwork,
  t0: Float64Array,
  batch: number,
  classes: number,
  seed: number,
) {
  const rng = new Rng(seed ^ 0x1234567);
  for (const l of net.hidden) {
    l.alpha.forEach((_, i) => (l.alpha[i] = 0.5 + rng.uniform()));
    l.theta.forEach((v, i) => (l.theta[i] = v * (0.95 + 0.1 * rng.uniform())));
  }
  const labels = randomLabels(seed, batch, classes);
  const fwd = () => generalForward(net, t0, batch);
  const loss = () => softmaxCrossEntropy(fwd().logits, labels, batch, classes);
  const grads = generalBackward(net, fwd(), loss().dLogits);
  return checkGradients(
    generalParams(net),
    grads,
    () => loss().loss,
    () => generalRegion(fwd()),
    rng,
  );
}

/**
 * The ReLU twin's finite-difference check; its piecewise region is which units are on (and, in
 * a conv net, which input wins each max pool).
 */
function reluCheck(relu: ReluMlp, x: Float64Array, batch: number, classes: number, seed: number) {
  const labels = randomLabels(seed, batch, classes);
  const fwd = () => reluMlpForward(relu, x, batch);
  const loss = () => softmaxCrossEntropy(fwd().logits, labels, batch, classes);
  const region = () => {
    const f = fwd();
    return [...f.on.map((m) => m.join("")), ...f.poolIndex.map((i) => i?.join(","))].join("|");
  };
  const grads = reluMlpBackward(relu, fwd(), loss().dLogits);
  return checkGradients(reluMlpParams(relu), grads, () => loss().loss, region, new Rng(seed));
}

const asCase = (r: { error: number; compared: number }): CaseResult => ({
  error: r.error,
  counts: { "entries compared": r.compared },
});

const common = {
  group: GROUP,
  paper: "Stanojevic et al. 2024",
  defaultRuns: 100,
  tolerance: FD_TOLERANCE,
  errorMeasure: FD_MEASURE,
  coverage: COVERAGE,
};

/**
 * The gradient claims.
 *
 * @example
 * ```ts
 * import { TTFS_GRADIENT_CLAIMS } from "./ttfs_gradients.ts";
 * console.log(TTFS_GRADIENT_CLAIMS.every((c) => c.tolerance === 1)); // true
 * ```
 */
export const TTFS_GRADIENT_CLAIMS: Claim[] = [
  defineClaim({
    ...common,
    id: "ttfs.b1-gradients-fd",
    section: "SPEC A7",
    statement: "hand-written B = 1 SNN gradients (dt/dW = -x, dt/dt_in = W, dt/dD = -1) equal " +
      "finite differences",
    testName: "A7 claim 5: hand-written B = 1 SNN gradients equal finite differences",
    arbitrary: netSpec({ minClasses: 2 }),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const net = b1FromRelu(relu, calibrateIntervals(relu, x, spec.batch));
      const classes = spec.sizes[spec.sizes.length - 1];
      return asCase(b1Check(net, encodeInput(x), spec.batch, classes, spec.seed));
    },
  }),
  defineClaim({
    ...common,
    id: "ttfs.general-gradients-fd",
    paper: "Stanojevic et al. 2023 (exact mapping); 2024",
    section: "SPEC A7",
    statement: "hand-written general-neuron (alpha, J, theta) gradients equal finite differences",
    testName:
      "A7 claim 5: hand-written general-neuron (alpha, J, theta) gradients equal finite differences",
    arbitrary: netSpec({ minClasses: 2, maxDepth: 4, maxWidth: 16 }),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const net = mapReluExactly(relu, x, spec.batch).snn;
      const classes = spec.sizes[spec.sizes.length - 1];
      return asCase(generalCheck(net, encodeInput(x), spec.batch, classes, spec.seed));
    },
  }),
  defineClaim({
    ...common,
    id: "ttfs.conv-b1-gradients-fd",
    section: "SPEC A7, A8",
    statement: "hand-written B = 1 conv-net gradients equal finite differences",
    testName: "A7 claim 5 (conv): hand-written B = 1 conv-net gradients equal finite differences",
    arbitrary: convSpec(),
    error: (spec) => {
      const { snn, t0, classes } = mappedConvB1(spec);
      return asCase(b1Check(snn, t0, spec.batch, classes, spec.seed));
    },
  }),
  defineClaim({
    ...common,
    id: "ttfs.conv-general-gradients-fd",
    paper: "Stanojevic et al. 2023 (exact mapping); 2024",
    section: "SPEC A7, A8",
    statement: "hand-written general-neuron conv gradients equal finite differences",
    testName:
      "A7 claim 5 (conv): hand-written general-neuron conv gradients equal finite differences",
    arbitrary: convSpec(),
    error: (spec) => {
      const { snn, t0, classes } = mappedConvGeneral(spec);
      return asCase(generalCheck(snn, t0, spec.batch, classes, spec.seed));
    },
  }),
  defineClaim({
    ...common,
    id: "ttfs.conv-relu-gradients-fd",
    section: "SPEC A8",
    statement: "the ReLU conv twin's gradients equal finite differences",
    testName: "A8: the ReLU conv twin's gradients equal finite differences",
    arbitrary: convSpec(),
    error: (spec) => {
      const { relu, x, classes } = mappedConvB1(spec);
      return asCase(reluCheck(relu, x, spec.batch, classes, spec.seed));
    },
  }),
  defineClaim({
    ...common,
    id: "ttfs.relu-gradients-fd",
    section: "SPEC A7",
    statement: "the dense ReLU twin's hand-written gradients (reluMlpBackward) equal finite " +
      "differences",
    testName: "A7: the dense ReLU twin's hand-written gradients equal finite differences",
    arbitrary: netSpec({ minClasses: 2 }),
    error: (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const classes = spec.sizes[spec.sizes.length - 1];
      return asCase(reluCheck(relu, x, spec.batch, classes, spec.seed));
    },
  }),
];
