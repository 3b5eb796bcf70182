/**
 * Finiteness of named tensors: the first NaN or infinite element of a set of tensors, by
 * tensor name and flat (row-major) index, so that a loader can refuse a file with
 * "m.safetensors: fc1.weight[123] is NaN" and a saver can refuse to write one.
 *
 * @module
 */
import { DataError, ValueError } from "../errors.ts";
import type { Tensor } from "./safetensors.ts";

/** Where a set of tensors first holds a non-finite number. */
export interface NonFinite {
  /** The tensor's name, e.g. "fc1.weight". */
  tensor: string;
  /** The flat, row-major index of the element. */
  index: number;
  /** The element: NaN, Infinity or -Infinity. */
  value: number;
}

/**
 * The first NaN or +-Infinity among the elements of `tensors` (in key order, then index
 * order), or undefined when every element is finite. Integer tensors are always finite.
 *
 * @example
 * ```ts
 * import { firstNonFinite } from "./finite.ts";
 * import { tensor } from "./safetensors.ts";
 * const t = { "fc1.weight": tensor(new Float64Array([0, NaN]), [1, 2]) };
 * console.log(firstNonFinite(t)); // { tensor: "fc1.weight", index: 1, value: NaN }
 * ```
 */
export function firstNonFinite(tensors: Record<string, Tensor>): NonFinite | undefined {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== "F64" && t.dtype !== "F32") continue;
    const data = t.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return { tensor: name, index: i, value: data[i] };
    }
  }
  return undefined;
}

/**
 * Throws if `tensors` hold a NaN or infinite element, naming `path`, the tensor and the flat
 * index of the first one: a {@link DataError} when reading a file (a checkpoint, an input: the
 * file is bad), a {@link ValueError} when about to write one (`writing`: the values are bad;
 * nothing is written).
 *
 * @example
 * ```ts
 * import { assertFiniteTensors } from "./finite.ts";
 * import { tensor } from "./safetensors.ts";
 * try {
 *   assertFiniteTensors({ "fc1.bias": tensor(new Float32Array([Infinity]), [1]) }, "m.safetensors");
 * } catch (e) {
 *   console.log((e as Error).message); // "m.safetensors: fc1.bias[0] is Infinity; ..."
 * }
 * ```
 */
export function assertFiniteTensors(
  tensors: Record<string, Tensor>,
  path: string,
  writing = false,
): void {
  const bad = firstNonFinite(tensors);
  if (!bad) return;
  const what = `${bad.tensor}[${bad.index}] is ${bad.value}`;
  if (writing) throw new ValueError(`not writing ${path}: ${what}; expected finite numbers`);
  throw new DataError(`${path}: ${what}; expected finite numbers`);
}
