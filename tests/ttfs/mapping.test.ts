import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { reluMlpForward } from "../../src/nn/mlp.ts";
import { b1Forward } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalForward } from "../../src/ttfs/general.ts";
import {
  b1FromRelu,
  calibrateIntervals,
  mapReluExactly,
  mapReluToTtfs,
  rescaleReluMlp,
  reverseMapTtfs,
} from "../../src/ttfs/mapping.ts";
import {
  fcParams,
  maxAbs,
  maxAbsDiff,
  type NetSpec,
  netSpec,
  preActivations,
  randomInputs,
  randomRelu,
} from "../_fc.ts";

/** A random ReLU net, its inputs, and its exact TTFS image (rescaled, calibrated, mapped). */
function mapped(spec: NetSpec) {
  const relu = randomRelu(spec);
  const x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
  const { snn, rescaled } = mapReluExactly(relu, x, spec.batch);
  return { relu, x, rescaled, intervals: snn.intervals, snn, t0: encodeInput(x) };
}

test("A4: with intervals from the data maximum alone, a neuron can fire before tmin(n)", () => {
  // Found by the claim-2 property before mapReluExactly widened intervals (shrunk by fast-check).
  const spec = {
    sizes: [21, 18, 2, 1, 1, 1, 1],
    seed: 3,
    weightScale: 0.4661448852850692,
    biasScale: 0,
    batch: 2,
  };
  const relu = rescaleReluMlp(randomRelu(spec)), x = randomInputs(spec.seed, spec.batch, 21);
  const iv = calibrateIntervals(relu, x, spec.batch);
  const fwd = generalForward(mapReluToTtfs(relu, iv), encodeInput(x), spec.batch);
  const early = fwd.spikeTimes.slice(1).some((t, k) => t.some((ti) => ti < iv.tmin[k + 1]));
  assert.ok(early, "expected an early spike with (1 + zeta) X(n) intervals");
  const exact = mapReluExactly(randomRelu(spec), x, spec.batch);
  assert.ok(exact.doublings.some((d) => d > 0), "mapReluExactly widened an interval");
});

test("A4: rescaling keeps the ReLU function and puts every hidden row sum in [-10, 0.99]", () => {
  fc.assert(
    fc.property(netSpec(), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const rescaled = rescaleReluMlp(relu);
      const a = reluMlpForward(relu, x, spec.batch).logits;
      const b = reluMlpForward(rescaled, x, spec.batch).logits;
      assert.ok(maxAbsDiff(a, b) <= 1e-12 * Math.max(1, maxAbs(a)));
      for (const l of rescaled.layers.slice(0, -1)) {
        for (let i = 0; i < l.nOut; i++) {
          const s = l.w.subarray(i * l.nIn, (i + 1) * l.nIn).reduce((p, v) => p + v, 0);
          assert.ok(s >= -10 - 1e-12 && s <= 0.99 + 1e-12, `row sum ${s}`);
        }
      }
    }),
    fcParams(100),
  );
});

test("A4 claim 2: mapped SNN logits equal the ReLU logits within 1e-9 relative, spike times in [tmin, tmax]", () => {
  fc.assert(
    fc.property(netSpec(), (spec) => {
      const { relu, x, snn, intervals, t0 } = mapped(spec);
      const fwd = generalForward(snn, t0, spec.batch);
      const want = reluMlpForward(relu, x, spec.batch).logits;
      const err = maxAbsDiff(fwd.logits, want), scale = Math.max(1, maxAbs(want));
      assert.ok(err <= 1e-9 * scale, `logit error ${err} at scale ${scale}`);
      for (let n = 1; n < fwd.spikeTimes.length; n++) {
        for (const t of fwd.spikeTimes[n]) {
          assert.ok(
            t >= intervals.tmin[n] && t <= intervals.tmax[n],
            `t = ${t} outside layer ${n}`,
          );
        }
      }
    }),
    fcParams(200),
  );
});

test("A4/A5 claim 3: a neuron is silent exactly when its ReLU activation is <= 0", () => {
  let decided = 0;
  fc.assert(
    fc.property(netSpec({ minDepth: 2 }), (spec) => {
      const { rescaled, x, snn, intervals, t0 } = mapped(spec);
      const general = generalForward(snn, t0, spec.batch);
      const b1 = b1Forward(b1FromRelu(rescaled, intervals), t0, spec.batch);
      const relu = reluMlpForward(rescaled, x, spec.batch);
      const zs = preActivations(rescaled, x, spec.batch);
      for (let n = 1; n < general.spikeTimes.length; n++) {
        const act = relu.inputs[n], band = 1e-9 * Math.max(1, maxAbs(act)), pre = zs[n - 1];
        for (let k = 0; k < pre.length; k++) {
          if (Math.abs(pre[k]) <= band) continue; // round-off decides at the kink itself
          decided++;
          const silentRelu = pre[k] <= 0, tmax = intervals.tmax[n];
          assert.equal(
            general.spikeTimes[n][k] >= tmax,
            silentRelu,
            `mapped neuron ${k} of layer ${n}`,
          );
          assert.equal(b1.spikeTimes[n][k] >= tmax, silentRelu, `B=1 neuron ${k} of layer ${n}`);
        }
      }
    }),
    fcParams(200),
  );
  assert.ok(decided > 1000, `only ${decided} neurons were checked`);
});

test("A4 claim 4: the reverse mapping recovers w and b", () => {
  fc.assert(
    fc.property(netSpec(), (spec) => {
      const { rescaled, snn } = mapped(spec);
      const back = reverseMapTtfs(snn);
      for (let n = 0; n < rescaled.layers.length; n++) {
        const a = rescaled.layers[n], b = back.layers[n];
        assert.ok(maxAbsDiff(a.w, b.w) <= 1e-12 * Math.max(1, maxAbs(a.w)), `w of layer ${n + 1}`);
        assert.ok(maxAbsDiff(a.b, b.b) <= 1e-9 * Math.max(1, maxAbs(a.b)), `b of layer ${n + 1}`);
      }
    }),
    fcParams(100),
  );
});

test("A5: the B = 1 network computes the ReLU logits", () => {
  fc.assert(
    fc.property(netSpec(), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, spec.batch, spec.sizes[0]);
      const iv = calibrateIntervals(relu, x, spec.batch);
      const got = b1Forward(b1FromRelu(relu, iv), encodeInput(x), spec.batch).logits;
      const want = reluMlpForward(relu, x, spec.batch).logits;
      assert.ok(maxAbsDiff(got, want) <= 1e-9 * Math.max(1, maxAbs(want)));
    }),
    fcParams(100),
  );
});
