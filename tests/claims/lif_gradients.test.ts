// The registry's "lif-gradients" claims (src/claims/lif_gradients.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("lif-gradients");
