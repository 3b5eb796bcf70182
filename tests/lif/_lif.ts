/**
 * Random LIF networks and inputs for the LIF tests: the claim registry's generators
 * (src/claims/lif_nets.ts) and differences (src/claims/compare.ts), one copy for both.
 */
export {
  directInput,
  lifInputs,
  lifLabels,
  lifNet,
  type LifSpec,
  lifSpec,
} from "../../src/claims/lif_nets.ts";
export { globalRel, relDiff, worstRel } from "../../src/claims/compare.ts";
