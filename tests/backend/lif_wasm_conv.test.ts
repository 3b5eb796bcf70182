/**
 * The fused float32 LIF step on conv nets (src/steps/lif/wasm_layers.ts: a conv layer is im2col
 * + the dense layer's kernels on batch outH outW rows, the LIF neuron on the conv output, an
 * avg-pool after it; back: avg-pool backward, the method's per-neuron backward, dW on the
 * patches, dx through a cols gradient and col2im) against the float64 reference (the methods'
 * gradient functions and createRefLifStep, which run conv through nn/conv.ts and nn/pool.ts),
 * from the same init.
 *
 * Random conv nets: per method, 6 nets (a 4..8 x 4..8 image of 1..2 channels; one or two 3x3
 * conv layers of 2..4 channels, 'same' or 'valid' padding where the image allows, each
 * avg-pooled 2x2 or not; an optional dense hidden layer; a dense readout of 2..5 classes; T
 * 1..5, batch 1..6, lambda 0.3..0.9, V_th 0.5..1.5, slope 2..6, weight gain 1..3). Each batch
 * runs with one update at the end (SAF-E and OTTT with update "batch": their gradients summed
 * over the steps, the weights fixed during the batch), so:
 * - every hidden neuron's spike at every step equals the reference forward's (SafForward for the
 *   SAF forwards, lifForward for the LIF ones); a conv potential is a float32 sum of 9 inC
 *   patch products and the bias, so a flip needs a potential within ~1e-6 of V_th, which these
 *   seeds do not produce;
 * - the loss within 1e-5 relative;
 * - the gradients (the core's G) within 1e-4 of each array's largest entry: a conv weight's
 *   gradient sums batch outH outW products in float32 (at most a few hundred here, ~1e-6
 *   relative), so 1e-4 leaves margin yet catches a wrong factor, pool or patch.
 *
 * One training batch of createWasmLifStep against createRefLifStep (SAF-E and OTTT_O with Adam
 * after every step, both OTTT variants and readouts): tests/backend/_lif_wasm.ts's
 * `compareOneBatch` on an 8x8x2 conv net.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { lifMethod } from "../../src/lif/methods.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { SafForward } from "../../src/lif/saf.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { buildLayers, type LayerSpec } from "../../src/nn/architecture.ts";
import { adamSettings } from "../../src/nn/optim.ts";
import { Rng } from "../../src/nn/rng.ts";
import { createLifStep } from "../../src/steps/lif/select.ts";
import { createWasmLifStep, wasmLifUnsupported } from "../../src/steps/lif/wasm.ts";
import { trainBptt, trainSafF, trainSpikeRep } from "../../src/steps/lif/wasm_batch.ts";
import type { LifBatchOptions } from "../../src/steps/lif/wasm_buffers.ts";
import { LifCore } from "../../src/steps/lif/wasm_core.ts";
import { trainOnline } from "../../src/steps/lif/wasm_online.ts";
import { OptionError } from "../../src/errors.ts";
import { compareOneBatch } from "./_lif_wasm.ts";

const METHODS = [
  { name: "saf-e", train: trainOnline, forward: "saf" },
  { name: "ottt-a", train: trainOnline, forward: "ottt" },
  { name: "saf-f", train: trainSafF, forward: "saf-f" },
  { name: "spikerep", train: trainSpikeRep, forward: "spikerep" },
  { name: "bptt", train: trainBptt, forward: "bptt" },
] as const;

/** A random small conv net (module header), its inputs and labels. */
function randomConvCase(rng: Rng) {
  const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
  const image = { h: int(4, 8), w: int(4, 8), c: int(1, 2) };
  let side = Math.min(image.h, image.w);
  const specs: LayerSpec[] = Array.from({ length: int(1, 2) }, () => {
    const pad = side >= 5 && rng.uniform() < 0.3 ? "valid" as const : "same" as const;
    side -= pad === "valid" ? 2 : 0;
    const pool = side >= 2 && rng.uniform() < 0.7 ? 2 : 1;
    side = Math.floor(side / pool);
    return { conv: int(2, 4), k: 3, pad, pool };
  });
  if (rng.uniform() < 0.5) specs.push({ dense: int(1, 12) });
  specs.push({ dense: int(2, 5) });
  const lif = {
    lambda: 0.3 + 0.6 * rng.uniform(),
    vth: 0.5 + rng.uniform(),
    surrogateSlope: int(2, 6),
  };
  const net = initLifNetwork(
    buildLayers(image, specs),
    new Rng(int(0, 1e6)),
    lif,
    1 + 2 * rng.uniform(),
  );
  const T = int(1, 5), batch = int(1, 6), nIn = net.layers[0].nIn;
  const xs = Array.from(
    { length: T },
    () => Float64Array.from({ length: batch * nIn }, () => rng.uniform()),
  );
  const classes = net.layers[net.layers.length - 1].nOut;
  const labels = Array.from({ length: batch }, () => int(0, classes - 1));
  return { net, xs, labels, batch, specs, image };
}

/** The reference forward's spike trains [t][l] (before pooling) of the method's forward. */
function refSpikes(forward: string, net: LifNetwork, xs: Float64Array[], batch: number) {
  if (forward === "saf" || forward === "saf-f") {
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

test("on 6 random small conv nets per method (SAF-E and OTTT summed over the steps, SAF-F, Spike Representation, BPTT), the fused batch fires the reference forward's spikes at every neuron and step, gives its loss within 1e-5 relative and its gradients within 1e-4 of each array's largest entry", () => {
  const rng = new Rng(21);
  for (const m of METHODS) {
    let worstLoss = 0, worstGrad = 0, spikes = 0, pooled = 0;
    for (let k = 0; k < 6; k++) {
      const { net, xs, labels, batch, specs, image } = randomConvCase(rng);
      const tag = `${m.name} ${JSON.stringify(image)} ${JSON.stringify(specs)} #${k}`;
      const variant = k % 2 ? "official" as const : "trace" as const;
      const readout = k % 3 === 1 ? "spike" as const : "trace" as const;
      const want = lifMethod(m.name).gradients(net, xs, labels, batch, { variant, readout });
      const got: Float32Array[][] = [];
      const probe = (_t: number, layers: { s: Float32Array }[]) =>
        void got.push(layers.map((l) => l.s));
      const core = new LifCore(net.layers, adamSettings({ lr: 1e-3 }));
      core.load(net);
      const opts: LifBatchOptions = {
        forward: m.forward,
        variant,
        update: "batch",
        mseWeight: 0.05,
        readout,
        probe,
      };
      const r = m.train(core, xs, labels, batch, net, opts);
      refSpikes(m.forward, net, xs, batch).forEach((layers, t) =>
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
      pooled += net.layers.filter((l) => (l.avgPool ?? 1) > 1).length;
    }
    console.log(
      `${m.name} conv: ${spikes} spikes, ${pooled} pooled layers; worst loss rel. diff ` +
        `${worstLoss.toExponential(2)}, gradient diff / max entry ${worstGrad.toExponential(2)}`,
    );
    assert.ok(spikes > 0, `${m.name}: the nets fire`);
    assert.ok(pooled > 0, `${m.name}: some layers pool`);
  }
});

/** An 8x8x2 image, conv 4@3x3 'same' avg-pool 2, conv 3@3x3 'same', fc 5; T 4, batch 6. */
function convCase() {
  const layers = buildLayers({ h: 8, w: 8, c: 2 }, [
    { conv: 4, k: 3, pad: "same", pool: 2 },
    { conv: 3, k: 3, pad: "same" },
    { dense: 5 },
  ]);
  const rng = new Rng(4), net = initLifNetwork(layers, new Rng(9), undefined, 2);
  const xs = Array.from(
    { length: 4 },
    () => Float64Array.from({ length: 6 * 128 }, () => rng.uniform()),
  );
  return { net, xs, labels: [0, 1, 2, 3, 4, 0] };
}

test("one training batch of the fused wasm step on an 8x8x2 conv net (SAF-E and OTTT_O with Adam after every step, OTTT_A, SAF-F, Spike Representation, BPTT; both OTTT variants and readouts) gives the reference step's loss within 1e-5 relative, its correct and spike counts, and its weights within 1e-2 lr (99.9%) and 2 lr per update (all)", () => {
  const { net, xs, labels } = convCase();
  for (const name of ["saf-e", "ottt-o", "ottt-a", "saf-f", "spikerep", "bptt"]) {
    for (const variant of ["trace", "official"] as const) {
      for (const readout of ["trace", "spike"] as const) {
        if (!name.startsWith("ottt") && (variant === "official" || readout === "spike")) continue;
        const c = { method: lifMethod(name), variant, readout, lr: 1e-3 };
        compareOneBatch({ ...c, name: `conv ${name} ${variant} ${readout}` }, net, xs, labels, 6);
      }
    }
  }
});

test("createLifStep picks the fused step on the wasm backend for a conv net with avg-pool, for all six methods (the weights stay in the core until read); a max-pooled layer or a conv readout is refused", () => {
  const { net: convNet, xs, labels } = convCase();
  for (const name of ["saf-e", "ottt-o", "ottt-a", "saf-f", "spikerep", "bptt"]) {
    const net = structuredClone(convNet), method = lifMethod(name);
    assert.equal(wasmLifUnsupported({ net, method, adam: {} }), undefined, name);
    const before = net.layers[0].w.slice();
    const fused = createLifStep(createWasmBackend(), { net, method, adam: {} });
    fused.step(xs, labels, 6);
    assert.deepEqual(net.layers[0].w, before, `${name}: the fused step leaves net alone`);
    fused.read(net);
    assert.notDeepEqual(net.layers[0].w, before, `${name}: read copies the trained weights`);
  }
  const method = lifMethod("saf-e");
  const maxPooled = {
    ...convNet,
    layers: convNet.layers.map((l, i) => (i ? l : { ...l, pool: 2 })),
  };
  assert.throws(() => createWasmLifStep({ net: maxPooled, method, adam: {} }), OptionError);
  const convTop = { ...convNet, layers: [...convNet.layers.slice(0, 1), convNet.layers[1]] };
  assert.throws(() => createWasmLifStep({ net: convTop, method, adam: {} }), OptionError);
});

test("the fused OTTT_O and OTTT_A steps with the authors' Replace forward (otttForward 'replace': the unread second product per wrapped layer) give the lean forward's loss, spikes and weights bit for bit, on a conv net and a dense net, both variants and readouts", () => {
  const conv = convCase(), rng = new Rng(8);
  const dense = {
    net: initLifNetwork([20, 16, 12, 5], new Rng(1), undefined, 3),
    xs: Array.from({ length: 3 }, () => Float64Array.from({ length: 4 * 20 }, () => rng.uniform())),
    labels: [0, 1, 2, 3],
  };
  for (const [tag, c, batch] of [["conv", conv, 6], ["dense", dense, 4]] as const) {
    for (const name of ["ottt-o", "ottt-a"]) {
      for (const variant of ["trace", "official"] as const) {
        for (const readout of ["trace", "spike"] as const) {
          const run = (otttForward: "replace" | "lean") => {
            const net = structuredClone(c.net), method = lifMethod(name);
            const step = createWasmLifStep({
              net,
              method,
              adam: {},
              variant,
              readout,
              otttForward,
            });
            const r = [step.step(c.xs, c.labels, batch), step.step(c.xs, c.labels, batch)];
            step.read(net);
            return { r, w: net.layers.flatMap((l) => [...l.w, ...l.b]) };
          };
          const lean = run("lean"),
            replace = run("replace"),
            what = `${tag} ${name} ${variant} ${readout}`;
          assert.deepEqual(replace.r, lean.r, `${what}: loss, correct, spikes`);
          assert.deepEqual(replace.w, lean.w, `${what}: weights`);
        }
      }
    }
  }
});
