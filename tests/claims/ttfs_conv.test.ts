// The registry's "ttfs-conv" claims (src/claims/ttfs_conv.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-conv");
