/**
 * The discrete LIF neuron with soft reset (SPEC B1, as in the OTTT code), elementwise over a
 * layer of neurons, and the sums every method shares.
 *
 *   u[t] = lambda (u[t-1] - V_th s[t-1]) + I[t],   s[t] = H(u[t] - V_th),   H(0) = 1
 *   a_hat[t] = lambda a_hat[t-1] + s[t]            (the trace / spike accumulation, B2, B3)
 *   c[t] = sum_{k<t} lambda^k                      (the trace of a constant 1; c[1] = 1)
 *
 * The reset is detached: no gradient flows through the -V_th s[t-1] term (B1), so in every
 * backward pass du[t]/du[t-1] = lambda. Time steps are numbered t = 1..T; u[0] = s[0] = 0.
 *
 * @module
 */
import { OptionError } from "../errors.ts";

/** The neuron's constants. */
export interface LifParams {
  /** Leak lambda = 1 - 1/tau, in [0, 1] (SPEC B1: 0.5). */
  lambda: number;
  /** Threshold V_th > 0 (SPEC B1: 1). */
  vth: number;
  /** Slope a of the sigmoid surrogate (SPEC B1: 4). */
  surrogateSlope: number;
}

/**
 * SPEC B1's values: lambda 0.5 (tau = 2), V_th 1, surrogate slope 4.
 *
 * @example
 * ```ts
 * import { checkLifParams, SPEC_LIF } from "./neuron.ts";
 * console.log(SPEC_LIF.lambda, SPEC_LIF.vth, SPEC_LIF.surrogateSlope); // 0.5 1 4
 * checkLifParams({ ...SPEC_LIF, lambda: 0.9 }); // a slower leak, still valid
 * ```
 */
export const SPEC_LIF: LifParams = { lambda: 0.5, vth: 1, surrogateSlope: 4 };

/**
 * Throws OptionError unless 0 <= lambda <= 1, V_th > 0 and the slope > 0 (all finite).
 *
 * @example
 * ```ts
 * import { checkLifParams } from "./neuron.ts";
 * checkLifParams({ lambda: 0.5, vth: 1, surrogateSlope: 4 }); // fine
 * ```
 */
export function checkLifParams(p: LifParams): void {
  if (!(p.lambda >= 0 && p.lambda <= 1)) throw new OptionError(`lambda = ${p.lambda}; need 0..1`);
  if (!(p.vth > 0 && Number.isFinite(p.vth))) throw new OptionError(`V_th = ${p.vth}; need > 0`);
  if (!(p.surrogateSlope > 0 && Number.isFinite(p.surrogateSlope))) {
    throw new OptionError(`surrogate slope = ${p.surrogateSlope}; need > 0`);
  }
}

/**
 * One LIF step in place. `v` holds the post-reset potential u[t-1] - V_th s[t-1] on entry and
 * u[t] - V_th s[t] on exit; `u` and `s` receive u[t] and s[t].
 *
 * @example
 * ```ts
 * import { lifStep } from "./neuron.ts";
 * const v = new Float64Array(1), u = new Float64Array(1), s = new Float64Array(1);
 * lifStep(new Float64Array([1.2]), v, u, s, { lambda: 0.5, vth: 1, surrogateSlope: 4 });
 * console.log(s[0], v[0].toFixed(1)); // 1 0.2
 * ```
 */
// spec B1
export function lifStep(
  current: Float64Array,
  v: Float64Array,
  u: Float64Array,
  s: Float64Array,
  p: LifParams,
): void {
  for (let i = 0; i < current.length; i++) {
    u[i] = p.lambda * v[i] + current[i]; // u[t] = lambda (u[t-1] - V_th s[t-1]) + I[t]
    s[i] = u[i] >= p.vth ? 1 : 0; // s[t] = H(u[t] - V_th), H(0) = 1
    v[i] = u[i] - p.vth * s[i]; // soft reset (detached in every backward pass)
  }
}

/**
 * acc <- lambda acc + x, elementwise: a trace or an accumulation step.
 *
 * @example
 * ```ts
 * import { accumulate } from "./neuron.ts";
 * const acc = new Float64Array([2]);
 * accumulate(acc, new Float64Array([1]), 0.5);
 * console.log(acc[0]); // 2
 * ```
 */
// spec B1, B3
export function accumulate(acc: Float64Array, x: Float64Array, lambda: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] = lambda * acc[i] + x[i];
}

/**
 * c[t] = sum_{k<t} lambda^k for t = 1..T: index t - 1 of the result. The trace of a constant
 * input 1, by which the bias enters the potential accumulation (B3: U = W a_hat + b c[t]).
 *
 * @example
 * ```ts
 * import { constantTraces } from "./neuron.ts";
 * console.log([...constantTraces(0.5, 3)]); // [1, 1.5, 1.75]
 * ```
 */
// spec B1
export function constantTraces(lambda: number, T: number): Float64Array {
  const c = new Float64Array(T);
  for (let t = 0, acc = 0; t < T; t++) c[t] = acc = lambda * acc + 1;
  return c;
}
