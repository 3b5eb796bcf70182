/// <reference lib="dom" />
// The verify worker: runs every claim of the registry in the page, as `spikeproof verify`
// does (same seed and runs), the backend claims on the wasm core, and reports each result.
import { asAsync } from "../../src/backend/async.ts";
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { CLAIMS } from "../../src/claims/registry.ts";
import { DEFAULT_SEED, runClaim } from "../../src/claims/run.ts";
import type { VerifyMessage } from "./messages.ts";

const post = (m: VerifyMessage) => (self as unknown as Worker).postMessage(m);

self.onmessage = async () => {
  try {
    const start = performance.now(), backend = asAsync(createWasmBackend());
    post({ kind: "claims", ids: CLAIMS.map((c) => c.id) });
    let passed = 0, failed = 0;
    for (const claim of CLAIMS) {
      const result = await runClaim(claim, { seed: DEFAULT_SEED, backend });
      result.pass ? passed++ : failed++;
      post({ kind: "claim", result });
    }
    post({ kind: "verify-done", passed, failed, seconds: (performance.now() - start) / 1000 });
  } catch (err) {
    post({
      kind: "error",
      message: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
};
