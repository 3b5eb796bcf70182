/**
 * The WebGPU backend's kernels (src/backend/webgpu.ts, webgpu/matmul.ts) against the float64
 * reference, with the float32 bound of tests/backend/wasm.test.ts: each output is a sum of K
 * products plus one more term, so
 *   |webgpu - exact| <= gamma_{K+2} * (|bias| + sum_k |x_k| |W_k|),  gamma_n = n u / (1 - n u),
 * which holds for any summation order and with or without fused multiply-adds (WGSL allows
 * either). Shapes are small (llvmpipe, the CPU adapter, runs about 0.2 GFLOP/s) and include
 * sizes that are not multiples of the 16x16 tiles.
 *
 * Runs in Deno (navigator.gpu); in Bun and Node the WebGPU tests skip with the reason printed,
 * and the "not available" test checks the real missing navigator.gpu.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { refBackend } from "../../src/backend/ref.ts";
import { backendByName, openBackend } from "../../src/backend/select.ts";
import { createWebGpuBackend } from "../../src/backend/webgpu.ts";
import { GpuContext, webGpuAvailable } from "../../src/backend/webgpu/device.ts";
import { BackendUnavailableError, GpuError, OptionError, ShapeError } from "../../src/errors.ts";
import { Rng } from "../../src/nn/rng.ts";
import { fcParams } from "../_fc.ts";

const hasWebGpu = await webGpuAvailable(5000);
const skip = hasWebGpu ? false : "no WebGPU in this runtime (navigator.gpu missing)";
if (skip) console.log(`webgpu.test.ts: WebGPU tests skipped: ${skip}`);

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);
const abs = (a: Float64Array) => a.map(Math.abs);

function randomArray(rng: Rng, n: number, zeros: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.normal()));
}

function assertWithin(got: Float64Array, want: Float64Array, bound: Float64Array, K: number) {
  const g = gamma(K + 2);
  for (let k = 0; k < want.length; k++) {
    const err = Math.abs(got[k] - want[k]), tol = g * bound[k] + 1e-12;
    assert.ok(err <= tol, `entry ${k}: |${got[k]} - ${want[k]}| = ${err} > ${tol}`);
  }
}

/** Small shapes, most of them not multiples of 16. */
const shape = fc.record({
  batch: fc.integer({ min: 1, max: 40 }),
  nIn: fc.integer({ min: 1, max: 70 }),
  nOut: fc.integer({ min: 1, max: 35 }),
  zeros: fc.constantFrom(0, 0.5, 0.95),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

for (const version of [1, 2] as const) {
  test(
    `webgpu kernels v${version}: denseForward, denseBackwardWeights and denseBackwardInput equal the float64 reference within the float32 bound`,
    {
      skip,
    },
    async () => {
      const gpu = await createWebGpuBackend({ version });
      try {
        await fc.assert(
          fc.asyncProperty(shape, async ({ batch, nIn, nOut, zeros, seed }) => {
            const rng = new Rng(seed);
            const x = randomArray(rng, batch * nIn, zeros), W = randomArray(rng, nOut * nIn, zeros);
            const bias = randomArray(rng, nOut, 0), dz = randomArray(rng, batch * nOut, zeros);
            const z = new Float64Array(batch * nOut), zr = z.slice(), zb = z.slice();
            await gpu.denseForward(x, W, bias, z, batch, nIn, nOut);
            refBackend.denseForward(x, W, bias, zr, batch, nIn, nOut);
            refBackend.denseForward(abs(x), abs(W), abs(bias), zb, batch, nIn, nOut);
            assertWithin(z, zr, zb, nIn);

            const dW0 = randomArray(rng, nOut * nIn, 0), db0 = randomArray(rng, nOut, 0);
            const dW = dW0.slice(), db = db0.slice(), dWr = dW0.slice(), dbr = db0.slice();
            const dWb = abs(dW0), dbb = abs(db0);
            await gpu.denseBackwardWeights(dz, x, dW, db, batch, nIn, nOut);
            refBackend.denseBackwardWeights(dz, x, dWr, dbr, batch, nIn, nOut);
            refBackend.denseBackwardWeights(abs(dz), abs(x), dWb, dbb, batch, nIn, nOut);
            assertWithin(dW, dWr, dWb, batch);
            assertWithin(db, dbr, dbb, batch);

            const dx = new Float64Array(batch * nIn).fill(7), dxr = dx.slice(), dxb = dx.slice();
            await gpu.denseBackwardInput(dz, W, dx, batch, nIn, nOut);
            refBackend.denseBackwardInput(dz, W, dxr, batch, nIn, nOut);
            refBackend.denseBackwardInput(abs(dz), abs(W), dxb, batch, nIn, nOut);
            assertWithin(dx, dxr, dxb, nOut);
          }),
          fcParams(25),
        );
      } finally {
        gpu.close();
      }
    },
  );

  test(
    `webgpu fused TTFS layer v${version} gives the reference's activations, spike times (t = tmax - a) and max activation`,
    {
      skip,
    },
    async () => {
      const gpu = await createWebGpuBackend({ version });
      try {
        await fc.assert(
          fc.asyncProperty(
            shape,
            fc.double({ min: 1, max: 2000, noNaN: true }),
            async (s, tmax) => {
              const { batch, nIn, nOut, zeros } = s, rng = new Rng(s.seed), n = batch * nOut;
              const x = randomArray(rng, batch * nIn, zeros),
                W = randomArray(rng, nOut * nIn, zeros);
              const D = randomArray(rng, nOut, 0);
              const t = new Float64Array(n), a = t.slice(), tr = t.slice(), ar = t.slice();
              const b = t.slice();
              const max = await gpu.ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax);
              const maxr = refBackend.ttfsDenseForward(x, W, D, tr, ar, batch, nIn, nOut, tmax);
              refBackend.denseForward(abs(x), abs(W), abs(D), b, batch, nIn, nOut);
              // ReLU is 1-Lipschitz; t = tmax - a adds the roundings of tmax and t: u (|tmax| + |t|)
              assertWithin(a, ar, b, nIn);
              const g = gamma(nIn + 2);
              assertWithin(t, tr, b.map((v, k) => v + (U * (tmax + Math.abs(tr[k]))) / g), nIn);
              const bmax = b.reduce((m, v) => Math.max(m, v), 0);
              assert.ok(Math.abs(max - maxr) <= g * bmax + 1e-12, `max ${max} vs ${maxr}`);
              for (let k = 0; k < n; k++) assert.ok(a[k] >= 0 && t[k] <= Math.fround(tmax));
            },
          ),
          fcParams(20),
        );
      } finally {
        gpu.close();
      }
    },
  );
}

test(
  "the webgpu backend rejects sizes that do not match its arrays with a ShapeError before any dispatch",
  {
    skip,
  },
  async () => {
    const gpu = await createWebGpuBackend(), a = new Float64Array(6);
    try {
      await assert.rejects(gpu.denseForward(a, a, a, new Float64Array(2), 2, 3, 2), ShapeError);
      await assert.rejects(gpu.denseForward(a, a, a, a, 2, 1.5, 2), ShapeError);
      await assert.rejects(gpu.denseBackwardInput(a, a, a, -1, 3, 2), ShapeError);
      await assert.rejects(
        gpu.denseBackwardWeights(a, a, new Float64Array(1), a, 1, 3, 2),
        /dW has 1 entries/,
      );
      const W = new Float64Array(12), t = new Float64Array(2);
      await assert.rejects(gpu.ttfsDenseForward(a, W, a, t, a, 2, 3, 4, 1), /t has 2 entries/);
      const huge = 2 ** 27; // 512 MiB of float32 in x: beyond maxStorageBufferBindingSize
      const big = { length: huge } as unknown as Float64Array;
      await assert.rejects(gpu.denseForward(big, a, a, a, huge, 1, 1), /x needs .* bytes/);
    } finally {
      gpu.close();
    }
  },
);

/** Runs `f` with navigator.gpu missing (restored after), simulating Bun or Node in Deno. */
async function withoutWebGpu(f: () => Promise<void>): Promise<void> {
  if (!hasWebGpu) return f();
  const g = globalThis as { navigator?: unknown };
  const saved = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true });
  try {
    await f();
  } finally {
    if (saved) Object.defineProperty(globalThis, "navigator", saved);
    else delete g.navigator;
  }
}

test("openBackend('webgpu') without navigator.gpu rejects with a BackendUnavailableError that names ref and wasm", async () => {
  await withoutWebGpu(async () => {
    await assert.rejects(openBackend("webgpu"), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError, String(e));
      assert.match(e.message, /WebGPU is not available in \w+ [\d.]+: navigator\.gpu is missing/);
      assert.match(e.message, /available backends: ref, wasm/);
      return true;
    });
  });
});

test("openBackend gives ref and wasm in the async form, rejects unknown names listing ref, wasm, webgpu, and backendByName points webgpu to openBackend", async () => {
  for (const name of ["ref", "wasm"]) {
    const be = await openBackend(name), z = new Float64Array(1);
    await be.denseForward(
      new Float64Array([1, 2]),
      new Float64Array([3, 4]),
      new Float64Array([5]),
      z,
      1,
      2,
      1,
    );
    assert.equal(z[0], 16);
    assert.equal(be.name, name);
    if (name === "wasm") await assert.rejects(be.denseForward(z, z, z, z, 1, 2, 1), ShapeError);
    be.close();
  }
  await assert.rejects(
    openBackend("cuda"),
    (e: unknown) => e instanceof OptionError && /ref, wasm, webgpu/.test(e.message),
  );
  assert.throws(
    () => backendByName("webgpu"),
    (e: unknown) => e instanceof OptionError && /openBackend/.test(e.message),
  );
});

test(
  "a WGSL error rejects with a GpuError carrying the compiler's message, and a lost device fails the next call instead of hanging",
  {
    skip,
  },
  async () => {
    const ctx = await GpuContext.create({ timeoutMs: 20000 });
    try {
      await assert.rejects(ctx.pipeline("fn broken( {", "main", "broken"), (e: unknown) => {
        assert.ok(e instanceof GpuError, String(e));
        assert.match(e.message, /WGSL 'broken' failed: .*expected/s);
        return true;
      });
      const buf = ctx.storage(new Float32Array([1, 2]));
      ctx.device.destroy(); // as a driver reset would
      await ctx.device.lost;
      await assert.rejects(
        ctx.read(buf, 2),
        (e: unknown) => e instanceof GpuError && /device lost/.test(e.message),
      );
    } finally {
      ctx.destroy();
    }
  },
);
