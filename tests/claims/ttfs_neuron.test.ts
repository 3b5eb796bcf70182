// The registry's "ttfs-neuron" claims (src/claims/ttfs_neuron.ts): one test per claim.
import { claimTests } from "./_claim_test.ts";

claimTests("ttfs-neuron");
