/**
 * Uniform parameter blocks of the WGSL kernels: a struct of 4-byte fields, each a u32 or an
 * f32, packed in declaration order into one Uint32Array (f32 fields by their bit pattern).
 *
 * @module
 */

/**
 * Packs `fields` (name order as in the WGSL struct) for a uniform buffer; `floats` names the
 * f32 fields, every other field is a u32.
 *
 * @example
 * ```ts
 * import { packParams } from "./params.ts";
 * const words = packParams({ M: 2, N: 3, K: 4, tmax: 1.5 }, ["tmax"]);
 * console.log(words.length, new Float32Array(words.buffer)[3]); // 4 1.5
 * ```
 */
export function packParams(fields: Record<string, number>, floats: string[] = []): Uint32Array {
  const names = Object.keys(fields), words = new Uint32Array(Math.max(4, names.length));
  const f = new Float32Array(words.buffer);
  names.forEach((name, k) => {
    if (floats.includes(name)) f[k] = fields[name];
    else words[k] = fields[name];
  });
  return words;
}
