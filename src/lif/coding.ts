/**
 * Input coding: images [batch, features] in [0, 1] to T steps of input xs[t].
 *
 * - "direct": x[t] = x at every step (the input current of OTTT; the same array each step).
 * - "bernoulli": x[t]_i = 1 with probability x_i, else 0 (a rate code of 0/1 spikes).
 * - "poisson": x[t]_i ~ Poisson(x_i) (a count; mean x_i per step, as above).
 *
 * The random codes take a seed; the same seed gives the same spikes in every runtime.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { exp } from "../nn/math/mod.ts";
import { Rng } from "../nn/rng.ts";

/** The input codes {@link codeInput} knows. */
export type InputCoding = "direct" | "bernoulli" | "poisson";

/** Knuth's Poisson sampler (fine for the small means of pixel rates). */
function poisson(rng: Rng, mean: number): number {
  const limit = exp(-mean);
  let k = 0;
  for (let p = rng.uniform(); p > limit; p *= rng.uniform()) k++;
  return k;
}

/**
 * T steps of input for x [batch, features].
 *
 * @example
 * ```ts
 * import { codeInput } from "./coding.ts";
 * const xs = codeInput(new Float64Array([0, 1]), 3, "bernoulli", 7);
 * console.log(xs.length, [...xs[2]]); // 3 [0, 1]
 * ```
 */
// spec B1.1
export function codeInput(
  x: Float64Array,
  T: number,
  coding: InputCoding = "direct",
  seed = 0,
): Float64Array[] {
  if (!Number.isInteger(T) || T < 1) throw new OptionError(`T = ${T}; need an integer >= 1`);
  if (coding === "direct") return Array.from({ length: T }, () => x);
  if (coding !== "bernoulli" && coding !== "poisson") {
    throw new OptionError(`unknown input coding '${coding}'; known: direct, bernoulli, poisson`);
  }
  for (const v of x) {
    if (!(v >= 0 && v <= 1)) throw new OptionError(`a rate code needs inputs in [0, 1], got ${v}`);
  }
  const rng = new Rng(seed);
  return Array.from(
    { length: T },
    () => x.map((p) => (coding === "poisson" ? poisson(rng, p) : rng.uniform() < p ? 1 : 0)),
  );
}
