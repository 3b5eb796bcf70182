import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("npm run bench (smoke: one sample per case) runs every case under Bun, Deno and Node", {
  timeout: 600_000,
}, () => {
  const r = spawnSync("node", ["scripts/bench.mjs", "--smoke"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  for (const runtime of ["bun", "deno", "node"]) {
    assert.match(r.stdout, new RegExp(`^${runtime} .*limit measured`, "m"));
  }
  assert.equal(r.stdout.match(/^ttfs-fc2 training step, batch 64 .*wasm\/ref/gm)?.length, 3);
  assert.equal(r.stdout.match(/^matmul 512 .*wasm\/peer/gm)?.length, 3);
  assert.equal(r.stdout.match(/^lif-mlp step T=6 SAF-E, batch 64 .*wasm\/ref/gm)?.length, 3);
  assert.equal(
    r.stdout.match(/^lif-mlp step time ratio SAF-E\/OTTT_O trace: ref [\d.]+, wasm/gm)?.length,
    3,
  );
});
