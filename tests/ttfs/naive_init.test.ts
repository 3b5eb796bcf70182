// The naive initialization (src/ttfs/naive_init.ts) and the init analysis (init_spectra.ts);
// claim ttfs.naive-init-explodes (tests/claims/ttfs_jacobian.test.ts) measures its growth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomInputs } from "../../src/claims/nets.ts";
import { OptionError } from "../../src/errors.ts";
import { initReluMlp, type ReluMlp, reluMlpForward } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { b1FromRelu } from "../../src/ttfs/mapping.ts";
import { b1AsGeneralLayer } from "../../src/ttfs/b1_neuron.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalForward } from "../../src/ttfs/general.ts";
import {
  fractionOutsideUnitCircle,
  initJacobians,
  parseTtfsInit,
  sigmaRatioToB1,
} from "../../src/ttfs/init_spectra.ts";
import { scratchIntervals } from "../../src/ttfs/intervals.ts";
import { reluJacobians } from "../../src/ttfs/jacobian.ts";
import { fullSlopes, naiveInit, naiveTtfsNetwork } from "../../src/ttfs/naive_init.ts";

const glorot = (sizes: number[], seed: number) => initReluMlp(sizes, new Rng(seed));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

test("naive init: alpha = 1 and J = w, so B_i = 1 + sum_j w_ij spreads around 1 (some <= 0)", () => {
  const relu = glorot([64, 64, 64, 10], 3), snn = naiveTtfsNetwork(relu, scratchIntervals(2));
  snn.hidden.forEach((l, k) => {
    assert.ok(l.alpha.every((a) => a === 1));
    assert.deepEqual(l.J, relu.layers[k].w);
  });
  const B = fullSlopes(snn.hidden).flatMap((b) => [...b]);
  assert.ok(B.some((b) => b <= 0) && B.some((b) => b > 1.5), `B in [${Math.min(...B)}, ...]`);
  assert.notEqual(snn.hidden[0].J, relu.layers[0].w, "J is a copy");
});

test("naive init and B = 1 are one construction, differing in alpha alone", () => {
  const relu = glorot([6, 5, 4, 3], 1), iv = scratchIntervals(2);
  const unit = naiveTtfsNetwork(relu, iv, "unit-slope"), b1 = b1FromRelu(relu, iv);
  unit.hidden.forEach((l, k) => {
    const g = b1AsGeneralLayer(b1.layers[k], iv, k + 1);
    l.alpha.forEach((a, i) => assert.ok(close(a, g.alpha[i])));
    l.theta.forEach((t, i) => assert.ok(close(t, g.theta[i]), `theta ${t} vs ${g.theta[i]}`));
  });
});

test("with every B_i > 0 and wide intervals, the naive network computes the ReLU network w = J / B", () => {
  // rows with positive sums: every B_i = 1 + sum_j J_ij > 1
  const relu: ReluMlp = glorot([5, 4, 4, 3], 2);
  for (const l of relu.layers) l.w.forEach((v, k, w) => (w[k] = Math.abs(v)));
  const x = randomInputs(4, 3, 5), { snn } = naiveInit(relu, x, 3);
  const scaled: ReluMlp = {
    layers: relu.layers.map((l, n) => {
      if (n === relu.layers.length - 1) return l;
      const B = fullSlopes([snn.hidden[n]])[0];
      return { ...l, w: l.w.map((v, k) => v / B[Math.floor(k / l.nIn)]) };
    }),
  };
  const got = generalForward(snn, encodeInput(x), 3).logits;
  const want = reluMlpForward(scaled, x, 3).logits;
  got.forEach((v, k) => assert.ok(close(v, want[k]), `logit ${k}: ${v} vs ${want[k]}`));
});

test("naive init, calibrated: every neuron with B_i > 0 fires after all its inputs, at slope B_i", () => {
  const relu = glorot([32, 32, 32, 32, 10], 5), x = randomInputs(5, 8, 32);
  const { snn, doublings } = naiveInit(relu, x, 8);
  assert.equal(doublings.length, 3);
  const f = generalForward(snn, encodeInput(x), 8), B = fullSlopes(snn.hidden);
  let checked = 0;
  f.neuronTimes.slice(1).forEach((t, k) => {
    t.forEach((ti, r) => {
      const i = r % 32, fired = f.slopes[k][r] > 0;
      if (!(B[k][i] > 0 && fired)) return;
      assert.ok(ti >= snn.intervals.tmin[k + 1], "no neuron with B_i > 0 fires early");
      assert.equal(f.causal[k][r], 32, "all inputs are causal");
      assert.ok(close(f.slopes[k][r], B[k][i]));
      checked++;
    });
  });
  assert.ok(checked > 100, `${checked} firing neurons checked`);
  const scratch = naiveInit(relu, x, 8, { intervals: "scratch" }).snn.intervals;
  assert.deepEqual(scratch, scratchIntervals(3));
});

test("init analysis: b1's layer Jacobians are the ReLU net's (sigma ratio 1), every init has their shapes, unknown --init names are OptionErrors, and only |z| > 1 counts as outside the unit circle", () => {
  const relu = glorot([8, 8, 8, 8, 4], 7), x = randomInputs(7, 1, 8);
  const b1 = initJacobians("b1", relu, x), relu1 = reluJacobians(relu, x);
  b1.jacobians.forEach((J, n) => assert.deepEqual(J, relu1.jacobians[n]));
  assert.deepEqual(sigmaRatioToB1("b1", relu, x, [1, 3]), [1, 1]);
  for (const init of ["mapped", "naive", "naive-scratch"] as const) {
    assert.deepEqual(initJacobians(init, relu, x).shapes, b1.shapes);
  }
  assert.equal(parseTtfsInit("naive-scratch"), "naive-scratch");
  assert.throws(() => parseTtfsInit("glorot"), OptionError);
  const e = { re: [2, 0, 0.6], im: [0, 1, 0.9] }; // |z| = 2, 1 (on the circle), 1.08
  assert.equal(fractionOutsideUnitCircle([e, undefined]), 2 / 3);
  assert.ok(Number.isNaN(fractionOutsideUnitCircle([undefined])));
});
