// The registry's "lif-spikerep" claims (src/claims/lif_spikerep.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("lif-spikerep");
