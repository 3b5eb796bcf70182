/**
 * The uniform P that every LIF kernel reads (lif_wgsl.ts, lif_ottt_wgsl.ts, lif_loss_wgsl.ts;
 * m, n, k are the sizes of matmul.ts's products): sizes, offsets, the neuron constants and
 * the loss settings of one dispatch, as WGSL and as the TypeScript writer of its bytes.
 *
 * @module
 */

/**
 * The uniform every LIF kernel reads (64 bytes; {@link lifUniform} writes it from TypeScript).
 *
 * @example
 * ```ts
 * import { LIF_UNIFORM_WGSL } from "./lif_uniform.ts";
 * console.log(LIF_UNIFORM_WGSL.includes("struct P")); // true
 * ```
 */
export const LIF_UNIFORM_WGSL = `
struct P {
  m: u32, n: u32, k: u32, keep: u32,
  off_w: u32, off_x: u32, n_in: u32, n_out: u32,
  ct: f32, lambda: f32, vth: f32, slope: f32,
  scale: f32, mse: f32, batch: u32, classes: u32,
};
@group(0) @binding(0) var<uniform> p: P;
`;

/** Fields of the uniform P, in order (u32 or f32 each). */
export interface LifUniform {
  /** Rows of the product (or elements of an elementwise kernel). */
  m?: number;
  /** Columns of the product. */
  n?: number;
  /** Length of the sum of the product. */
  k?: number;
  /** 1: add to / continue the history; 0: the first step, or overwrite. */
  keep?: number;
  /** Float offset of the layer's [W | b] block in theta. */
  offW?: number;
  /** Float offset of the step's input in its buffer. */
  offX?: number;
  /** The layer's fan-in (the weight gradient's columns without the bias). */
  nIn?: number;
  /** The layer's width (unused by the kernels so far). */
  nOut?: number;
  /** c[t], the bias factor of the step. */
  ct?: number;
  /** Leak lambda. */
  lambda?: number;
  /** Threshold V_th. */
  vth?: number;
  /** Slope a of the sigmoid surrogate. */
  slope?: number;
  /** The loss scale (1/T for a loss at every step). */
  scale?: number;
  /** The MSE weight of the loss. */
  mse?: number;
  /** Samples in the batch (loss kernels). */
  batch?: number;
  /** Classes of the readout (loss kernels). */
  classes?: number;
}

const U32_FIELDS = ["m", "n", "k", "keep", "offW", "offX", "nIn", "nOut"] as const;
const F32_FIELDS = [
  "ct",
  "lambda",
  "vth",
  "slope",
  "scale",
  "mse",
] as const;

/** Bytes of one uniform P. */
export const LIF_UNIFORM_BYTES = 64;

/**
 * The bytes of a uniform P (unset fields are 0), written at `byteOffset` of `into`.
 *
 * @example
 * ```ts
 * import { lifUniform } from "./lif_uniform.ts";
 * const buf = new ArrayBuffer(64);
 * lifUniform({ m: 2, ct: 1.5 }, buf);
 * console.log(new Uint32Array(buf)[0], new Float32Array(buf)[8]); // 2 1.5
 * ```
 */
export function lifUniform(u: LifUniform, into: ArrayBuffer, byteOffset = 0): void {
  const words = new Uint32Array(into, byteOffset, 16),
    floats = new Float32Array(into, byteOffset, 16);
  U32_FIELDS.forEach((f, i) => (words[i] = u[f] ?? 0));
  F32_FIELDS.forEach((f, i) => (floats[8 + i] = u[f] ?? 0));
  words[14] = u.batch ?? 0;
  words[15] = u.classes ?? 0;
}
