// The registry's "lif-bptt" claims (src/claims/lif_bptt.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("lif-bptt");
