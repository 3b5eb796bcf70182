// The registry's "ttfs-gradients" claims (src/claims/ttfs_gradients.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-gradients");
