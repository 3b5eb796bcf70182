// The registry's "ttfs-jacobian" claims (src/claims/ttfs_jacobian.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-jacobian");
