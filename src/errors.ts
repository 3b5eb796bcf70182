/**
 * Typed errors. Every check on user input throws one of these, with a message that names the
 * problem (which argument, which shape, which value), so that nothing fails deep inside a kernel.
 *
 * @module
 */

/**
 * Base class of every error spikeproof throws on purpose: catch it to tell spikeproof's own
 * checks from other failures. `name` is the class actually thrown.
 *
 * @example
 * ```ts
 * import { assertFinite, SpikeproofError } from "./errors.ts";
 * try {
 *   assertFinite(new Float64Array([1, NaN]), "x");
 * } catch (e) {
 *   if (e instanceof SpikeproofError) console.log(e.name); // "ValueError"
 * }
 * ```
 */
export class SpikeproofError extends Error {
  /**
   * Creates the error and sets its `name` to the class actually thrown (e.g. "ShapeError").
   *
   * @param message What is wrong, naming the argument and the value.
   */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Two arrays whose sizes must agree do not.
 *
 * @example
 * ```ts
 * import { assertLength, ShapeError } from "./errors.ts";
 * try {
 *   assertLength(new Float64Array(2), 3, "x");
 * } catch (e) {
 *   if (e instanceof ShapeError) console.log(e.message); // "x has length 2; expected 3"
 * }
 * ```
 */
export class ShapeError extends SpikeproofError {}

/**
 * A value is NaN or infinite, or outside its allowed range.
 *
 * @example
 * ```ts
 * import { assertFinite, ValueError } from "./errors.ts";
 * try {
 *   assertFinite(new Float64Array([1, Infinity]), "x");
 * } catch (e) {
 *   if (e instanceof ValueError) console.log(e.message); // "x[1] is Infinity; expected a finite number"
 * }
 * ```
 */
export class ValueError extends SpikeproofError {}

/**
 * A computation went non-finite (a {@link ValueError} that no input check could have caught):
 * finite weights overflowed to a NaN or infinite logit, or training produced a non-finite loss
 * or parameter. A training driver stops at once with a message that names where (epoch and
 * step) and what (which loss, which parameter and index); its `onCheckpoint` callback has
 * seen the last finite state.
 *
 * @example
 * ```ts
 * import { NumericalError, ValueError } from "./errors.ts";
 * const e = new NumericalError("epoch 2, step 17: the SNN's training loss is NaN");
 * console.log(e.name, e instanceof ValueError); // "NumericalError" true
 * ```
 */
export class NumericalError extends ValueError {}

/**
 * A coding interval [tmin, tmax] is empty or inverted, or intervals do not chain.
 *
 * @example
 * ```ts
 * import { IntervalError, SpikeproofError } from "./errors.ts";
 * const e = new IntervalError("layer 1: tmin 2 > tmax 1");
 * console.log(e.name, e instanceof SpikeproofError); // "IntervalError" true
 * ```
 */
export class IntervalError extends SpikeproofError {}

/**
 * A data file is missing, corrupt or truncated.
 *
 * @example
 * ```ts
 * import { DataError } from "./errors.ts";
 * const e = new DataError("train-images-idx3-ubyte.gz is truncated");
 * console.log(e.name, e instanceof Error); // "DataError" true
 * ```
 */
export class DataError extends SpikeproofError {}

/**
 * An output file cannot be written: its directory is missing or read-only, or the path is a
 * directory. The CLI checks every output before any work starts.
 *
 * @example
 * ```ts
 * import { OutputError } from "./errors.ts";
 * const e = new OutputError("cannot write /nonexistent/x.safetensors: no directory /nonexistent");
 * console.log(e.name); // "OutputError"
 * ```
 */
export class OutputError extends SpikeproofError {}

/**
 * A command-line or API option is unknown or has a bad value.
 *
 * @example
 * ```ts
 * import { OptionError } from "./errors.ts";
 * try {
 *   throw new OptionError("unknown backend 'tpu'; known: ref, wasm, webgpu");
 * } catch (e) {
 *   console.log(e instanceof OptionError && e.name); // "OptionError"
 * }
 * ```
 */
export class OptionError extends SpikeproofError {}

/**
 * A backend cannot run in this runtime (e.g. WebGPU where `navigator.gpu` is missing or no
 * adapter is found). The message says why and names the backends that are available.
 *
 * @example
 * ```ts
 * import { BackendUnavailableError } from "./errors.ts";
 * const e = new BackendUnavailableError("WebGPU is not available; available backends: ref, wasm");
 * console.log(e.name); // "BackendUnavailableError"
 * ```
 */
export class BackendUnavailableError extends SpikeproofError {}

/**
 * A GPU operation failed: a WGSL shader did not compile, a pipeline was invalid, the device
 * was lost, or a request or readback did not answer in time.
 *
 * @example
 * ```ts
 * import { GpuError } from "./errors.ts";
 * console.log(new GpuError("device lost").message); // "device lost"
 * ```
 */
export class GpuError extends SpikeproofError {}

/**
 * Throws {@link ValueError} unless every entry of `a` is finite.
 *
 * @example
 * ```ts
 * import { assertFinite } from "./errors.ts";
 * assertFinite(new Float64Array([1, 2]), "x"); // ok
 * ```
 */
export function assertFinite(a: ArrayLike<number>, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new ValueError(`${name}[${i}] is ${a[i]}; expected a finite number`);
    }
  }
}

/**
 * Throws {@link ShapeError} unless `actual === expected`.
 *
 * @example
 * ```ts
 * import { assertLength } from "./errors.ts";
 * assertLength(new Float64Array(3), 3, "x"); // ok
 * ```
 */
export function assertLength(a: ArrayLike<unknown>, expected: number, name: string): void {
  if (a.length !== expected) {
    throw new ShapeError(`${name} has length ${a.length}; expected ${expected}`);
  }
}
