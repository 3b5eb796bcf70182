/**
 * One participant's side of a data-parallel TTFS step (`wasm_workers.ts` runs n of them, the
 * caller and its workers): wait for the last step's Adam everywhere and pull the parameters
 * (`settle`), run the forward and backward pass of its rows, post its figures and operands,
 * then form the gradient, its norm terms and Adam's step on the ranges it owns (`exchange`,
 * `wasm_ranges.ts`). The control words and their waits are in `wasm_sync.ts`.
 *
 * @module
 */
import type { TwinCore } from "./wasm_core.ts";
import {
  arrive,
  ARRIVED,
  barrier,
  DONE,
  readParts,
  SUMS,
  type TwinShare,
  type Views,
  waitFor,
  writeParts,
  writeShare,
  writeSums,
} from "./wasm_sync.ts";
import {
  type DeferredGrad,
  formRange,
  normTerms,
  type OwnedRange,
  ownedRanges,
  rangeFloats,
} from "./wasm_ranges.ts";

/** What a participant keeps across steps: its core, the gradients' offsets, its ranges. */
export interface Participant {
  core: TwinCore;
  /** G_v of every participant v (byte offsets). */
  G: number[];
  /** The ranges it owns (`ownedRanges`). */
  ranges: OwnedRange[];
  /** Their floats [lo, hi) in a parameter-shaped block, where it takes Adam's step. */
  floats: [number, number][];
  v: Views;
  w: number;
  n: number;
}

/**
 * Participant w of n on its core: its ranges and their floats found once.
 *
 * @example
 * ```ts ignore
 * const me = participant(core, gradientsOf(layouts), v, w, n); // then share(me, k, ...) per step
 * ```
 */
export const participant = (
  core: TwinCore,
  G: number[],
  v: Views,
  w: number,
  n: number,
): Participant => {
  const ranges = ownedRanges(core, w, n);
  return { core, G, ranges, floats: ranges.flatMap((r) => rangeFloats(core, r)), v, w, n };
};

/**
 * Participant w's part of step k after its backward pass (its conv layers' gradients in its G,
 * its dense layers' operands in the control buffer): barrier 1, then on the ranges it owns
 * (`wasm_ranges.ts`) the summed gradient and its sums of squares (posted: SUMS), then Adam's
 * step there (posted: DONE). Nobody waits for DONE here: the next step's `settle` does.
 */
function exchange({ core, G, ranges, floats, v, w, n }: Participant, k: number): void {
  barrier(v.ctl, ARRIVED, n, k);
  const sums = new Array<number>(normTerms(core)).fill(0);
  for (const r of ranges) {
    sums[r.m * core.slots.length + r.l] = formRange(core, r, G, readParts(v, n, r.m, r.l));
  }
  writeSums(v, w, sums); // the gradient norms' terms, this participant's ranges
  arrive(v.ctl, SUMS);
  core.adam(G[0], floats);
  arrive(v.ctl, DONE);
}

/**
 * Waits until every participant has taken Adam's step of step k (and so has read everyone's
 * operands of it), then copies the parameters into this thread's P.
 *
 * @example
 * ```ts ignore
 * settle(me, k); // before the caller evaluates or reads the parameters after step k
 * ```
 */
export function settle({ core, v, n }: Participant, k: number): void {
  if (k > 0) waitFor(v.ctl, DONE, (a) => a >= n * k);
  core.pullShared();
}

/**
 * Participant w's rows of step k: `settle` step k - 1, the backward pass, its figures and
 * operands posted, `exchange`. Returns its figures.
 *
 * @example
 * ```ts ignore
 * const figures = share(me, k, x, labels, rows, batch); // the worker's loop runs this per step
 * ```
 */
export function share(
  p: Participant,
  k: number,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  batch: number,
): TwinShare {
  const parts: DeferredGrad[] = [];
  settle(p, k - 1); // step k - 1's updates everywhere; nobody reads this arena any more
  const figures = p.core.gradients(x, labels, rows, batch, parts);
  writeShare(p.v, p.w, figures);
  writeParts(p.v, p.w, parts);
  exchange(p, k);
  return figures;
}
