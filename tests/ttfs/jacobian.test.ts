import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../src/nn/rng.ts";
import { b1Forward } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { generalForward } from "../../src/ttfs/general.ts";
import {
  b1Jacobians,
  endToEndJacobian,
  generalJacobians,
  reluJacobians,
  spectrum,
} from "../../src/ttfs/jacobian.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../../src/ttfs/mapping.ts";
import {
  b1Region,
  fcParams,
  generalRegion,
  maxAbs,
  netSpec,
  preActivations,
  randomInputs,
  randomRelu,
} from "../_fc.ts";

/**
 * Central differences of the last hidden layer's spike times with respect to the input spike
 * times; columns whose +-h perturbation changes the firing pattern are NaN (a kink).
 */
function finiteDifferenceJacobian(
  forward: (t0: Float64Array) => { times: Float64Array; pattern: string },
  t0: Float64Array,
): Float64Array {
  const base = forward(t0), rows = base.times.length, cols = t0.length, h = 1e-7;
  const J = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const up = t0.slice(), down = t0.slice();
    up[j] += h;
    down[j] -= h;
    const a = forward(up), b = forward(down);
    for (let i = 0; i < rows; i++) {
      J[i * cols + j] = a.pattern === base.pattern && b.pattern === base.pattern
        ? (a.times[i] - b.times[i]) / (2 * h)
        : NaN;
    }
  }
  return J;
}

function assertClose(got: Float64Array, want: Float64Array, tol: number, what: string): number {
  let compared = 0;
  for (let k = 0; k < want.length; k++) {
    if (Number.isNaN(want[k])) continue;
    compared++;
    assert.ok(Math.abs(got[k] - want[k]) <= tol, `${what}[${k}]: ${got[k]} vs ${want[k]}`);
  }
  return compared;
}

test("A7: for any random B = 1 network, the SNN Jacobian equals the ReLU Jacobian M W", () => {
  let compared = 0;
  fc.assert(
    fc.property(netSpec({ minDepth: 2, maxWidth: 16 }), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, 1, spec.sizes[0]);
      const snn = b1FromRelu(relu, calibrateIntervals(relu, x, 1)), t0 = encodeInput(x);
      const a = b1Jacobians(snn, t0), b = reluJacobians(relu, x);
      preActivations(relu, x, 1).forEach((z, n) => {
        const band = 1e-9 * Math.max(1, maxAbs(z)), [rows, cols] = a.shapes[n];
        for (let i = 0; i < rows; i++) {
          if (Math.abs(z[i]) <= band) continue; // at the kink, round-off decides
          const row = (J: Float64Array) => [...J.subarray(i * cols, (i + 1) * cols)];
          assert.deepEqual(row(a.jacobians[n]), row(b.jacobians[n]), `layer ${n + 1} row ${i}`);
        }
      });
      const fwd = (t: Float64Array) => {
        const f = b1Forward(snn, t, 1), times = f.spikeTimes[f.spikeTimes.length - 1];
        const pattern = b1Region(f, snn.intervals);
        return { times, pattern };
      };
      const fd = finiteDifferenceJacobian(fwd, t0);
      compared += assertClose(
        endToEndJacobian(a),
        fd,
        1e-5 * Math.max(1, maxAbs(fd.filter((v) => !Number.isNaN(v)))),
        "end-to-end",
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});

test("A7: the general-neuron Jacobian M B^-1 J_C equals finite differences of spike times", () => {
  let compared = 0;
  fc.assert(
    fc.property(netSpec({ minDepth: 2, maxDepth: 4, maxWidth: 12 }), (spec) => {
      const relu = randomRelu(spec), x = randomInputs(spec.seed, 1, spec.sizes[0]);
      const snn = mapReluExactly(relu, x, 1).snn, rng = new Rng(spec.seed);
      for (const l of snn.hidden) l.alpha.forEach((_, i) => (l.alpha[i] = 0.5 + rng.uniform()));
      const t0 = encodeInput(x);
      const fwd = (t: Float64Array) => {
        const f = generalForward(snn, t, 1);
        const pattern = generalRegion(f);
        return { times: f.spikeTimes[f.spikeTimes.length - 1], pattern };
      };
      const fd = finiteDifferenceJacobian(fwd, t0);
      const jac = endToEndJacobian(generalJacobians(snn, t0));
      compared += assertClose(
        jac,
        fd,
        1e-5 * Math.max(1, maxAbs(fd.filter((v) => !Number.isNaN(v)))),
        "end-to-end",
      );
    }),
    fcParams(100),
  );
  assert.ok(compared > 1000, `only ${compared} entries compared`);
});

test("spectrum: singular values and spectral radius of a Jacobian", () => {
  const s = spectrum(new Float64Array([0, 2, 0.5, 0]), 2, 2);
  assert.deepEqual([...s.singular], [2, 0.5]);
  assert.equal(s.spectralRadius, 1);
  assert.ok(Number.isNaN(spectrum(new Float64Array([1, 2]), 1, 2).spectralRadius));
});
