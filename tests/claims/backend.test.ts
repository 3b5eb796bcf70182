// The registry's backend-equivalence claims (src/claims/backend.ts), on both wasm kernel
// versions (v1, v2 and v3); `spikeproof verify --backend` runs them on any backend.
import { createWasmBackend } from "../../src/backend/wasm.ts";
import { claimTests } from "./_claim_test.ts";

claimTests("backend", () => ([1, 2, 3] as const).map((version) => createWasmBackend({ version })));
