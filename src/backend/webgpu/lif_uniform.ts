/**
 * The uniform P that every LIF kernel reads (lif_wgsl.ts, lif_ottt_wgsl.ts, lif_loss_wgsl.ts;
 * m, n, k are the sizes of matmul.ts's products): sizes, offsets, the neuron constants and the
 * loss settings of one dispatch. Its layout is {@link LIF_PARAMS}; params.ts writes the WGSL
 * struct from it and packs its bytes (`packUniform(LIF_PARAMS, { m, ct, ... })`, unset fields 0).
 *
 * @module
 */
import { uniformWgsl } from "./params.ts";

/**
 * The fields of P, in order (64 bytes):
 *   m      rows of the product (or elements of an elementwise kernel)
 *   n      columns of the product
 *   k      length of the product's sum
 *   keep   1: add to / continue the history; 0: the first step, or overwrite
 *   off_w  float offset of the layer's [W | b] block in theta
 *   off_x  float offset of the step's input in its buffer
 *   n_in   the layer's fan-in (the weight gradient's columns without the bias)
 *   n_out  the layer's width (unused by the kernels so far)
 *   ct     c[t], the bias factor of the step
 *   lambda the leak;  vth the threshold V_th;  slope a of the sigmoid surrogate
 *   scale  the loss scale (1/T for a loss at every step);  mse the MSE weight of the loss
 *   batch  samples in the batch;  classes of the readout (the loss kernels)
 *
 * @example
 * ```ts
 * import { LIF_PARAMS } from "./lif_uniform.ts";
 * import { packUniform } from "./params.ts";
 * const words = packUniform(LIF_PARAMS, { m: 2, ct: 1.5 });
 * console.log(words.length, words[0], new Float32Array(words.buffer)[8]); // 16 2 1.5
 * ```
 */
export const LIF_PARAMS = {
  m: "u32",
  n: "u32",
  k: "u32",
  keep: "u32",
  off_w: "u32",
  off_x: "u32",
  n_in: "u32",
  n_out: "u32",
  ct: "f32",
  lambda: "f32",
  vth: "f32",
  slope: "f32",
  scale: "f32",
  mse: "f32",
  batch: "u32",
  classes: "u32",
} as const;

/**
 * The WGSL declaration of P, bound as `p` at binding 0 ({@link LIF_PARAMS}).
 *
 * @example
 * ```ts
 * import { LIF_UNIFORM_WGSL } from "./lif_uniform.ts";
 * console.log(LIF_UNIFORM_WGSL.includes("struct P")); // true
 * ```
 */
export const LIF_UNIFORM_WGSL: string = `
${uniformWgsl(LIF_PARAMS, "P", "p")}
`;
