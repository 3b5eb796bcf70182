/**
 * 2-D convolution as patches + the dense rule (SPEC A8), shared by the ReLU twin, the TTFS
 * networks and the LIF networks.
 *
 * Memory layout (NHWC, row-major Float64Array):
 *   x      [batch, inH, inW, inC]          x[((b * inH + y) * inW + x) * inC + c]
 *   W      [outC, k, k, inC]  (OHWI)       W[((o * k + dy) * k + dx) * inC + c]
 *   cols   [batch * outH * outW, k*k*inC]  one patch per output position, same (dy, dx, c) order
 *   z      [batch, outH, outW, outC]       = cols W^T + bias: the dense rule with nIn = k*k*inC
 *
 *   z[b, y, x, o] = bias[o] + sum_{dy, dx, c} W[o, dy, dx, c] x[b, y + dy - pad, x + dx - pad, c]
 *
 * Stride 1. Positions outside the image read 0: in a TTFS layer x_j = tmin(n) - t_j, so the
 * padding is a spike at tmin(n), the zero activation. PyTorch's Conv2d weight is
 * [outC, inC, k, k] (OIHW): `W.permute(0, 3, 1, 2)` of ours.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { OptionError, ShapeError } from "../errors.ts";

/** One convolution: input image size, kernel size k, zero padding, output channels. */
export interface ConvGeometry {
  /** Input image height. */
  inH: number;
  /** Input image width. */
  inW: number;
  /** Input channels. */
  inC: number;
  /** Output channels (number of filters). */
  outC: number;
  /** Square kernel size. */
  k: number;
  /** Zero padding on every side: (k - 1) / 2 is "same", 0 is "valid". */
  pad: number;
}

/** The fields of a {@link ConvGeometry}. */
const CONV_KEYS = ["inH", "inW", "inC", "outC", "k", "pad"] as const;

/**
 * Output height and width of a convolution (stride 1).
 *
 * @example
 * ```ts
 * import { convOutSize } from "./conv.ts";
 * console.log(convOutSize({ inH: 28, inW: 28, inC: 1, outC: 6, k: 5, pad: 0 })); // { outH: 24, outW: 24 }
 * ```
 */
export function convOutSize(g: ConvGeometry): { outH: number; outW: number } {
  return { outH: g.inH + 2 * g.pad - g.k + 1, outW: g.inW + 2 * g.pad - g.k + 1 };
}

/**
 * Checks that a geometry is whole and gives a non-empty output; throws OptionError otherwise.
 *
 * @example
 * ```ts
 * import { checkConvGeometry } from "./conv.ts";
 * checkConvGeometry({ inH: 28, inW: 28, inC: 1, outC: 6, k: 5, pad: 2 }); // fine
 * ```
 */
export function checkConvGeometry(g: ConvGeometry): void {
  if (typeof g !== "object" || g === null || Array.isArray(g)) {
    throw new OptionError(`conv geometry ${JSON.stringify(g)} is not an object`);
  }
  const keys = new Set([...CONV_KEYS, ...Object.keys(g)]); // every field, and any extra one
  for (const key of keys) {
    const v = (g as unknown as Record<string, unknown>)[key];
    const min = key === "pad" ? 0 : 1;
    if (!Number.isInteger(v) || (v as number) < min) {
      throw new OptionError(`conv ${key} = ${JSON.stringify(v)} is not >= ${min}`);
    }
  }
  const { outH, outW } = convOutSize(g);
  if (outH < 1 || outW < 1) {
    throw new OptionError(
      `a ${g.k}x${g.k} kernel with pad ${g.pad} does not fit ${g.inH}x${g.inW}`,
    );
  }
}

/**
 * The patch matrix of x [batch, inH, inW, inC]: [batch * outH * outW, k * k * inC].
 * Positions outside the image read `padValue` (0 for activations; a TTFS network of general
 * neurons pads its spike times with tmin(n), the zero activation).
 *
 * @example
 * ```ts
 * import { im2col } from "./conv.ts";
 * const g = { inH: 2, inW: 2, inC: 1, outC: 1, k: 2, pad: 0 };
 * console.log([...im2col(new Float64Array([1, 2, 3, 4]), 1, g)]); // [1, 2, 3, 4]
 * ```
 */
// spec A8
export function im2col(
  x: Float64Array,
  batch: number,
  g: ConvGeometry,
  padValue = 0,
): Float64Array {
  const { inH, inW, inC, k, pad } = g, { outH, outW } = convOutSize(g);
  if (x.length !== batch * inH * inW * inC) {
    throw new ShapeError(
      `conv input has ${x.length} values; expected ${batch}x${inH}x${inW}x${inC}`,
    );
  }
  const kk = k * k * inC, cols = new Float64Array(batch * outH * outW * kk);
  if (padValue !== 0 && pad > 0) cols.fill(padValue);
  for (let b = 0, r = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      for (let xo = 0; xo < outW; xo++, r++) {
        for (let dy = 0; dy < k; dy++) {
          const yi = y + dy - pad;
          if (yi < 0 || yi >= inH) continue; // padding row: stays 0
          for (let dx = 0; dx < k; dx++) {
            const xi = xo + dx - pad;
            if (xi < 0 || xi >= inW) continue;
            const src = ((b * inH + yi) * inW + xi) * inC, dst = r * kk + (dy * k + dx) * inC;
            for (let c = 0; c < inC; c++) cols[dst + c] = x[src + c];
          }
        }
      }
    }
  }
  return cols;
}

/**
 * The adjoint of im2col: adds every patch entry back onto its pixel of dx (zeroed first);
 * entries that fell on the padding are dropped.
 *
 * @example
 * ```ts
 * import { col2im } from "./conv.ts";
 * const dx = new Float64Array(4);
 * col2im(new Float64Array([1, 2, 3, 4]), 1, { inH: 2, inW: 2, inC: 1, outC: 1, k: 2, pad: 0 }, dx);
 * console.log([...dx]); // [1, 2, 3, 4]
 * ```
 */
// spec A8
export function col2im(cols: Float64Array, batch: number, g: ConvGeometry, dx: Float64Array): void {
  const { inH, inW, inC, k, pad } = g, { outH, outW } = convOutSize(g);
  const kk = k * k * inC;
  dx.fill(0);
  for (let b = 0, r = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      for (let xo = 0; xo < outW; xo++, r++) {
        for (let dy = 0; dy < k; dy++) {
          const yi = y + dy - pad;
          if (yi < 0 || yi >= inH) continue;
          for (let dx_ = 0; dx_ < k; dx_++) {
            const xi = xo + dx_ - pad;
            if (xi < 0 || xi >= inW) continue;
            const dst = ((b * inH + yi) * inW + xi) * inC, src = r * kk + (dy * k + dx_) * inC;
            for (let c = 0; c < inC; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/**
 * z = conv(x, W) + bias, written into z [batch, outH, outW, outC].
 *
 * @example
 * ```ts
 * import { convForward } from "./conv.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const g = { inH: 3, inW: 3, inC: 1, outC: 1, k: 3, pad: 1 };
 * const z = new Float64Array(9);
 * convForward(new Float64Array(9).fill(1), new Float64Array(9).fill(1), new Float64Array(1), z, 1, g, refBackend);
 * console.log(z[4], z[0]); // 9 4
 * ```
 */
// spec A8
export function convForward(
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  z: Float64Array,
  batch: number,
  g: ConvGeometry,
  backend: Backend,
): void {
  const { outH, outW } = convOutSize(g), kk = g.k * g.k * g.inC;
  backend.denseForward(im2col(x, batch, g), W, bias, z, batch * outH * outW, kk, g.outC);
}

/**
 * dW += sum over positions of dz (outer) patch;  dbias += sum of dz (the dense rule on patches).
 *
 * @example
 * ```ts
 * import { convBackwardWeights } from "./conv.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const g = { inH: 2, inW: 2, inC: 1, outC: 1, k: 2, pad: 0 };
 * const dW = new Float64Array(4), db = new Float64Array(1);
 * convBackwardWeights(new Float64Array([1]), new Float64Array([1, 2, 3, 4]), dW, db, 1, g, refBackend);
 * console.log([...dW], db[0]); // [1, 2, 3, 4] 1
 * ```
 */
// spec A8
export function convBackwardWeights(
  dz: Float64Array,
  x: Float64Array,
  dW: Float64Array,
  dbias: Float64Array,
  batch: number,
  g: ConvGeometry,
  backend: Backend,
): void {
  const { outH, outW } = convOutSize(g), kk = g.k * g.k * g.inC;
  backend.denseBackwardWeights(dz, im2col(x, batch, g), dW, dbias, batch * outH * outW, kk, g.outC);
}

/**
 * dx = the gradient with respect to the input image (overwrites dx): dcols = dz W, then col2im.
 *
 * @example
 * ```ts
 * import { convBackwardInput } from "./conv.ts";
 * import { refBackend } from "../backend/ref.ts";
 * const g = { inH: 2, inW: 2, inC: 1, outC: 1, k: 2, pad: 0 };
 * const dx = new Float64Array(4);
 * convBackwardInput(new Float64Array([2]), new Float64Array([1, 2, 3, 4]), dx, 1, g, refBackend);
 * console.log([...dx]); // [2, 4, 6, 8]
 * ```
 */
// spec A8
export function convBackwardInput(
  dz: Float64Array,
  W: Float64Array,
  dx: Float64Array,
  batch: number,
  g: ConvGeometry,
  backend: Backend,
): void {
  const { outH, outW } = convOutSize(g), kk = g.k * g.k * g.inC;
  const cols = new Float64Array(batch * outH * outW * kk);
  backend.denseBackwardInput(dz, W, cols, batch * outH * outW, kk, g.outC);
  col2im(cols, batch, g, dx);
}
