/**
 * Shared fast-check settings for the property tests that are not registry claims. Every
 * property runs with a fixed seed unless SPIKEPROOF_FC_SEED is set, so a failure replays
 * exactly. The random models live with the claims (src/claims/nets.ts) and are re-exported.
 */
import type fc from "fast-check";
import process from "node:process";
import { DEFAULT_SEED } from "../src/claims/run.ts";

export {
  type ConvSpec,
  convSpec,
  type NetSpec,
  netSpec,
  preActivations,
  randomInputs,
  randomLabels,
  randomRelu,
} from "../src/claims/nets.ts";
export { checkGradients, maxAbs, maxAbsDiff } from "../src/claims/compare.ts";
export { b1Region, generalRegion } from "../src/claims/regions.ts";

/** fast-check parameters: at least `runs` runs, a fixed (or given) seed. */
export function fcParams(runs = 100): fc.Parameters<unknown> {
  const env = process.env.SPIKEPROOF_FC_SEED;
  return {
    numRuns: runs,
    seed: env ? Number(env) : DEFAULT_SEED,
    endOnFailure: false,
    includeErrorInReport: true,
  };
}
