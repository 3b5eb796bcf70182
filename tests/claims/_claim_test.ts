/**
 * The claim tests: one node:test test per registry claim, named by its `testName`, run with
 * the claim's default runs and the fixed seed (SPIKEPROOF_FC_SEED replays another). A failure
 * carries the shrunk counterexample, the seed and path, and the replay command.
 */
import { test } from "node:test";
import process from "node:process";
import type { Claim, ClaimBackend } from "../../src/claims/claim.ts";
import { claimsInGroup } from "../../src/claims/registry.ts";
import { assertClaim, DEFAULT_SEED } from "../../src/claims/run.ts";

/** The seed of the claim tests: SPIKEPROOF_FC_SEED or the default. */
export function testSeed(): number {
  const env = process.env.SPIKEPROOF_FC_SEED;
  return env ? Number(env) : DEFAULT_SEED;
}

/** Runs one claim on each backend given (the reference if none) and prints its worst error. */
export async function checkClaim(claim: Claim, backends: ClaimBackend[] = []): Promise<void> {
  for (const backend of backends.length ? backends : [undefined]) {
    const r = await assertClaim(claim, { seed: testSeed(), backend });
    const cover = r.coverage.map((c) => `, ${c.total} ${c.name}`).join("");
    console.log(
      `${claim.id}${backend ? ` [${backend.name}]` : ""}: worst ${r.worst.toExponential(2)} ` +
        `<= ${claim.tolerance} over ${r.runs} runs${cover}`,
    );
  }
}

/**
 * Registers a test per claim of `group`; backend claims run on `backends()`.
 *
 * @example
 * ```ts ignore
 * claimTests("lif-bptt");
 * ```
 */
export function claimTests(group: string, backends?: () => ClaimBackend[]): void {
  const claims = claimsInGroup(group);
  if (!claims.length) throw new Error(`no claims in group '${group}'`);
  for (const claim of claims) {
    test(
      claim.testName,
      { timeout: 600_000 },
      () => checkClaim(claim, claim.usesBackend && backends ? backends() : []),
    );
  }
}
