// verify --backend webgpu. Its own file (its name says webgpu) so that npm test runs it in Deno's
// WebGPU process, which is retried once if Deno aborts at exit after every test passed (a known
// llvmpipe teardown crash; scripts/test.mjs), instead of in the main Deno process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../_cli.ts";

test("verify --backend webgpu runs the backend claim where WebGPU exists (Deno), and elsewhere is one BackendUnavailableError line (exit 1), not a hang", async () => {
  const argv = ["--claim", "backend.ttfs-layer-f32-bound", "--backend", "webgpu", "--runs", "2"];
  const { code, stdout, stderr } = await runCli(["verify", ...argv]);
  const out = [...stdout, ...stderr].join("\n");
  if (code === 1) assert.match(out, /BackendUnavailableError: WebGPU/);
  else assert.equal(code, 0, out); // a runtime with WebGPU (Deno) runs the claim
});
