/**
 * The registry of every numerical claim of the two papers, as fast-check properties: the
 * tests (`tests/claims/`) and `spikeproof verify` both run this one list. A separate entry
 * point from `mod.ts` because it needs fast-check (a dependency; JSR and npm resolve it, a bare
 * URL import of mod.ts needs nothing).
 *
 * @example
 * ```ts
 * import { claimById, runClaim } from "./mod.ts";
 * const r = await runClaim(claimById("ttfs.mapping-exact"), { runs: 10 });
 * console.log(r.pass, r.worst <= r.tolerance); // true true
 * ```
 *
 * @module
 */
export {
  type CaseResult,
  type Claim,
  type ClaimBackend,
  type ClaimContext,
  defineClaim,
  violated,
} from "./claim.ts";
export { claimById, CLAIMS, claimsInGroup } from "./registry.ts";
export {
  assertClaim,
  ClaimError,
  type ClaimResult,
  type CoverageResult,
  DEFAULT_SEED,
  describeFailure,
  replayCommand,
  runClaim,
  type RunClaimOptions,
} from "./run.ts";
