/**
 * The spike nonlinearity and its surrogate derivative (SPEC B1).
 *
 *   forward   s = H(z),  z = u - V_th,  H(0) = 1
 *   backward  dH/dz ~ a sig(a z) (1 - sig(a z))        (the sigmoid surrogate, a = 4 in B1)
 *
 * The surrogate is the exact derivative of the relaxed spike sig(a z), which `relaxedSpike`
 * returns: a network whose spikes are replaced by sig(a z) (and whose reset stays hard, so
 * detached) has the surrogate gradient as its true gradient. The tests use that for finite
 * differences.
 *
 * @module
 */
import { exp } from "../nn/math/mod.ts";

/**
 * The surrogate derivative a sig(a z) (1 - sig(a z)) at z = u - V_th.
 *
 * @example
 * ```ts
 * import { surrogateGrad } from "./surrogate.ts";
 * console.log(surrogateGrad(0, 4)); // 1
 * ```
 */
// spec B1
export function surrogateGrad(z: number, a: number): number {
  const sig = 1 / (1 + exp(-a * z));
  return a * sig * (1 - sig); // dsig(a z)/dz
}

/**
 * The relaxed spike sig(a z), whose derivative is `surrogateGrad`.
 *
 * @example
 * ```ts
 * import { relaxedSpike } from "./surrogate.ts";
 * console.log(relaxedSpike(0, 4)); // 0.5
 * ```
 */
// spec B1, B2.3
export function relaxedSpike(z: number, a: number): number {
  return 1 / (1 + exp(-a * z));
}
