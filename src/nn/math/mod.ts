/**
 * spikeproof's own elementary functions, used by every float64 path in place of the engine's
 * Math.exp, Math.log, Math.pow, Math.cos and Math.hypot, so that the same seed gives the same bits in Node,
 * Deno and Bun (see docs/determinism.md). Each is an fdlibm algorithm written with + - * /,
 * Math.sqrt, Math.round and exact word operations only, all of which IEEE 754 / ECMAScript fix
 * bit for bit; errors below 1 ulp (tests/nn/math.test.ts).
 *
 * | function      | replaces               | used by                                               |
 * | ------------- | ---------------------- | ----------------------------------------------------- |
 * | `exp`         | Math.exp               | softmax cross-entropy, LIF surrogate, Poisson coding  |
 * | `log`         | Math.log               | softmax cross-entropy, Box-Muller                     |
 * | `pow`         | Math.pow, `**`         | Adam's bias correction and learning-rate decay        |
 * | `cosTwoPi(u)` | Math.cos(2 Math.PI u)  | Box-Muller (`Rng.normal`)                             |
 * | `hypot`       | Math.hypot             | the Jacobian's spectral radius (max abs eigenvalue)   |
 *
 * @module
 */
export { cosTwoPi } from "./cos.ts";
export { exp } from "./exp.ts";
export { hypot } from "./hypot.ts";
export { log } from "./log.ts";
export { pow } from "./pow.ts";
