/**
 * Reading a NIR node's fields with checks: each helper names the node (`at`) and the field in
 * its error. DataError for a missing or non-numeric field, ShapeError for a field whose shape
 * does not match, ValueError for a NaN or infinite element.
 *
 * @module
 */
import { DataError, ShapeError, ValueError } from "../errors.ts";
import { isNirArray, type NirNode, nirNumbers, type NirRecord, type NirValue } from "./nir.ts";

/**
 * True when two shapes (or lists of numbers) are equal.
 *
 * @example
 * ```ts
 * import { sameShape } from "./nir_fields.ts";
 * console.log(sameShape([1, 28, 28], [1, 28, 28])); // true
 * ```
 */
export function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

/**
 * A numeric field's elements as numbers and its shape; DataError if missing or not numeric.
 *
 * @example
 * ```ts
 * import { nirField } from "./nir_fields.ts";
 * import { nirInt64 } from "./nir.ts";
 * console.log(nirField({ type: "Input", attrs: { shape: nirInt64([4]) } }, "shape", "input")); // { v: [4], shape: [1] }
 * ```
 */
export function nirField(node: NirNode, key: string, at: string): { v: number[]; shape: number[] } {
  const a = node.attrs[key];
  return { v: nirNumbers(a, `${at}: field '${key}'`), shape: isNirArray(a) ? a.shape : [] };
}

/**
 * A field's elements as float64, every one finite (ValueError naming the index otherwise).
 *
 * @example
 * ```ts
 * import { nirFloats } from "./nir_fields.ts";
 * import { nirArray } from "./nir.ts";
 * const node = { type: "Affine", attrs: { bias: nirArray(new Float32Array([0.5])) } };
 * console.log(nirFloats(node, "bias", "fc1")); // Float64Array(1) [0.5]
 * ```
 */
export function nirFloats(node: NirNode, key: string, at: string): Float64Array {
  const out = Float64Array.from(nirField(node, key, at).v);
  checkNirFinite(nirArray64(out), `${at}: ${key}`);
  return out;
}

const nirArray64 = (data: Float64Array) => ({
  dtype: "float64" as const,
  shape: [data.length],
  data,
});

/**
 * The one value of a field whose elements are all equal and whose shape is `shape` (ShapeError
 * if the shape differs, DataError if the elements do).
 *
 * @example
 * ```ts
 * import { nirUniform } from "./nir_fields.ts";
 * import { nirArray } from "./nir.ts";
 * const node = { type: "LIF", attrs: { tau: nirArray(new Float64Array([2, 2])) } };
 * console.log(nirUniform(node, "tau", "lif1", [2])); // 2
 * ```
 */
export function nirUniform(node: NirNode, key: string, at: string, shape: number[]): number {
  const s = nirField(node, key, at).shape, v = nirFloats(node, key, at);
  if (!sameShape(s, shape)) {
    throw new ShapeError(`${at}: ${key} is [${s}] but its input is [${shape}]`);
  }
  if (v.some((x) => x !== v[0])) throw new DataError(`${at}: ${key} varies; need one value`);
  return v[0];
}

/**
 * Two integers from a scalar or a [2] field (kernel sizes, strides, paddings); a padding of
 * "same" or "valid" is read for a kernel of side `k`.
 *
 * @example
 * ```ts
 * import { nirPair } from "./nir_fields.ts";
 * import { nirInt64 } from "./nir.ts";
 * console.log(nirPair({ type: "Conv2d", attrs: { stride: nirInt64([1], []) } }, "stride", "conv1")); // [1, 1]
 * ```
 */
export function nirPair(node: NirNode, key: string, at: string, k = 0): number[] {
  const raw: NirValue | undefined = node.attrs[key];
  if (raw === "same" || raw === "valid") {
    return raw === "same" ? [(k - 1) / 2, (k - 1) / 2] : [0, 0];
  }
  const v = nirField(node, key, at).v;
  if (v.length === 1) return [v[0], v[0]];
  if (v.length !== 2) throw new DataError(`${at}: ${key} has ${v.length} values; need 2`);
  return v;
}

/**
 * Throws ValueError, naming `where` and the index, at the first NaN or infinite element of a
 * float array, or of any float array in a group.
 *
 * @example
 * ```ts
 * import { checkNirFinite } from "./nir_fields.ts";
 * import { nirArray } from "./nir.ts";
 * try { checkNirFinite(nirArray(new Float64Array([1, NaN])), "fc1: weight"); } catch (e) { console.log((e as Error).message); } // "fc1: weight[1] is NaN; ..."
 * ```
 */
export function checkNirFinite(value: NirValue, where: string): void {
  if (typeof value === "string") return;
  if (!isNirArray(value)) {
    for (const [k, v] of Object.entries(value)) checkNirFinite(v, `${where}.${k}`);
  } else if (value.dtype === "float32" || value.dtype === "float64") {
    const data = value.data as Float64Array;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new ValueError(`${where}[${i}] is ${data[i]}; expected a finite number`);
      }
    }
  }
}

/**
 * A metadata entry that is one finite number in [min, max] (a scalar array), else undefined.
 *
 * @example
 * ```ts
 * import { nirMetaNumber } from "./nir_fields.ts";
 * import { nirArray } from "./nir.ts";
 * console.log(nirMetaNumber({ dt: nirArray(Float64Array.of(1e-4), []) }, "dt")); // 0.0001
 * ```
 */
export function nirMetaNumber(
  metadata: NirRecord | undefined,
  key: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  const v = metadata?.[key];
  const x = isNirArray(v) && v.data.length === 1 ? Number(v.data[0]) : NaN;
  return x >= min && x <= max && Number.isFinite(x) ? x : undefined;
}
