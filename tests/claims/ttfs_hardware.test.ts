// The registry's "ttfs-hardware" claims (src/claims/ttfs_hardware.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-hardware");
