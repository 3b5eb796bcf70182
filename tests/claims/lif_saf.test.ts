// The registry's "lif-saf" claims (src/claims/lif_saf.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("lif-saf");
