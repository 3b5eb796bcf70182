import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { refBackend } from "../../src/backend/ref.ts";
import { layerSizes } from "../../src/nn/architecture.ts";
import {
  convBackwardInput,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
  convOutSize,
} from "../../src/nn/conv.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { reluMlpBackward, reluMlpForward, reluMlpParams } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/nn/rng.ts";
import { TwinTrainer } from "../../src/experiments/twin_trainer.ts";
import { b1Backward, b1Forward, b1Params } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { b1FromRelu, calibrateIntervals } from "../../src/ttfs/mapping.ts";
import {
  b1Region,
  checkGradients,
  type ConvSpec,
  convSpec,
  fcParams,
  maxAbs,
  maxAbsDiff,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../_fc.ts";

/** The convolution written out directly, pixel by pixel, with out-of-image reads as 0. */
function directConv(
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  batch: number,
  g: ConvGeometry,
) {
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

test("A8: conv as patches + the dense rule equals the direct convolution, and its backward is the adjoint", () => {
  fc.assert(
    fc.property(geometry, ({ batch, seed, ...g }) => {
      const rng = new Rng(seed), { outH, outW } = convOutSize(g);
      const draw = (n: number) => Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
      const x = draw(batch * g.inH * g.inW * g.inC), W = draw(g.outC * g.k * g.k * g.inC);
      const bias = draw(g.outC), dz = draw(batch * outH * outW * g.outC);
      const z = new Float64Array(dz.length);
      convForward(x, W, bias, z, batch, g, refBackend);
      assert.ok(maxAbsDiff(z, directConv(x, W, bias, batch, g)) < 1e-12);
      // <dz, conv(x) - bias> = <convT(dz), x> = <dW, W>: the backward passes are the adjoints
      const dx = new Float64Array(x.length), dW = new Float64Array(W.length);
      convBackwardInput(dz, W, dx, batch, g, refBackend);
      convBackwardWeights(dz, x, dW, new Float64Array(g.outC), batch, g, refBackend);
      const noBias = directConv(x, W, new Float64Array(g.outC), batch, g);
      const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, k) => s + v * b[k], 0);
      const lhs = dot(dz, noBias);
      assert.ok(Math.abs(lhs - dot(dx, x)) < 1e-10 * (1 + Math.abs(lhs)));
      assert.ok(Math.abs(lhs - dot(dW, W)) < 1e-10 * (1 + Math.abs(lhs)));
    }),
    fcParams(200),
  );
});

/** A random conv ReLU net, its data, and the B = 1 SNN with intervals from that data. */
function mappedConv(spec: ConvSpec) {
  const relu = randomRelu(spec), sizes = layerSizes(spec.layers);
  const x = randomInputs(spec.seed, spec.batch, sizes[0]), classes = sizes[sizes.length - 1];
  const snn = b1FromRelu(relu, calibrateIntervals(relu, x, spec.batch));
  return { relu, snn, x, t0: encodeInput(x), classes };
}

test("A8 claim 1 (conv): a ReLU conv net on B = 1 neurons gives its twin's logits, with t(n) = tmax(n) - h(n) after every pool", () => {
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { relu, snn, x, t0 } = mappedConv(spec);
      const f = b1Forward(snn, t0, spec.batch), r = reluMlpForward(relu, x, spec.batch);
      const scale = 1 + maxAbs(r.logits);
      assert.ok(maxAbsDiff(f.logits, r.logits) <= 1e-9 * scale);
      for (let n = 1; n < snn.layers.length; n++) {
        const h = r.inputs[n], t = f.spikeTimes[n], tmax = snn.intervals.tmax[n];
        assert.ok(maxAbsDiff(t, h.map((v) => tmax - v)) <= 1e-9 * (1 + tmax));
      }
    }),
    fcParams(150),
  );
});

test("A8: a TTFS max-pool passes the earliest spike of each window", () => {
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { snn, t0 } = mappedConv(spec), f = b1Forward(snn, t0, spec.batch);
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
          assert.equal(pooled[o], first);
        }
      });
    }),
    fcParams(150),
  );
});

test("A7 claim 5 (conv): hand-written B = 1 conv-net gradients equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { snn, t0, classes } = mappedConv(spec);
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const loss = () =>
        softmaxCrossEntropy(b1Forward(snn, t0, spec.batch).logits, labels, spec.batch, classes);
      const grads = b1Backward(snn, b1Forward(snn, t0, spec.batch), loss().dLogits);
      compared += checkGradients(
        b1Params(snn),
        grads,
        () => loss().loss,
        () => b1Region(b1Forward(snn, t0, spec.batch), snn.intervals),
        new Rng(spec.seed),
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});

test("A8: the ReLU conv twin's gradients equal finite differences", () => {
  let compared = 0;
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const { relu, x, classes } = mappedConv(spec);
      const labels = randomLabels(spec.seed, spec.batch, classes);
      const fwd = () => reluMlpForward(relu, x, spec.batch);
      const loss = () => softmaxCrossEntropy(fwd().logits, labels, spec.batch, classes);
      const region = () => {
        const f = fwd();
        return [...f.on.map((m) => m.join("")), ...f.poolIndex.map((i) => i?.join(","))].join("|");
      };
      const grads = reluMlpBackward(relu, fwd(), loss().dLogits);
      compared += checkGradients(
        reluMlpParams(relu),
        grads,
        () => loss().loss,
        region,
        new Rng(spec.seed),
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});

test("A5 claim 6 (conv): a B = 1 conv net and its ReLU twin follow the same Adam trajectory", () => {
  let worst = 0;
  fc.assert(
    fc.property(convSpec(), (spec) => {
      const sizes = layerSizes(spec.layers), classes = sizes[sizes.length - 1];
      const tr = new TwinTrainer(spec.layers, { seed: spec.seed, lr: 1e-2 });
      for (let step = 0; step < 20; step++) {
        const x = randomInputs(spec.seed + step, spec.batch, sizes[0]);
        const s = tr.step(x, randomLabels(spec.seed + step, spec.batch, classes), spec.batch);
        assert.ok(Math.abs(s.loss - s.twinLoss) <= 1e-9 * (1 + s.twinLoss));
      }
      worst = Math.max(worst, tr.maxAbsWeightDiff());
      assert.ok(tr.maxAbsWeightDiff() <= 1e-9, `weights apart by ${tr.maxAbsWeightDiff()}`);
    }),
    fcParams(100),
  );
  console.log(`conv claim 6: worst |W - w| after 20 Adam steps = ${worst.toExponential(2)}`);
});
