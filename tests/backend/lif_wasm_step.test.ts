/**
 * The fused float32 SAF-E step on the wasm backend (src/steps/lif/wasm.ts, kernels in
 * core-as/assembly/lif.ts) against the float64 reference step (createRefLifStep with
 * lifMethod("saf-e")), from the same init.
 *
 * Spikes: the core computes U[t] = A_0[t] W^T + c[t] b as a float32 sum of K = 784 terms,
 * A_0[t] = sum_k lambda^k x <= c[t] x and c[t] < 2, so |U_wasm - U_ref| <= 2 gamma_{K+2} S with
 * S = |b| + sum |x||W| (as tests/backend/lif_wasm.test.ts; u = U - V_th lambda a_hat[t-1]
 * subtracts an exact binary fraction, and the float32 input accumulation adds O(t u) relative).
 * A spike can differ only where the reference's u sits within that bound of V_th (its first
 * flip; later steps of that neuron may differ too); flips must stay under 1e-3 of the
 * neuron-steps. Read from the step's probe at lr 1e-30 (float32 weights do not move).
 *
 * One training batch (T steps of Adam): as tests/backend/_lif_wasm.ts's `compareOneBatch`.
 *
 * One epoch of lif-mlp 784-128-10, T = 6 on the embedded subset through `trainLif` (which picks
 * the fused step on the wasm backend): test accuracy within 0.5 points of the reference's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { refBackend } from "../../src/backend/ref.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { OptionError } from "../../src/errors.ts";
import { lifMethod } from "../../src/lif/methods.ts";
import { initLifNetwork } from "../../src/lif/network.ts";
import { SafForward } from "../../src/lif/saf.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createLifStep } from "../../src/steps/lif/select.ts";
import { createWasmLifStep } from "../../src/steps/lif/wasm.ts";
import { B, compareOneBatch, setup, smallCase, T } from "./_lif_wasm.ts";

const U = 2 ** -24, gamma = (n: number) => (n * U) / (1 - n * U);
const SAF_E = lifMethod("saf-e");

test("the fused wasm SAF-E step fires the reference's spikes on lif-mlp 784-64-10, except where a potential sits within float32 round-off of V_th, and such flips stay under 1e-3 of the neuron-steps", async () => {
  const { b, xs, net } = await setup([784, 64, 10]), l0 = net.layers[0];
  const saf = new SafForward(net, B, T), ref = xs.map((x) => saf.step(x));
  const got: Float32Array[] = [];
  const probe = (_t: number, layers: { s: Float32Array }[]) => void got.push(layers[0].s);
  const step = createWasmLifStep({ net, method: SAF_E, adam: { lr: 1e-30 }, probe });
  step.step(xs, b.labels, B);
  const S = new Float64Array(B * l0.nOut); // |b| + sum |x||W| per neuron
  refBackend.denseForward(b.x.map(Math.abs), l0.w.map(Math.abs), l0.b.map(Math.abs), S, B, 784, 64);
  const flipped = new Set<number>();
  let flips = 0, worstFirst = 0, spikes = 0, neuronSteps = 0;
  for (let t = 0; t < T; t++) {
    const sr = ref[t].spikes[0], sw = got[t], ur = ref[t].u[0];
    neuronSteps += sr.length;
    for (let i = 0; i < sr.length; i++) {
      spikes += sr[i];
      if (sr[i] === sw[i]) continue;
      flips++;
      if (flipped.has(i)) continue;
      flipped.add(i);
      const dist = Math.abs(ur[i] - net.vth), bound = 2 * gamma(786) * S[i];
      worstFirst = Math.max(worstFirst, dist / bound);
      assert.ok(dist <= bound, `neuron ${i}, step ${t}: u = ${ur[i]}, bound ${bound}`);
    }
  }
  console.log(
    `wasm lif step spikes: ${flips} flips in ${neuronSteps} neuron-steps (${spikes} spikes); worst first-flip distance / bound ${worstFirst}`,
  );
  assert.ok(flips <= 1e-3 * neuronSteps, `${flips} flips`);
  assert.ok(spikes > 0.05 * neuronSteps, "the hidden layer fires");
});

test("one training batch of the fused wasm SAF-E step (T steps of Adam) gives the reference's loss within 1e-5 relative, its correct and spike counts, and its weights within 1e-2 lr (99.9%) and 2 T lr (all), on lif-mlp 784-64-10 and a small two-hidden-layer net with either readout", async () => {
  const { b, xs, net } = await setup([784, 64, 10]);
  const method = SAF_E;
  compareOneBatch(
    { name: "784-64-10 trace", method, readout: "trace", lr: 3e-4 },
    net,
    xs,
    b.labels,
    B,
  );
  const small = smallCase();
  for (const readout of ["trace", "spike"] as const) {
    const c = { name: `20-16-12-5 ${readout}`, method, readout, lr: 1e-3 };
    compareOneBatch(c, small.net, small.xs, small.labels, 8);
  }
});

test("createLifStep picks the fused step on the wasm backend for saf-e on a dense net (its weights stay in the core until read), the reference step on the ref backend; the fused step refuses a method that is not one of the six (saf-f with per-step updates, bptt with the rate prediction) and takes an avg-pooled conv net (tests/backend/lif_wasm_conv.test.ts)", () => {
  const net = initLifNetwork([4, 3, 2], new Rng(1)), x = new Float64Array(8).fill(0.5);
  const before = net.layers[0].w.slice();
  const fused = createLifStep(createWasmBackend(), { net, method: SAF_E, adam: {} });
  fused.step([x, x], [0, 1], 2);
  assert.deepEqual(net.layers[0].w, before, "the fused step leaves net alone");
  fused.read(net);
  assert.notDeepEqual(net.layers[0].w, before, "read copies the trained weights");
  const ref = createLifStep(refBackend, { net, method: SAF_E, adam: {} });
  const w = net.layers[0].w.slice();
  ref.step([x, x], [0, 1], 2);
  assert.notDeepEqual(net.layers[0].w, w, "the reference step trains net in place");
  const others = [
    { ...lifMethod("saf-f"), update: "step" as const },
    { ...lifMethod("bptt"), prediction: "rate" as const },
  ];
  for (const method of others) {
    assert.throws(() => createWasmLifStep({ net, method, adam: {} }), OptionError);
  }
  const conv = initLifNetwork(
    [{ nIn: 16, nOut: 8, conv: { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 }, pool: 2 }, {
      nIn: 8,
      nOut: 2,
    }],
    new Rng(1),
  );
  assert.doesNotThrow(() => createWasmLifStep({ net: conv, method: SAF_E, adam: {} }));
});
