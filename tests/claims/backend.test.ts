// The registry's backend-equivalence claims (src/claims/backend.ts), on both wasm kernel
// versions (v1, v2, v3 and the per-call choice "auto"); `spikeproof verify --backend` runs them on any backend.
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { claimTests } from "./_claim_test.ts";

claimTests(
  "backend",
  () => ([1, 2, 3, "auto"] as const).map((version) => createWasmBackend({ version })),
);
