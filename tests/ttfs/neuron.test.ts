import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { membranePotential, simulateSpikeTime, spikeTime } from "../../src/ttfs/neuron.ts";
import { fcParams } from "../_fc.ts";

/** A neuron with up to 32 inputs; times on a coarse grid in some runs, to produce ties. */
const neuronCase = fc.record({
  n: fc.integer({ min: 0, max: 32 }),
  grid: fc.boolean(),
  tminPrev: fc.double({ min: -5, max: 5, noNaN: true }),
  span: fc.double({ min: 0.1, max: 20, noNaN: true }),
  alpha: fc.double({ min: -2, max: 3, noNaN: true }),
  theta: fc.double({ min: 1e-3, max: 10, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map((c) => {
  let s = c.seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const tIn = Array.from({ length: c.n }, () => {
    const u = c.grid ? Math.floor(rnd() * 8) / 8 : rnd();
    return c.tminPrev + (u * 1.2 - 0.1) * c.span; // a few inputs arrive before tmin(n-1)
  });
  const J = Array.from({ length: c.n }, () => (rnd() * 2 - 0.8) * 3 / Math.sqrt(c.n || 1));
  return { ...c, tIn, J, tmax: c.tminPrev + 1.5 * c.span };
});

test("A3 claim 1: the closed-form spike time equals the event-driven simulation", () => {
  fc.assert(
    fc.property(neuronCase, ({ tIn, J, alpha, theta, tminPrev, tmax, span }) => {
      const closed = spikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      const sim = simulateSpikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      assert.ok(
        Math.abs(closed.t - sim) <= 1e-9 * (span + Math.abs(tminPrev)),
        `closed ${closed.t} vs simulated ${sim}`,
      );
      assert.equal(closed.fired, sim < tmax);
    }),
    fcParams(300),
  );
});

test("A3: a fired spike time is the first threshold crossing of V(t) by definition", () => {
  fc.assert(
    fc.property(neuronCase, ({ tIn, J, alpha, theta, tminPrev, tmax, span }) => {
      const s = spikeTime(tIn, J, alpha, theta, tminPrev, tmax);
      const V = (t: number) => membranePotential(t, tIn, J, alpha, tminPrev);
      const tol = 1e-9 *
        (theta + span * (Math.abs(alpha) + J.reduce((a, j) => a + Math.abs(j), 0)));
      if (s.fired && s.slope !== Infinity) {
        assert.ok(Math.abs(V(s.t) - theta) <= tol, "V(t_i) = theta");
      }
      // V stays below theta before t_i: check every input time and 64 grid points
      const probes = [
        ...tIn,
        ...Array.from({ length: 64 }, (_, k) => tminPrev + (k / 64) * (s.t - tminPrev)),
      ];
      for (const p of probes) {
        if (p >= tminPrev && p < s.t) assert.ok(V(p) < theta + tol, `V(${p}) >= theta`);
      }
      if (!s.fired) assert.ok(V(tmax) <= theta + tol, "silent neurons stay below theta until tmax");
    }),
    fcParams(300),
  );
});

test("A3: the slope at threshold B_i is alpha_i plus the causal weights", () => {
  const s = spikeTime([0, 0.5, 3], [1, 1, 5], 1, 2, 0, 10);
  // V = t + t + (t - 0.5) = 3t - 0.5 reaches 2 at t = 5/6, before the third input
  assert.ok(Math.abs(s.t - 5 / 6) < 1e-15);
  assert.equal(s.causal, 2);
  assert.equal(s.slope, 3);
});
