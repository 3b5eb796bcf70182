/**
 * The one list of numerical claims. The tests (`tests/claims/`) and `spikeproof verify` both
 * iterate it; the proofs in `proofs/` cite its ids. There is no second list.
 *
 * @module
 */
import { ValueError } from "../errors.ts";
import { BACKEND_CLAIMS } from "./backend.ts";
import { FUSED_STEP_CLAIMS } from "./fused_steps.ts";
import type { Claim } from "./claim.ts";
import { LIF_BPTT_CLAIMS } from "./lif_bptt.ts";
import { LIF_COST_CLAIMS } from "./lif_cost.ts";
import { LIF_GRADIENT_CLAIMS } from "./lif_gradients.ts";
import { LIF_SAF_CLAIMS } from "./lif_saf.ts";
import { LIF_SPIKEREP_CLAIMS } from "./lif_spikerep.ts";
import { TTFS_CONV_CLAIMS } from "./ttfs_conv.ts";
import { TTFS_FUSED_STEP_CLAIMS } from "./ttfs_fused_step.ts";
import { TTFS_GRADIENT_CLAIMS } from "./ttfs_gradients.ts";
import { TTFS_HARDWARE_CLAIMS } from "./ttfs_hardware.ts";
import { TTFS_JACOBIAN_CLAIMS } from "./ttfs_jacobian.ts";
import { TTFS_MAPPING_CLAIMS } from "./ttfs_mapping.ts";
import { TTFS_NEURON_CLAIMS } from "./ttfs_neuron.ts";
import { TTFS_TRAINING_CLAIMS } from "./ttfs_training.ts";

/**
 * Every claim, TTFS (Stanojevic et al.) first, then LIF (Saiin et al., Xiao et al.), then the
 * backends.
 *
 * @example
 * ```ts
 * import { CLAIMS } from "./registry.ts";
 * console.log(CLAIMS.some((c) => c.id === "lif.saf-e-equals-ottt-o")); // true
 * ```
 */
export const CLAIMS: readonly Claim[] = [
  ...TTFS_NEURON_CLAIMS,
  ...TTFS_MAPPING_CLAIMS,
  ...TTFS_CONV_CLAIMS,
  ...TTFS_GRADIENT_CLAIMS,
  ...TTFS_JACOBIAN_CLAIMS,
  ...TTFS_TRAINING_CLAIMS,
  ...TTFS_HARDWARE_CLAIMS,
  ...LIF_SAF_CLAIMS,
  ...LIF_SPIKEREP_CLAIMS,
  ...LIF_BPTT_CLAIMS,
  ...LIF_GRADIENT_CLAIMS,
  ...LIF_COST_CLAIMS,
  ...BACKEND_CLAIMS,
  ...FUSED_STEP_CLAIMS,
  ...TTFS_FUSED_STEP_CLAIMS,
];

/**
 * The claim with this id; a ValueError naming the known ids otherwise.
 *
 * @example
 * ```ts
 * import { claimById } from "./registry.ts";
 * console.log(claimById("ttfs.mapping-exact").section); // "SPEC A4"
 * ```
 */
export function claimById(id: string): Claim {
  const c = CLAIMS.find((x) => x.id === id);
  if (!c) {
    throw new ValueError(`unknown claim '${id}'; known: ${CLAIMS.map((x) => x.id).join(", ")}`);
  }
  return c;
}

/**
 * The claims of one group (one file of src/claims/, one test file of tests/claims/).
 *
 * @example
 * ```ts
 * import { claimsInGroup } from "./registry.ts";
 * console.log(claimsInGroup("lif-bptt").length); // 3
 * ```
 */
export function claimsInGroup(group: string): Claim[] {
  return CLAIMS.filter((c) => c.group === group);
}
