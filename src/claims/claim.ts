/**
 * What a numerical claim is: a stable id, where the paper states it, the node:test test that
 * runs it, how many random cases it takes and the error it may show, and the property itself,
 * a fast-check arbitrary plus a function computing one case's error (pass iff error <=
 * tolerance). The tests and `spikeproof verify` both read these from `registry.ts`.
 *
 * @module
 */
import type { Arbitrary } from "fast-check";
import type { Awaitable, DensePrimitives } from "../backend/backend.ts";

/**
 * The dense primitives a backend-equivalence claim runs on: the sync `Backend` and the async
 * form both fit (each call's result is awaited). The primitives are `DensePrimitives`
 * (src/backend/backend.ts), each returning its result or a Promise of it.
 */
export interface ClaimBackend extends Awaitable<DensePrimitives> {
  /** A short name, e.g. "wasm". */
  readonly name: string;
}

/** What a claim's error function may use besides its random case. */
export interface ClaimContext {
  /** The backend a backend-equivalence claim checks (others ignore it). */
  backend: ClaimBackend;
}

/**
 * One case's outcome: its error, and optionally counts that add up over the runs (e.g. how
 * many gradient entries were compared), checked against the claim's `coverage`.
 */
export type CaseResult = number | { error: number; counts?: Record<string, number> };

/**
 * A numerical claim of one of the papers, with the property that checks it. Its `arbitrary`
 * field (the random cases) is a fast-check `Arbitrary<T>`, left out of these docs because
 * fast-check's own types are not part of this package's documented API.
 */
export interface Claim<T = unknown> {
  /** Stable id, `group.name`, e.g. "ttfs.mapping-exact"; proofs/ link to it. */
  id: string;
  /** The source file's group, e.g. "ttfs-mapping" (one test file per group). */
  group: string;
  /** The paper, e.g. "Stanojevic et al. 2024". */
  paper: string;
  /**
   * Where: the paper's section and docs/spec.md's, e.g. "Sec. 2.2; SPEC A4" (section A4 of
   * docs/spec.md).
   */
  section: string;
  /** The claim in one line. */
  statement: string;
  /** The node:test test that runs it (proofs/ cite this name). */
  testName: string;
  /** Random cases at the default. */
  defaultRuns: number;
  /** The largest error a case may show (each claim says why). */
  tolerance: number;
  /** What the error measures, e.g. "max |logit diff| / max(1, max |logit|)". */
  errorMeasure: string;
  /** Minimum totals of the cases' counts at `defaultRuns` (scaled with the runs). */
  coverage?: Record<string, number>;
  /** True for the claims that compare a backend with the reference. */
  usesBackend?: boolean;
  /**
   * The random cases, a fast-check `Arbitrary<T>`.
   *
   * @ignore
   */
  arbitrary: Arbitrary<T>;
  /** One case's error (async where a backend is awaited). */
  error(input: T, context: ClaimContext): CaseResult | Promise<CaseResult>;
}

/**
 * Declares a claim with its case type checked, then erases the type for the registry.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { defineClaim } from "./claim.ts";
 * const c = defineClaim({
 *   id: "demo.square", group: "demo", paper: "-", section: "-", statement: "x*x >= 0",
 *   testName: "x*x is never negative", defaultRuns: 10, tolerance: 0,
 *   errorMeasure: "max(0, -x*x)", arbitrary: fc.double({ noNaN: true }),
 *   error: (x: number) => Math.max(0, -x * x),
 * });
 * console.log(c.id); // "demo.square"
 * ```
 */
export function defineClaim<T>(claim: Claim<T>): Claim {
  return claim as unknown as Claim;
}

/**
 * The error of a structural condition: 0 if it holds, Infinity if not (a claim like "every
 * spike time lies in [tmin, tmax]" has no size, only a truth value).
 *
 * @example
 * ```ts
 * import { violated } from "./claim.ts";
 * console.log(violated(false), violated(true)); // 0 Infinity
 * ```
 */
export function violated(condition: boolean): number {
  return condition ? Infinity : 0;
}
