// The registry's "ttfs-mapping" claims (src/claims/ttfs_mapping.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-mapping");
