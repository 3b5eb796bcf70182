// The registry's "lif-cost" claims (src/claims/lif_cost.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("lif-cost");
