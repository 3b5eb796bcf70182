/**
 * The fused float32 OTTT_O and OTTT_A steps on the wasm backend (src/steps/lif/wasm.ts, kernels
 * in core-as/assembly/lif.ts) against the float64 reference step (createRefLifStep with
 * lifMethod("ottt-o" | "ottt-a")), from the same init, for both variants and both readouts.
 *
 * Spikes: the core computes the current I[t] = x[t] W^T + b as a float32 sum of K = 784 terms
 * (weights and inputs rounded to float32), so |I_wasm - I_ref| <= gamma_{K+4} S with
 * S = |b| + sum |x||W|; the potential u[t] = lambda v[t-1] + I[t] and the soft reset add at
 * most 3 u (|lambda v| + |I| + |u|) per step, and the error of v[t-1] carries with factor
 * lambda. A spike can differ only where the reference's u sits within that bound of V_th (its
 * first flip; later steps of that neuron may differ too); flips must stay under 1e-3 of the
 * neuron-steps. Read from the step's probe at lr 1e-30 (float32 weights do not move).
 *
 * One training batch: tests/backend/_lif_wasm.ts's `compareOneBatch` (T Adam updates for
 * OTTT_O, one for OTTT_A). One epoch of lif-mlp 784-128-10, T = 6 on the embedded subset
 * through `trainLif` with ottt-o (trace variant): test accuracy within 0.5 points of the
 * reference step's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { refBackend } from "../../src/backend/ref.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { lifMethod } from "../../src/lif/methods.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { lifStep } from "../../src/lif/neuron.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createLifStep } from "../../src/steps/lif/select.ts";
import { createWasmLifStep, wasmLifUnsupported } from "../../src/steps/lif/wasm.ts";
import { B, compareOneBatch, setup, smallCase, T } from "./_lif_wasm.ts";

const U = 2 ** -24, gamma = (n: number) => (n * U) / (1 - n * U);
const OTTT = ["ottt-o", "ottt-a"] as const;

test("the fused wasm OTTT_O step fires the reference's spikes on lif-mlp 784-64-10, except where a potential sits within float32 round-off of V_th, and such flips stay under 1e-3 of the neuron-steps", async () => {
  const { b, xs, net } = await setup([784, 64, 10]), l0 = net.layers[0], n = B * l0.nOut;
  const got: Float32Array[] = [];
  const probe = (_t: number, layers: { s: Float32Array }[]) => void got.push(layers[0].s);
  const method = lifMethod("ottt-o");
  createWasmLifStep({ net, method, adam: { lr: 1e-30 }, probe }).step(xs, b.labels, B);
  const S = new Float64Array(n), I = new Float64Array(n); // |b| + sum |x||W|; W x + b
  refBackend.denseForward(b.x.map(Math.abs), l0.w.map(Math.abs), l0.b.map(Math.abs), S, B, 784, 64);
  const v = new Float64Array(n), u = new Float64Array(n), s = new Float64Array(n);
  const err = new Float64Array(n), flipped = new Set<number>();
  let flips = 0, worstFirst = 0, spikes = 0;
  for (let t = 0; t < T; t++) {
    refBackend.denseForward(xs[t], l0.w, l0.b, I, B, 784, 64);
    const vBefore = v.slice();
    lifStep(I, v, u, s, net);
    for (let i = 0; i < n; i++) {
      const round = 3 * U * (net.lambda * Math.abs(vBefore[i]) + Math.abs(I[i]) + Math.abs(u[i]));
      err[i] = net.lambda * err[i] + gamma(788) * S[i] + round;
      spikes += s[i];
      if (s[i] === got[t][i]) continue;
      flips++;
      if (flipped.has(i)) continue;
      flipped.add(i);
      const dist = Math.abs(u[i] - net.vth);
      worstFirst = Math.max(worstFirst, dist / err[i]);
      assert.ok(dist <= err[i], `neuron ${i}, step ${t}: u = ${u[i]}, bound ${err[i]}`);
    }
  }
  console.log(
    `wasm ottt spikes: ${flips} flips in ${
      T * n
    } neuron-steps (${spikes} spikes); worst first-flip distance / bound ${worstFirst}`,
  );
  assert.ok(flips <= 1e-3 * T * n, `${flips} flips`);
  assert.ok(spikes > 0.05 * T * n, "the hidden layer fires");
});

test("one training batch of the fused wasm OTTT_O and OTTT_A steps, trace and official variants, trace and spike readouts, gives the reference's loss within 1e-5 relative, its correct and spike counts, and its weights within 1e-2 lr (99.9%) and 2 lr per update (all), on lif-mlp 784-64-10 and a small two-hidden-layer net", async () => {
  const { b, xs, net } = await setup([784, 64, 10]), small = smallCase();
  for (const name of OTTT) {
    for (const variant of ["trace", "official"] as const) {
      for (const readout of ["trace", "spike"] as const) {
        const c = { method: lifMethod(name), variant, readout };
        const tag = `${name} ${variant} ${readout}`;
        compareOneBatch({ ...c, name: `784-64-10 ${tag}`, lr: 3e-4 }, net, xs, b.labels, B);
        const s = { ...c, name: `20-16-12-5 ${tag}`, lr: 1e-3 };
        compareOneBatch(s, small.net, small.xs, small.labels, 8);
      }
    }
  }
});

test("createLifStep picks the fused step on the wasm backend for ottt-o and ottt-a on a dense net (the weights stay in the core until read)", () => {
  const x = new Float64Array(8).fill(0.5);
  for (const name of OTTT) {
    const net = initLifNetwork([4, 3, 2], new Rng(1)), method = lifMethod(name);
    assert.equal(wasmLifUnsupported({ net, method, adam: {} }), undefined);
    const before = net.layers[0].w.slice();
    const fused = createLifStep(createWasmBackend(), { net, method, adam: {} });
    fused.step([x, x], [0, 1], 2);
    assert.deepEqual(net.layers[0].w, before, `${name}: the fused step leaves net alone`);
    fused.read(net);
    assert.notDeepEqual(net.layers[0].w, before, `${name}: read copies the trained weights`);
  }
});
