import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import {
  MAX_WASM_BYTES,
  relaxedSimdDefault,
  sharedCoreMemory,
  WasmCore,
} from "../../src/backend/wasm/core.ts";
import { CORE_WASM_RELAXED_BASE64 } from "../../src/backend/wasm/core_module.ts";
import { Rng } from "../../src/nn/rng.ts";
import { ValueError } from "../../src/errors.ts";
import { ZERO_SKIP_DENSITY } from "../../src/backend/wasm.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the committed core module equals a fresh build of core-as/", { timeout: 120_000 }, () => {
  const r = spawnSync("node", ["scripts/build_wasm.mjs", "--check"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test("the core imports nothing and exports its memory", () => {
  const core = new WasmCore();
  assert.ok(core.exports.memory instanceof WebAssembly.Memory);
  assert.equal(core.exports.heapBase() % 16, 0);
});

test("the arena grows the memory, its float32 view follows every grow, and reset frees it", () => {
  const core = new WasmCore(), before = core.exports.memory.buffer.byteLength;
  const p = core.alloc(16);
  core.f32()[p / 4] = 3;
  const q = core.alloc(before + 1e6); // forces memory.grow: the old view is detached
  assert.ok(core.exports.memory.buffer.byteLength > before);
  assert.equal(core.f32().buffer, core.exports.memory.buffer);
  assert.equal(core.f32()[p / 4], 3);
  core.f32()[q / 4] = 5;
  core.reset();
  assert.equal(core.alloc(16), p);
});

test("asking the arena for more than WebAssembly's 4 GiB is a ValueError that names the size", () => {
  const core = new WasmCore();
  assert.throws(() => core.alloc(MAX_WASM_BYTES), (e: unknown) => {
    assert.ok(e instanceof ValueError);
    assert.match((e as Error).message, /4 GiB/);
    return true;
  });
});

/** Whether this runtime can validate relaxed SIMD: Deno, Bun, Node 22, or Node 20.16+ with its flag. */
function runtimeHasRelaxedSimd(): boolean {
  if ("Deno" in globalThis || "Bun" in globalThis) return true;
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 20 || (major === 20 && minor >= 16);
}

test("the relaxed-SIMD build loads in Deno, Bun and Node (Node 20 after its flag is set) unless SPIKEPROOF_RELAXED_SIMD=0, and its 6-row GEMM tiles give the plain build's products within the float32 bound", () => {
  const optedOut = process.env.SPIKEPROOF_RELAXED_SIMD === "0";
  assert.equal(relaxedSimdDefault(), !optedOut && runtimeHasRelaxedSimd());
  const valid = WebAssembly.validate(
    Uint8Array.from(atob(CORE_WASM_RELAXED_BASE64), (c) => c.charCodeAt(0)),
  );
  if (!optedOut) assert.equal(valid, runtimeHasRelaxedSimd());
  if (!valid) {
    assert.throws(() => new WasmCore({ relaxed: true }), ValueError);
    return;
  }
  const rng = new Rng(4), [m, k, n] = [23, 301, 37]; // 3 six-row tiles, a 4-row tile, a 1-row tail
  const x = Float64Array.from({ length: m * k }, () => rng.normal());
  const W = Float64Array.from({ length: n * k }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const run = (core: WasmCore) => {
    const ex = core.exports, px = core.put(x, m * k), pW = core.put(W, n * k), pb = core.put(b, n);
    const pz = core.alloc(m * n * 4), s = core.alloc(ex.gemmScratchBytes(k, n));
    ex.denseForward3(px, pW, pb, pz, m, k, n, s);
    return core.f32().slice(pz / 4, pz / 4 + m * n);
  };
  const plain = run(new WasmCore({ relaxed: false })), fused = run(new WasmCore({ relaxed: true }));
  const gamma = ((k + 2) * 2 ** -24) / (1 - (k + 2) * 2 ** -24);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let abs = Math.abs(b[j]);
      for (let q = 0; q < k; q++) abs += Math.abs(x[r * k + q] * W[j * k + q]);
      const d = Math.abs(plain[r * n + j] - fused[r * n + j]);
      assert.ok(d <= 2 * gamma * abs, `z[${r},${j}]: ${d} > 2 gamma |.|`);
    }
  }
});

test(
  "in Node, SPIKEPROOF_RELAXED_SIMD=0 leaves V8's relaxed-SIMD flag alone: cores use the plain build and the engine's own answer stands",
  { timeout: 60_000 },
  () => {
    const script = [
      `import { relaxedSimdDefault, WasmCore } from "./src/backend/wasm/core.ts";`,
      `import { CORE_WASM_RELAXED_BASE64 as b } from "./src/backend/wasm/core_module.ts";`,
      `const bytes = Uint8Array.from(atob(b), (c) => c.charCodeAt(0));`,
      `const before = WebAssembly.validate(bytes);`,
      `const core = new WasmCore();`,
      `console.log(JSON.stringify({ d: relaxedSimdDefault(), r: core.relaxed, before,`,
      `  after: WebAssembly.validate(bytes) }));`,
    ].join("\n");
    const r = spawnSync("node", ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, SPIKEPROOF_RELAXED_SIMD: "0" },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(out, { d: false, r: false, before: out.before, after: out.before });
  },
);

test("cores made on one shared memory see each other's writes, also after a grow, and a shared memory past 1 GiB is a ValueError", () => {
  const memory = sharedCoreMemory(1 << 16);
  const a = new WasmCore({ memory }), b = new WasmCore({ memory });
  assert.equal(a.exports.memory, memory);
  const p = a.alloc(16);
  a.f32()[p / 4] = 2;
  assert.equal(b.f32()[p / 4], 2);
  const q = a.alloc(3 << 20); // grows the shared memory
  a.f32()[q / 4 + 5] = 7;
  assert.equal(b.f32()[q / 4 + 5], 7);
  assert.throws(() => sharedCoreMemory(2 ** 31), ValueError);
  b.reset(a.top);
  assert.throws(() => b.alloc(2 ** 30), /shared core memory ends at 1 GiB/);
});

test("ttfsInputs gives the SNN's input 1 - (1 - x) and the twin's x with the reference's float32 roundings, bit for bit, in both builds", () => {
  const rng = new Rng(5), n = 1003; // not a multiple of 4: the scalar tail runs too
  const x = Float64Array.from({ length: n }, (_, k) => (k % 7 ? rng.uniform() ** 3 : k % 2));
  for (const relaxed of relaxedSimdDefault() ? [false, true] : [false]) {
    const c = new WasmCore({ relaxed }), p = c.alloc(n * 8), s = c.alloc(n * 4);
    const t = c.alloc(n * 4), only = c.alloc(n * 4);
    new Float64Array(c.exports.memory.buffer, p, n).set(x);
    c.exports.ttfsInputs(p, s, t, n);
    c.exports.ttfsInputs(p, only, 0, n); // no twin: its buffer untouched
    const f = c.f32(), at = (q: number, k: number) => f[q / 4 + k];
    for (let k = 0; k < n; k++) {
      assert.equal(at(s, k), Math.fround(1 - (1 - x[k])), `snn ${k}`);
      assert.equal(at(t, k), Math.fround(x[k]), `twin ${k}`);
      assert.equal(at(only, k), at(s, k));
    }
  }
});

test("sparserThanSkip answers nonzeroFraction < ZERO_SKIP_DENSITY for every stride order and density around the crossover, with -0 and NaN entries", () => {
  const rng = new Rng(6), c = new WasmCore(), ex = c.exports;
  for (let trial = 0; trial < 300; trial++) {
    const rows = 1 + Math.floor(rng.uniform() * 13), K = 1 + Math.floor(rng.uniform() * 21);
    const density = ZERO_SKIP_DENSITY + (rng.uniform() - 0.5) * 0.3;
    c.reset();
    const p = c.alloc(rows * K * 4), f = c.f32();
    for (let k = 0; k < rows * K; k++) {
      const u = rng.uniform();
      f[p / 4 + k] = u < density ? (u < 0.01 ? NaN : u - 0.5) : (u < density + 0.05 ? -0 : 0);
    }
    // row-major (sak = 4), column-major (sar = 4) and a strided view of every other column
    const views = [[K * 4, 4, rows, K], [4, rows * 4, K, rows], [K * 4, 8, rows, K >> 1]];
    for (const [sar, sak, r, k] of views) {
      const want = ex.nonzeroFraction(p, sar, sak, r, k) < ZERO_SKIP_DENSITY;
      assert.equal(!!ex.sparserThanSkip(p, sar, sak, r, k), want, `${r}x${k} ${sar} ${sak}`);
    }
  }
});
