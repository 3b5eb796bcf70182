/**
 * The WebGPU backend (src/backend/webgpu.ts, webgpu/matmul.ts): the registry's
 * backend-equivalence claims (src/claims/backend.ts: dense kernels and fused TTFS layer within
 * the float32 bound gamma_{K+2}, which holds for any summation order and with or without fused
 * multiply-adds, as WGSL allows) on every kernel version, plus its shape checks and errors.
 *
 * Runs in Deno (navigator.gpu); in Bun and Node the WebGPU tests skip with the reason printed,
 * and the "not available" test checks the real missing navigator.gpu.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, openBackend } from "../../src/backend/select.ts";
import { createWebGpuBackend, type WebGpuBackendOptions } from "../../src/backend/webgpu.ts";
import { GpuContext, webGpuAvailable } from "../../src/backend/webgpu/device.ts";
import { claimsInGroup } from "../../src/claims/registry.ts";
import { BackendUnavailableError, GpuError, OptionError, ShapeError } from "../../src/errors.ts";
import { checkClaim } from "../claims/_claim_test.ts";

const hasWebGpu = await webGpuAvailable(5000);
const skip = hasWebGpu ? false : "no WebGPU in this runtime (navigator.gpu missing)";
if (skip) console.log(`webgpu.test.ts: WebGPU tests skipped: ${skip}`);

type KernelVersion = NonNullable<WebGpuBackendOptions["version"]>;
/** Every kernel version `createWebGpuBackend` accepts (the type check fails if one is missing). */
const ACCEPTED: Record<KernelVersion, true> = { 1: true, 2: true, 3: true };
const VERSIONS = Object.keys(ACCEPTED).map(Number) as KernelVersion[];

for (const version of VERSIONS) {
  for (const claim of claimsInGroup("backend").filter((c) => c.usesBackend)) {
    test(`webgpu kernels v${version}: ${claim.statement} (${claim.id})`, { skip }, async () => {
      const gpu = await createWebGpuBackend({ version });
      try {
        await checkClaim(claim, [gpu]);
      } finally {
        gpu.close();
      }
    });
  }
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
