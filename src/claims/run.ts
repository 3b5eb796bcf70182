/**
 * Running a claim: fast-check draws `runs` cases from a seed, computes each one's error, keeps
 * the worst, and on a failure shrinks it to a small counterexample that `--seed` and `--path`
 * replay exactly.
 *
 * @module
 */
import fc from "fast-check";
import { refBackend } from "../backend/ref.ts";
import { SpikeproofError } from "../errors.ts";
import type { CaseResult, Claim, ClaimBackend } from "./claim.ts";

/**
 * The fixed seed of every claim run unless another is given (the tests' and `verify`'s).
 *
 * @example
 * ```ts
 * import { DEFAULT_SEED } from "./run.ts";
 * console.log(DEFAULT_SEED); // 20241123
 * ```
 */
export const DEFAULT_SEED = 20241123;

/** How to run a claim. */
export interface RunClaimOptions {
  /** Random cases (default: the claim's `defaultRuns`). */
  runs?: number;
  /** fast-check seed (default {@link DEFAULT_SEED}). */
  seed?: number;
  /** fast-check replay path of one case (from a failure report). */
  path?: string;
  /** The backend of backend-equivalence claims (default: the float64 reference). */
  backend?: ClaimBackend;
}

/** A count a claim needs enough of over its runs (e.g. gradient entries compared). */
export interface CoverageResult {
  /** The count's name, a key of the claim's `coverage`. */
  name: string;
  /** Its total over the cases run. */
  total: number;
  /** The minimum total, the claim's `coverage` minimum scaled to the runs (rounded up). */
  required: number;
}

/** The outcome of one claim: its worst error and, on failure, the shrunk counterexample. */
export interface ClaimResult {
  /** The claim's stable id, e.g. "ttfs.mapping-exact". */
  id: string;
  /** The paper that states it. */
  paper: string;
  /** Where the paper and docs/spec.md state it, e.g. "SPEC A4" (section A4 of docs/spec.md). */
  section: string;
  /** The node:test test that runs it. */
  testName: string;
  /** The backend it ran on ("ref" unless a backend claim was given one). */
  backend: string;
  /** Cases run (fewer than asked when it failed early). */
  runs: number;
  /** Cases asked for (`runs` of the options, or the claim's default): what a replay repeats. */
  requestedRuns: number;
  /** The worst error over the cases (NaN counts as worst). */
  worst: number;
  /** The largest error a case may show. */
  tolerance: number;
  /** No case exceeded the tolerance or threw, and (unless replaying a path) coverage was met. */
  pass: boolean;
  /** The fast-check seed the cases were drawn with. */
  seed: number;
  /** Each of the claim's required counts against its total over the run. */
  coverage: CoverageResult[];
  /** fast-check's shrunk counterexample, printed. */
  counterexample?: string;
  /** fast-check's replay path of the counterexample. */
  path?: string;
  /** Why it failed: the case's error against the tolerance, a thrown error, or coverage. */
  failure?: string;
}

/**
 * A claim failed: the message carries the counterexample and the replay seed and path.
 *
 * @example
 * ```ts
 * import { claimById } from "./mod.ts";
 * import { assertClaim, ClaimError } from "./run.ts";
 * try {
 *   await assertClaim(claimById("ttfs.mapping-exact"), { runs: 5 });
 * } catch (e) {
 *   if (e instanceof ClaimError) console.log(e.message); // the failure and its replay command
 * }
 * ```
 */
export class ClaimError extends SpikeproofError {}

const caseOf = (r: CaseResult): { error: number; counts?: Record<string, number> } =>
  typeof r === "number" ? { error: r } : r;

/**
 * Runs a claim's property and reports its worst error; never throws for a failing claim.
 *
 * @example
 * ```ts
 * import { claimById, runClaim } from "./mod.ts";
 * const r = await runClaim(claimById("ttfs.mapping-exact"), { runs: 5 });
 * console.log(r.pass, r.worst <= r.tolerance); // true true
 * ```
 */
export async function runClaim(claim: Claim, options: RunClaimOptions = {}): Promise<ClaimResult> {
  const runs = options.runs ?? claim.defaultRuns, seed = options.seed ?? DEFAULT_SEED;
  const backend = options.backend ?? refBackend, context = { backend };
  let worst = 0, failingError = NaN; // the error of the last failing case: the shrunk one
  const totals: Record<string, number> = {};
  const details = await fc.check(
    fc.asyncProperty(claim.arbitrary, async (input) => {
      const { error, counts } = caseOf(await claim.error(input, context));
      worst = Number.isNaN(error) || Number.isNaN(worst) ? NaN : Math.max(worst, error);
      for (const [k, v] of Object.entries(counts ?? {})) totals[k] = (totals[k] ?? 0) + v;
      if (error <= claim.tolerance) return true;
      failingError = error;
      return false;
    }),
    { numRuns: runs, seed, path: options.path, endOnFailure: false, includeErrorInReport: true },
  );
  const coverage = Object.entries(claim.coverage ?? {}).map(([name, min]) => ({
    name,
    total: totals[name] ?? 0,
    required: Math.ceil((min * runs) / claim.defaultRuns),
  }));
  const result: ClaimResult = {
    id: claim.id,
    paper: claim.paper,
    section: claim.section,
    testName: claim.testName,
    backend: claim.usesBackend ? backend.name : "ref",
    runs: details.numRuns,
    requestedRuns: runs,
    worst,
    tolerance: claim.tolerance,
    pass: !details.failed,
    seed,
    coverage,
  };
  if (details.failed) {
    result.counterexample = fc.stringify(details.counterexample);
    result.path = details.counterexamplePath ?? undefined;
    const thrown = details.errorInstance;
    result.failure = thrown instanceof Error && !/Property failed by returning false/.test(
        thrown.message,
      )
      ? `threw ${thrown.name}: ${thrown.message}`
      : `error ${failingError} > tolerance ${claim.tolerance} (${claim.errorMeasure})`;
  } else if (!options.path) {
    const short = coverage.find((c) => c.total < c.required);
    if (short) {
      result.pass = false;
      result.failure = `only ${short.total} ${short.name} over ${runs} cases, ` +
        `${short.required} needed for the check to mean something`;
    }
  }
  return result;
}

/**
 * The replay command line of a result: its seed and runs (coverage and the cases drawn depend
 * on both), and its counterexample's path when it has one.
 *
 * @example
 * ```ts
 * import { replayCommand } from "./run.ts";
 * console.log(replayCommand({ id: "ttfs.mapping-exact", seed: 1, requestedRuns: 30, path: "3:0", backend: "ref" }));
 * ```
 */
export function replayCommand(
  r: Pick<ClaimResult, "id" | "seed" | "requestedRuns" | "path" | "backend">,
): string {
  return `npm run verify -- --claim ${r.id} --seed ${r.seed} --runs ${r.requestedRuns}` +
    (r.path ? ` --path ${r.path}` : "") + (r.backend !== "ref" ? ` --backend ${r.backend}` : "");
}

/**
 * A failing result, in words: the failure, the shrunk counterexample, the seed and path, and
 * the command that replays it. Empty for a passing result.
 *
 * @example
 * ```ts
 * import { describeFailure } from "./run.ts";
 * console.log(describeFailure({ pass: true } as never)); // ""
 * ```
 */
export function describeFailure(r: ClaimResult): string {
  if (r.pass) return "";
  return [
    `claim ${r.id} failed (${r.testName}): ${r.failure}`,
    ...(r.counterexample !== undefined ? [`  counterexample: ${r.counterexample}`] : []),
    `  seed: ${r.seed}${r.path ? `, path: ${r.path}` : ""}`,
    `  replay: ${replayCommand(r)} (tests: SPIKEPROOF_FC_SEED=${r.seed})`,
  ].join("\n");
}

/**
 * Runs a claim and throws a {@link ClaimError} carrying {@link describeFailure} if it fails;
 * resolves to the result otherwise (what a node:test test awaits).
 *
 * @example
 * ```ts
 * import { assertClaim, claimById } from "./mod.ts";
 * const r = await assertClaim(claimById("ttfs.reverse-mapping"), { runs: 3 });
 * console.log(r.worst);
 * ```
 */
export async function assertClaim(
  claim: Claim,
  options: RunClaimOptions = {},
): Promise<ClaimResult> {
  const r = await runClaim(claim, options);
  if (!r.pass) throw new ClaimError(describeFailure(r));
  return r;
}
