/**
 * Where a dense B = 1 network and its twin live in the WebGPU step's parameter buffer: one
 * block per model (SNN first, then the twin), each holding per layer W [nOut, nIn] row-major
 * (the spec's layout) then D [nOut], every array starting on 64 floats (256 bytes, the largest
 * minStorageBufferOffsetAlignment WebGPU allows, so every array can be bound as a range).
 * Gradients and Adam moments are buffers of the same layout, so Adam runs once over both.
 *
 * @module
 */
import { checkTwinSpec, type TwinStepSpec } from "./step.ts";

/** Floats per alignment unit (256 bytes). */
export const ALIGN = 64;

/** A layer's sizes and the float offsets of its W and D in a model's block. */
export interface GpuLayer {
  nIn: number;
  nOut: number;
  w: number;
  d: number;
}

/** The layers and the block size (floats per model) of a network of `sizes`. */
export interface TwinLayout {
  layers: GpuLayer[];
  per: number;
}

const up = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Checks `spec` (sizes, and every parameter array's length) and lays it out.
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * import { twinLayout } from "./webgpu_layout.ts";
 * const p = () => [new Float64Array(6), new Float64Array(3), new Float64Array(6), new Float64Array(2)];
 * const adam = TWIN_STEP_ADAM;
 * console.log(twinLayout({ sizes: [2, 3, 2], snn: p(), twin: p(), adam, t: 0 }).per); // 256
 * ```
 */
export function twinLayout(spec: TwinStepSpec): TwinLayout {
  checkTwinSpec(spec);
  const { sizes } = spec;
  const layers: GpuLayer[] = [];
  let per = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l], nOut = sizes[l + 1], w = per, d = w + up(nIn * nOut);
    layers.push({ nIn, nOut, w, d });
    per = d + up(nOut);
  }
  return { layers, per };
}

/**
 * Both models' parameters ([W1, D1, W2, ...] each) packed into one float32 buffer image.
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * import { packTwin, twinLayout } from "./webgpu_layout.ts";
 * const p = () => [new Float64Array([1, 2]), new Float64Array([3])];
 * const adam = TWIN_STEP_ADAM;
 * const spec = { sizes: [2, 1], snn: p(), twin: p(), adam, t: 0 };
 * console.log(packTwin(twinLayout(spec), spec.snn, spec.twin)[64]); // 3
 * ```
 */
export function packTwin(
  layout: TwinLayout,
  snn: Float64Array[],
  twin: Float64Array[],
): Float32Array {
  const out = new Float32Array(2 * layout.per);
  [snn, twin].forEach((params, m) =>
    layout.layers.forEach(({ w, d }, l) => {
      out.set(params[2 * l], m * layout.per + w);
      out.set(params[2 * l + 1], m * layout.per + d);
    })
  );
  return out;
}

/**
 * Copies both models out of a buffer image made by {@link packTwin} (the inverse).
 *
 * @example
 * ```ts
 * import { TWIN_STEP_ADAM } from "./step.ts";
 * import { packTwin, twinLayout, unpackTwin } from "./webgpu_layout.ts";
 * const p = () => [new Float64Array([1, 2]), new Float64Array([3])];
 * const adam = TWIN_STEP_ADAM;
 * const spec = { sizes: [2, 1], snn: p(), twin: p(), adam, t: 0 }, layout = twinLayout(spec);
 * const snn = [new Float64Array(2), new Float64Array(1)], twin = [new Float64Array(2), new Float64Array(1)];
 * unpackTwin(layout, packTwin(layout, spec.snn, spec.twin), snn, twin);
 * console.log(snn[1][0]); // 3
 * ```
 */
export function unpackTwin(
  layout: TwinLayout,
  image: Float32Array,
  snn: Float64Array[],
  twin: Float64Array[],
): void {
  [snn, twin].forEach((params, m) =>
    layout.layers.forEach(({ nIn, nOut, w, d }, l) => {
      const o = m * layout.per;
      params[2 * l].set(image.subarray(o + w, o + w + nIn * nOut));
      params[2 * l + 1].set(image.subarray(o + d, o + d + nOut));
    })
  );
}
