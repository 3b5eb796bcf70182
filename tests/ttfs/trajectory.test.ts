import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TwinTrainer } from "../../src/experiments/twin_trainer.ts";
import { softmaxCrossEntropy } from "../../src/nn/loss.ts";
import { type ReluMlp, reluMlpBackward, reluMlpForward, reluMlpParams } from "../../src/nn/mlp.ts";
import { Adam } from "../../src/nn/optim.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalBackward, generalForward } from "../../src/ttfs/general.ts";
import { mapReluExactly, reverseMapTtfs } from "../../src/ttfs/mapping.ts";
import { fcParams, maxAbsDiff, netSpec, randomInputs, randomLabels, randomRelu } from "../_fc.ts";

const STEPS = 50;

test("A5 claim 6: training the B = 1 SNN and its ReLU twin keeps their weights equal within 1e-9 for 50 Adam steps", () => {
  let worst = 0;
  fc.assert(
    fc.property(
      netSpec({ minClasses: 2 }),
      fc.double({ min: 1e-4, max: 1e-2, noNaN: true }),
      (spec, lr) => {
        const tr = new TwinTrainer(spec.sizes, { seed: spec.seed, lr });
        const classes = spec.sizes[spec.sizes.length - 1];
        for (let s = 0; s < STEPS; s++) {
          const x = randomInputs(spec.seed + s, spec.batch, spec.sizes[0]);
          tr.step(x, randomLabels(spec.seed + s, spec.batch, classes), spec.batch);
          const d = tr.maxAbsWeightDiff();
          worst = Math.max(worst, d);
          assert.ok(d <= 1e-9, `step ${s + 1}: max |W - w| = ${d}`);
        }
      },
    ),
    fcParams(100),
  );
  console.log(
    `claim 6: worst max|W - w| over 100 runs x ${STEPS} steps = ${worst.toExponential(2)}`,
  );
});

/** Train (J, theta, readout) of the alpha = 1 mapping of `relu` with alpha held fixed. */
function alphaFixedVersusTwin(
  relu: ReluMlp,
  spec: { seed: number; batch: number; sizes: number[] },
  lr: number,
) {
  const calib = randomInputs(spec.seed, 16, spec.sizes[0]);
  const { snn, rescaled } = mapReluExactly(relu, calib, 16);
  const twin: ReluMlp = {
    layers: rescaled.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })),
  };
  const trainable = [...snn.hidden.flatMap((l) => [l.J, l.theta]), snn.readout.W, snn.readout.D];
  const snnOpt = new Adam(trainable, { lr }), twinOpt = new Adam(reluMlpParams(twin), { lr });
  const classes = spec.sizes[spec.sizes.length - 1];
  let hiddenGrad = 0;
  for (let s = 0; s < STEPS; s++) {
    const x = randomInputs(spec.seed + s, spec.batch, spec.sizes[0]);
    const labels = randomLabels(spec.seed + s, spec.batch, classes);
    const f = generalForward(snn, encodeInput(x), spec.batch);
    const g = generalBackward(
      snn,
      f,
      softmaxCrossEntropy(f.logits, labels, spec.batch, classes).dLogits,
    );
    // drop dalpha (every third entry of the hidden gradients): alpha is held fixed
    const kept = g.filter((_, k) => k >= 3 * snn.hidden.length || k % 3 !== 0);
    snn.hidden.forEach((
      _,
      n,
    ) => (hiddenGrad = Math.max(hiddenGrad, ...g[3 * n + 1].map(Math.abs))));
    snnOpt.step(kept);
    const tf = reluMlpForward(twin, x, spec.batch);
    twinOpt.step(
      reluMlpBackward(
        twin,
        tf,
        softmaxCrossEntropy(tf.logits, labels, spec.batch, classes).dLogits,
      ),
    );
  }
  const back = reverseMapTtfs(snn);
  const diff = Math.max(...back.layers.map((l, n) => maxAbsDiff(l.w, twin.layers[n].w)));
  return { diff, hiddenGrad };
}

test("A7 counter-claim: training J with alpha held fixed leaves the ReLU twin's trajectory", () => {
  let diverged = 0, runs = 0, smallest = Infinity;
  fc.assert(
    fc.property(netSpec({ minDepth: 2, minWidth: 2, minClasses: 2, maxWidth: 16 }), (spec) => {
      const { diff, hiddenGrad } = alphaFixedVersusTwin(randomRelu(spec), spec, 1e-3);
      if (hiddenGrad < 1e-8) return; // no hidden neuron ever received a gradient: nothing to tell apart
      runs++;
      smallest = Math.min(smallest, diff);
      if (diff > 1e-6) diverged++;
    }),
    fcParams(100),
  );
  console.log(
    `counter-claim: ${diverged}/${runs} runs diverged by > 1e-6; smallest divergence ${
      smallest.toExponential(2)
    }`,
  );
  assert.ok(runs >= 50, `only ${runs} runs had trainable hidden neurons`);
  assert.equal(diverged, runs, "every run with hidden gradients diverges by more than 1e-6");
});
