// LIF networks to NIR and back (src/lif/nir.ts, nir_import.ts): exact round trips through
// HDF5 files, and the hand-built fixtures of tests/fixtures/ (h5py, run by numpy).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { decodeNir, encodeNir, readNir } from "../../src/io/nir_hdf5.ts";
import { initLifNetwork, type LifNetwork } from "../../src/lif/network.ts";
import { lifToNir } from "../../src/lif/nir.ts";
import { nirToLif } from "../../src/lif/nir_import.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { buildLayers, type LayerSpec } from "../../src/nn/architecture.ts";
import { Rng } from "../../src/nn/rng.ts";
import { fcParams } from "../_fc.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);

/** A random LIF net: dense, or conv on a [h, w, c] image (1-2 conv layers, pools, padding). */
const netArb = fc.record({
  conv: fc.boolean(),
  h: fc.integer({ min: 4, max: 7 }),
  w: fc.integer({ min: 4, max: 7 }),
  c: fc.integer({ min: 1, max: 3 }),
  convs: fc.array(
    fc.record({ out: fc.integer({ min: 1, max: 3 }), k: fc.constantFrom(1, 3) }),
    { minLength: 1, maxLength: 2 },
  ),
  valid: fc.boolean(),
  pool: fc.constantFrom(1, 2),
  hidden: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
  classes: fc.integer({ min: 2, max: 4 }),
  lambda: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
  vth: fc.double({ min: 0.25, max: 2, noNaN: true }),
  slope: fc.double({ min: 0.5, max: 8, noNaN: true }),
  T: fc.integer({ min: 1, max: 5 }),
  batch: fc.integer({ min: 1, max: 2 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
type NetCase = typeof netArb extends fc.Arbitrary<infer T> ? T : never;

function buildNet(s: NetCase): { net: LifNetwork; xs: Float64Array[] } {
  const rng = new Rng(s.seed);
  const specs: LayerSpec[] = s.conv
    ? s.convs.map(({ out, k }, i): LayerSpec => ({
      conv: out,
      k,
      pad: i === 0 && s.valid ? "valid" : "same",
      pool: i === 0 ? s.pool : 1,
    }))
    : [];
  specs.push(...s.hidden.map((dense) => ({ dense })), { dense: s.classes });
  const layers = buildLayers({
    h: s.conv ? s.h : 1,
    w: s.conv ? s.w : 1,
    c: s.conv ? s.c : s.h * s.c,
  }, specs);
  const net = initLifNetwork(
    layers,
    rng,
    { lambda: s.lambda, vth: s.vth, surrogateSlope: s.slope },
    2 * s.vth,
  );
  for (const l of net.layers) l.b.forEach((_, i) => (l.b[i] = s.vth * rng.uniformIn(-0.5, 0.5)));
  const n = s.batch * net.layers[0].nIn;
  const xs = Array.from(
    { length: s.T },
    () => Float64Array.from({ length: n }, () => rng.uniform()),
  );
  return { net, xs };
}

/** Weights, biases, geometry and constants equal bit for bit; spikes and outputs equal. */
function assertSameNet(back: LifNetwork, net: LifNetwork, xs: Float64Array[], batch: number): void {
  assert.equal(back.lambda, net.lambda);
  assert.equal(back.vth, net.vth);
  assert.equal(back.surrogateSlope, net.surrogateSlope);
  assert.equal(back.layers.length, net.layers.length);
  net.layers.forEach((l, k) => {
    const b = back.layers[k];
    assert.deepEqual(
      { ...b, w: [...b.w], b: [...b.b] },
      { ...l, w: [...l.w], b: [...l.b] },
      `layer ${k + 1}`,
    );
  });
  const r1 = lifForward(net, xs, batch, { record: true }),
    r2 = lifForward(back, xs, batch, { record: true });
  assert.deepEqual(r2.spikeTrains, r1.spikeTrains);
  assert.deepEqual(r2.outputs, r1.outputs);
}

test("NIR round trip: random LIF nets (dense and conv, lambda 0..1 incl. IF) come back with identical weights and spikes through an HDF5 file", async () => {
  await fc.assert(
    fc.asyncProperty(netArb, async (s) => {
      const { net, xs } = buildNet(s);
      const doc = await decodeNir(await encodeNir(lifToNir(net)), "round-trip.nir");
      assertSameNet(nirToLif(doc), net, xs, s.batch);
    }),
    fcParams(60),
  );
});

test("NIR round trip: lif-mlp 784-512-10 and lif-conv (the CLI's models) with SPEC B1's neuron", async () => {
  const rng = new Rng(5);
  const conv: LayerSpec[] = [{ conv: 8, k: 3, pad: "same", pool: 2 }, {
    conv: 16,
    k: 3,
    pad: "same",
    pool: 2,
  }, { dense: 10 }];
  for (const layers of [[784, 512, 10], buildLayers({ h: 28, w: 28, c: 1 }, conv)]) {
    const net = initLifNetwork(layers, rng, undefined, 3);
    const xs = Array.from(
      { length: 3 },
      () => Float64Array.from({ length: 784 }, () => rng.uniform()),
    );
    const doc = await decodeNir(await encodeNir(lifToNir(net)), "model.nir");
    assertSameNet(nirToLif(doc), net, xs, 1);
  }
});

/** [C, H, W] per-step inputs (NIR's layout) as spikeproof's [H, W, C]. */
function toHwc(x: number[], [c, h, w]: number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[i * c + k] = x[k * h * w + i];
  return out;
}

test("NIR fixtures built by hand with h5py: imported, they give the outputs and spikes numpy computed from the file", async () => {
  const expected = JSON.parse(readFileSync(new URL("nir_fixtures.json", FIXTURES), "utf8"));
  for (
    const [name, shape] of [["lif_mlp_small", [4, 1, 1]], ["lif_conv_small", [2, 4, 4]]] as const
  ) {
    const net = nirToLif(await readNir(new URL(`${name}.nir`, FIXTURES).pathname));
    const { inputs, outputs, spikes } = expected[name];
    const run = lifForward(net, inputs.map((x: number[]) => toHwc(x, [...shape])), 1);
    assert.equal(run.spikes, spikes, name);
    run.outputs.forEach((o, t) =>
      o.forEach((v, i) =>
        assert.ok(Math.abs(v - outputs[t][i]) < 1e-9, `${name} step ${t} output ${i}`)
      )
    );
  }
  const conv = nirToLif(await readNir(new URL("lif_conv_small.nir", FIXTURES).pathname));
  assert.equal(conv.lambda, 1 - 1e-3 / 5e-3, "lambda = 1 - dt / tau at the graph's metadata dt");
});
