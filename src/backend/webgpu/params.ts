/**
 * The one uniform packer of the WebGPU path. Every WGSL kernel reads its parameters from one
 * uniform struct at binding 0 of group 0: 4-byte fields, each a u32 or an f32, in declaration
 * order. A {@link UniformLayout} names those fields once, next to its kernel; {@link uniformWgsl}
 * writes the WGSL struct from it and {@link packUniform} the bytes (an f32 field by its bit
 * pattern, an unset field 0), so the two cannot drift apart.
 *
 * The layouts: MATMUL_PARAMS (matmul.ts), REDUCE_PARAMS and COLUMN_SUM_PARAMS (reduce.ts),
 * SOFTMAX_PARAMS (softmax.ts), ADAM_PARAMS (adam.ts), LIF_PARAMS (lif_uniform.ts, every LIF
 * kernel's).
 *
 * @module
 */

/** A uniform struct's fields in WGSL declaration order, each "u32" or "f32". */
export type UniformLayout<F extends string = string> = Readonly<Record<F, "u32" | "f32">>;

/** Values of some fields of a layout (the others are 0). */
export type UniformValues<F extends string = string> = Partial<Record<F, number>>;

/**
 * The WGSL declaration of `layout` as struct `type`, bound as `name` at binding 0 of group 0.
 *
 * @example
 * ```ts
 * import { uniformWgsl } from "./params.ts";
 * console.log(uniformWgsl({ n: "u32", lrT: "f32" }).split("\n")[0]);
 * // struct Params { n: u32, lrT: f32 }
 * ```
 */
export function uniformWgsl(layout: UniformLayout, type = "Params", name = "P"): string {
  const fields = Object.entries(layout).map(([field, kind]) => `${field}: ${kind}`);
  return `struct ${type} { ${fields.join(", ")} }
@group(0) @binding(0) var<uniform> ${name}: ${type};`;
}

/**
 * The words of a uniform of `layout` holding `values` (at least 4 words, a multiple of 4: whole
 * 16-byte rows). A field the layout does not have is an error.
 *
 * @example
 * ```ts
 * import { packUniform } from "./params.ts";
 * const words = packUniform({ M: "u32", N: "u32", K: "u32", tmax: "f32" }, { M: 2, tmax: 1.5 });
 * console.log(words.length, words[0], new Float32Array(words.buffer)[3]); // 4 2 1.5
 * ```
 */
export function packUniform<F extends string>(
  layout: UniformLayout<F>,
  values: UniformValues<F>,
): Uint32Array {
  const names = Object.keys(layout) as F[];
  for (const key of Object.keys(values)) {
    if (!names.includes(key as F)) {
      throw new TypeError(`uniform field '${key}' is not one of ${names.join(", ")}`);
    }
  }
  const words = new Uint32Array(Math.max(4, Math.ceil(names.length / 4) * 4));
  const floats = new Float32Array(words.buffer);
  names.forEach((name, k) => {
    const v = values[name] ?? 0;
    if (layout[name] === "f32") floats[k] = v;
    else words[k] = v;
  });
  return words;
}
