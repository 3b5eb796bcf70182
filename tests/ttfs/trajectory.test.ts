import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TwinTrainer } from "../../src/experiments/twin_trainer.ts";
import { AlphaFixedTrainer } from "../../src/experiments/alpha_fixed_trainer.ts";
import { fcParams, netSpec, randomInputs, randomLabels, randomRelu } from "../_fc.ts";

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

test("A7 counter-claim: training J with alpha held fixed leaves the ReLU twin's trajectory", () => {
  let diverged = 0, runs = 0, smallest = Infinity;
  fc.assert(
    fc.property(netSpec({ minDepth: 2, minWidth: 2, minClasses: 2, maxWidth: 16 }), (spec) => {
      const classes = spec.sizes[spec.sizes.length - 1];
      const tr = new AlphaFixedTrainer(
        randomRelu(spec),
        randomInputs(spec.seed, 16, spec.sizes[0]),
        16,
        { lr: 1e-3 },
      );
      let hiddenGrad = 0;
      for (let s = 0; s < STEPS; s++) {
        const x = randomInputs(spec.seed + s, spec.batch, spec.sizes[0]);
        const r = tr.step(x, randomLabels(spec.seed + s, spec.batch, classes), spec.batch);
        hiddenGrad = Math.max(hiddenGrad, ...r.gradNorms.slice(0, -1));
      }
      if (hiddenGrad < 1e-8) return; // no hidden neuron ever received a gradient: nothing to tell apart
      const diff = tr.maxAbsWeightDiff();
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
