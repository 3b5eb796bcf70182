import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MAX_WASM_BYTES, WasmCore } from "../../src/backend/wasm/core.ts";
import { ValueError } from "../../src/errors.ts";

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
