/**
 * The fused float32 SAF-F, Spike Representation and BPTT steps on the wasm backend
 * (src/steps/lif/wasm_batch.ts, kernels in core-as/assembly/lif_batch.ts and lif.ts) against
 * the float64 reference (createRefLifStep, and the methods' gradient functions), from the same
 * init.
 *
 * Random nets: per method, 8 dense nets (1 or 2 hidden layers, T 1..6, batch 1..16, uniform
 * inputs, weight gain 1..3, lambda 0.3..0.9, V_th 0.5..1.5, surrogate slope 2..6): every hidden neuron's spike at every step equal to the reference
 * forward's (SafForward for SAF-F, lifForward for the others; a potential within float32
 * round-off of V_th would flip one, which these seeds do not produce), the loss within 1e-5
 * relative, and the batch's gradients (the core's G after its one update) within 1e-4 of each
 * array's largest entry: float32 sums of at most a few hundred terms are ~1e-6 relative off
 * (measured up to 3e-6), so 1e-4 leaves margin yet catches a wrong factor, which the weights
 * after one Adam update (about lr sign(g)) would not show.
 *
 * One training batch (one Adam update): tests/backend/_lif_wasm.ts's `compareOneBatch`, on
 * lif-mlp 784-64-10 and a small two-hidden-layer net.
 *
 * Memory: BPTT keeps x[t], s_l[t], g_l[t] and dL/do[t] of every step in the core, so a batch's
 * buffers grow by batch (nIn + 2 sum(hidden) + classes) floats per step; SAF-F's and Spike
 * Representation's do not grow with T.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { lifMethod } from "../../src/lif/methods.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { SafForward } from "../../src/lif/saf.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { adamSettings } from "../../src/nn/optim.ts";
import { buildLayers, toLayers } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createLifStep } from "../../src/steps/lif/select.ts";
import { wasmLifUnsupported } from "../../src/steps/lif/wasm.ts";
import { trainBptt, trainSafF, trainSpikeRep } from "../../src/steps/lif/wasm_batch.ts";
import type { LifBatchOptions } from "../../src/steps/lif/wasm_buffers.ts";
import { trainOnline } from "../../src/steps/lif/wasm_online.ts";
import { LifCore } from "../../src/steps/lif/wasm_core.ts";
import { scratchBytes } from "../../src/steps/lif/wasm_layers.ts";
import { WasmCore } from "../../src/backend/wasm/core.ts";
import { B, compareOneBatch, setup, smallCase } from "./_lif_wasm.ts";

const METHODS = [
  { name: "saf-f", train: trainSafF, forward: "saf-f" },
  { name: "spikerep", train: trainSpikeRep, forward: "spikerep" },
  { name: "bptt", train: trainBptt, forward: "bptt" },
] as const;
type Method = (typeof METHODS)[number];

const options = (m: Method, probe?: LifBatchOptions["probe"]): LifBatchOptions => ({
  forward: m.forward,
  variant: "trace",
  update: "batch",
  mseWeight: 0.05,
  readout: "trace",
  probe,
});

/** A random dense net, its inputs and labels. */
function randomCase(rng: Rng) {
  const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  const hidden = Array.from({ length: int(1, 2) }, () => int(1, 24));
  const sizes = [int(2, 40), ...hidden, int(2, 6)], T = int(1, 6), batch = int(1, 16);
  const lif = {
    lambda: 0.3 + 0.6 * rng.uniform(),
    vth: 0.5 + rng.uniform(),
    surrogateSlope: int(2, 6),
  };
  const net = initLifNetwork(sizes, new Rng(int(0, 1e6)), lif, 1 + 2 * rng.uniform());
  const xs = Array.from(
    { length: T },
    () => Float64Array.from({ length: batch * sizes[0] }, () => rng.uniform()),
  );
  const labels = Array.from({ length: batch }, () => int(0, sizes[sizes.length - 1] - 1));
  return { sizes, net, xs, labels, batch };
}

/** The reference forward's spike trains [t][l] of the method's forward. */
function refSpikes(name: string, net: LifNetwork, xs: Float64Array[], batch: number) {
  if (name === "saf-f") {
    const saf = new SafForward(net, batch, xs.length);
    return xs.map((x) => saf.step(x).spikes);
  }
  const run = lifForward(net, xs, batch, { record: true });
  return xs.map((_, t) => run.spikeTrains.map((s) => s[t]));
}

const relToMax = (want: Float64Array, got: Float64Array) => {
  let scale = 0, diff = 0;
  want.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(v - got[i]));
  });
  return scale === 0 ? diff : diff / scale;
};

test("on 8 random dense nets each, the fused SAF-F, Spike Representation and BPTT batches fire the reference forward's spikes at every neuron and step, give its loss within 1e-5 relative and its gradients within 1e-4 of each array's largest entry", () => {
  const rng = new Rng(11);
  for (const m of METHODS) {
    let worstLoss = 0, worstGrad = 0, spikes = 0;
    for (let k = 0; k < 8; k++) {
      const { sizes, net, xs, labels, batch } = randomCase(rng), tag = `${m.name} ${sizes} #${k}`;
      const want = lifMethod(m.name).gradients(net, xs, labels, batch);
      const got: Float32Array[][] = [];
      const probe = (_t: number, layers: { s: Float32Array }[]) =>
        void got.push(layers.map((l) => l.s));
      const core = new LifCore(sizes, adamSettings({ lr: 1e-3 }));
      core.load(net);
      const r = m.train(core, xs, labels, batch, net, options(m, probe));
      refSpikes(m.name, net, xs, batch).forEach((layers, t) =>
        layers.forEach((s, l) => assert.deepEqual([...got[t][l]], [...s], `${tag}: s[${t}][${l}]`))
      );
      assert.equal(r.spikes, want.spikes, `${tag}: spikes`);
      const lossRel = Math.abs(r.loss - want.loss) / want.loss;
      assert.ok(lossRel <= 1e-5, `${tag}: loss ${r.loss} vs ${want.loss}`);
      core.gradients().forEach((g, i) => {
        const d = relToMax(want.grads[i], g);
        assert.ok(d <= 1e-4, `${tag}: gradient ${i} off by ${d} of its largest entry`);
        worstGrad = Math.max(worstGrad, d);
      });
      worstLoss = Math.max(worstLoss, lossRel), spikes += r.spikes;
    }
    console.log(
      `${m.name}: ${spikes} spikes; worst loss rel. diff ${worstLoss.toExponential(2)}, ` +
        `gradient diff / max entry ${worstGrad.toExponential(2)}`,
    );
    assert.ok(spikes > 0, `${m.name}: the nets fire`);
  }
});

test("one training batch of the fused wasm SAF-F, Spike Representation and BPTT steps (one Adam update) gives the reference's loss within 1e-5 relative, its correct and spike counts, and its weights within 1e-2 lr (99.9%) and 2 lr (all), on lif-mlp 784-64-10 and a small two-hidden-layer net", async () => {
  const { b, xs, net } = await setup([784, 64, 10]), small = smallCase();
  for (const { name } of METHODS) {
    const c = { method: lifMethod(name), readout: "trace" as const };
    compareOneBatch({ ...c, name: `784-64-10 ${name}`, lr: 3e-4 }, net, xs, b.labels, B);
    const s = { ...c, name: `20-16-12-5 ${name}`, lr: 1e-3 };
    compareOneBatch(s, small.net, small.xs, small.labels, 8);
  }
});

test("the fused BPTT batch keeps every step's input, spikes, surrogate factors, dL/do and first-layer currents in the core: its buffers grow by batch (nIn + 2 sum(hidden) + classes + hidden_1) floats per step and the products' scratch for T batch rows, and SAF-F's and Spike Representation's do not grow with T", () => {
  const sizes = [20, 16, 12, 5], batch = 8, rng = new Rng(2);
  const net = initLifNetwork(sizes, new Rng(1), undefined, 3);
  const top = (m: Method, T: number) => {
    const core = new LifCore(sizes, adamSettings({}));
    core.load(net);
    const start = core.core.top;
    const xs = Array.from(
      { length: T },
      () => Float64Array.from({ length: batch * 20 }, () => rng.uniform()),
    );
    m.train(core, xs, [0, 1, 2, 3, 4, 0, 1, 2], batch, net, options(m));
    return core.core.top - start; // the batch's buffers stay until the next batch
  };
  const perStep = 4 * batch * (20 + 2 * (16 + 12) + 5 + 16);
  const { slots } = new LifCore(sizes, adamSettings({}));
  const scratch = (T: number) =>
    Math.ceil(scratchBytes(new WasmCore().exports, slots, batch * T) / 16) * 16;
  for (const m of METHODS) {
    const growth = top(m, 6) - top(m, 2);
    const want = m.name === "bptt" ? 4 * perStep + scratch(6) - scratch(2) : 0;
    assert.equal(growth, want, `${m.name}: bytes from T = 2 to 6`);
  }
});

test("createLifStep picks the fused step on the wasm backend for saf-f, spikerep and bptt on a dense net (the weights stay in the core until read)", () => {
  const x = new Float64Array(8).fill(0.5);
  for (const { name } of METHODS) {
    const net = initLifNetwork([4, 3, 2], new Rng(1), undefined, 3), method = lifMethod(name);
    assert.equal(wasmLifUnsupported({ net, method, adam: {} }), undefined);
    const before = net.layers[0].w.slice();
    const fused = createLifStep(createWasmBackend(), { net, method, adam: {} });
    fused.step([x, x], [0, 1], 2);
    assert.deepEqual(net.layers[0].w, before, `${name}: the fused step leaves net alone`);
    fused.read(net);
    assert.notDeepEqual(net.layers[0].w, before, `${name}: read copies the trained weights`);
  }
});

test("the fused SAF-F, Spike Representation, BPTT and OTTT_A (both variants) batches on one input array for every step (direct coding: the first layer's product once per batch, BPTT's and OTTT_A's deltas summed over the steps) give the weights of T separate copies (T products, or T steps' rows in one) within 1e-6 of the largest weight, on a dense and on a conv net", () => {
  const batch = 6, T = 5, rng = new Rng(3);
  const conv = buildLayers({ h: 8, w: 8, c: 2 }, [
    { conv: 4, k: 3, pad: "same", pool: 2 },
    { conv: 3, k: 3, pad: "same" },
    { dense: 5 },
  ]);
  const otttA = (variant: "trace" | "official") => ({
    name: `ottt-a ${variant}`,
    train: trainOnline,
    opts: { ...options(METHODS[0]), forward: "ottt", variant } as LifBatchOptions,
  });
  const all = [
    ...METHODS.map((m) => ({ ...m, opts: options(m) })),
    otttA("trace"),
    otttA("official"),
  ];
  for (const [kind, layers] of [["dense", toLayers([30, 16, 5])], ["conv", conv]] as const) {
    const net = initLifNetwork(layers, new Rng(4), undefined, 3);
    const x = Float64Array.from({ length: batch * layers[0].nIn }, () => rng.uniform());
    const W0 = net.layers.flatMap((l) => [...l.w, ...l.b]);
    for (const m of all) {
      const tag = `${kind} ${m.name}`;
      const run = (xs: Float64Array[]) => {
        const core = new LifCore(layers, adamSettings({ lr: 1e-2 }));
        core.load(net);
        const r = m.train(core, xs, [0, 1, 2, 3, 4, 0], batch, net, m.opts);
        const out = initLifNetwork(layers, new Rng(0));
        core.read(out);
        return { r, W: out.layers.flatMap((l) => [...l.w, ...l.b]) };
      };
      const one = run(Array.from({ length: T }, () => x));
      const copies = run(Array.from({ length: T }, () => x.slice()));
      assert.equal(one.r.spikes, copies.r.spikes, `${tag}: spikes`);
      assert.ok(Math.abs(one.r.loss - copies.r.loss) <= 1e-6 * copies.r.loss, `${tag}: loss`);
      const scale = Math.max(...copies.W.map(Math.abs));
      const diff = Math.max(...one.W.map((w, i) => Math.abs(w - copies.W[i])));
      assert.ok(diff <= 1e-6 * scale, `${tag}: max |dW| ${diff} > 1e-6 ${scale}`);
      assert.ok(one.r.spikes > 0, `${tag}: some spikes`);
      assert.ok(one.W.some((w, i) => Math.abs(w - W0[i]) > 1e-3), `${tag}: Adam moved weights`);
    }
  }
});
