/**
 * Weight initialisation.
 *
 * @module
 */
import type { Rng } from "./rng.ts";

/**
 * Glorot (Xavier) uniform init for a [nOut, nIn] weight matrix, row-major:
 * W_ij ~ U(-l, l), l = sqrt(6 / (nIn + fanOut)), fanOut = nOut. The SPEC A10 init.
 * For a conv kernel [outC, k, k, inC] pass nOut = outC, nIn = k*k*inC and fanOut = k*k*outC
 * (Keras' fans).
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { glorotUniform } from "./init.ts";
 * const w = glorotUniform(new Rng(0), 10, 784); // 7840 weights
 * ```
 */
// spec A10
export function glorotUniform(
  rng: Rng,
  nOut: number,
  nIn: number,
  fanOut: number = nOut,
): Float64Array {
  const limit = Math.sqrt(6 / (nIn + fanOut));
  const w = new Float64Array(nOut * nIn);
  for (let k = 0; k < w.length; k++) w[k] = rng.uniformIn(-limit, limit);
  return w;
}
