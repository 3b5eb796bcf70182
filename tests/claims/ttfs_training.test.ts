// The registry's "ttfs-training" claims (src/claims/ttfs_training.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-training");
