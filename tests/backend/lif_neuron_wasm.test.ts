/**
 * The fused LIF steps' neuron kernels (core-as/assembly/lif_neuron.ts: safNeuron, otttNeuron,
 * safFire, lifNeuron, four entries at a time with a scalar tail) against their float32
 * definitions evaluated here with Math.fround, on random entries around the threshold, for
 * lengths that leave every tail (n mod 4 = 0..3):
 *
 * - spikes, accumulations, potentials and soft resets equal bit for bit (the same float32
 *   operations);
 * - the surrogate g = a e / (1 + e)^2, e = exp(-|a z|), against the float64 formula at the
 *   kernel's float32 z: the float32 exp (Cephes' expf, about 2 u) and the division, plus the
 *   rounding of a z, which scales e's error by |a z|: within 1e-6 (1 + |a z|) relative (u =
 *   6e-8, so 16 u per unit of |a z|); measured 1.3e-7 (1 + |a z|).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmCore } from "../../src/backend/wasm/core.ts";
import { lifKernels } from "../../src/steps/lif/wasm_buffers.ts";
import { Rng } from "../../src/nn/rng.ts";

const f32 = Math.fround;

/** The float64 surrogate a sig(a z) (1 - sig(a z)) at z. */
const surrogate = (z: number, a: number) => {
  const sig = 1 / (1 + Math.exp(-a * z));
  return a * sig * (1 - sig);
};

function setup(n: number, rng: Rng) {
  const core = new WasmCore(), ex = lifKernels(core);
  const [U, acc, v, s, g] = [0, 1, 2, 3, 4].map(() => core.alloc(4 * n + 16));
  const f = core.f32(),
    put = (p: number, gen: () => number) => {
      for (let i = 0; i < n; i++) f[p / 4 + i] = gen();
    };
  put(U, () => rng.uniformIn(-1, 3));
  put(acc, () => rng.uniformIn(0, 2));
  put(v, () => rng.uniformIn(-1, 1.5));
  const read = (p: number) => f.slice(p / 4, p / 4 + n);
  const lif = { lambda: f32(rng.uniformIn(0.3, 0.95)), vth: f32(rng.uniformIn(0.5, 1.5)) };
  return { ex, U, acc, v, s, g, read, lif, slope: 1 + Math.floor(rng.uniform() * 8) };
}

test("the SIMD neuron kernels (safNeuron, otttNeuron, safFire, lifNeuron) give their float32 definitions' spikes, accumulations, potentials and resets bit for bit and the surrogate within 1e-6 (1 + |a z|) relative of the float64 formula, at every tail length", () => {
  const rng = new Rng(5);
  let worst = 0, fired = 0, entries = 0;
  const checkG = (g: number, z: number, a: number, tag: string) => {
    const want = surrogate(z, a), rel = Math.abs(g - want) / want;
    worst = Math.max(worst, rel / (1 + Math.abs(a * z)));
    assert.ok(rel <= 1e-6 * (1 + Math.abs(a * z)), `${tag}: g ${g} vs ${want} at a z = ${a * z}`);
  };
  for (const n of [1, 2, 3, 4, 5, 6, 7, 64, 1001, 4099]) {
    for (const kind of ["saf", "ottt", "fire", "lif"]) {
      const c = setup(n, rng), { lambda, vth } = c.lif;
      const [U0, acc0, v0] = [c.read(c.U), c.read(c.acc), c.read(c.v)];
      const spikes = kind === "saf"
        ? c.ex.safNeuron(c.U, c.acc, c.s, c.g, n, lambda, vth, c.slope)
        : kind === "ottt"
        ? c.ex.otttNeuron(c.U, c.v, c.acc, c.s, c.g, n, lambda, vth, c.slope)
        : kind === "fire"
        ? c.ex.safFire(c.U, c.acc, c.s, n, lambda, vth)
        : c.ex.lifNeuron(c.U, c.v, c.s, c.g, n, lambda, vth, c.slope);
      const [U, acc, v, s, g] = [c.U, c.acc, c.v, c.s, c.g].map(c.read);
      let count = 0;
      for (let i = 0; i < n; i++) {
        const tag = `${kind} n ${n} entry ${i}`;
        if (kind === "saf" || kind === "fire") {
          const la = f32(lambda * acc0[i]), thr = f32(vth * f32(la + 1)), fire = U0[i] >= thr;
          assert.equal(s[i], fire ? 1 : 0, `${tag}: spike`);
          assert.equal(acc[i], f32(la + s[i]), `${tag}: a_hat`);
          if (kind === "saf") checkG(g[i], f32(U0[i] - thr), c.slope, tag);
        } else {
          const u = f32(f32(lambda * v0[i]) + U0[i]), fire = u >= vth;
          assert.equal(s[i], fire ? 1 : 0, `${tag}: spike`);
          assert.equal(U[i], u, `${tag}: u`);
          assert.equal(v[i], fire ? f32(u - vth) : u, `${tag}: soft reset`);
          if (kind === "ottt") assert.equal(acc[i], f32(f32(lambda * acc0[i]) + s[i]), tag);
          checkG(g[i], f32(u - vth), c.slope, tag);
        }
        count += s[i];
      }
      assert.equal(spikes, count, `${kind} n ${n}: the returned spike count`);
      (fired += count), (entries += n);
    }
  }
  console.log(
    `${fired} of ${entries} entries fired; worst surrogate error / (1 + |a z|): ${worst}`,
  );
  assert.ok(fired > 0.2 * entries && fired < 0.8 * entries, "entries on both sides of V_th");
});
