/**
 * The reference backend: plain float64 loops, written to be read, and blocked just enough to
 * run the full Fashion-MNIST job in minutes (about 1.3 GMAC/s in V8, 2.3 in JavaScriptCore).
 *
 * - denseForward computes four output neurons at once, so each x[b,k] is loaded once per four
 *   multiply-adds; the inner loop runs over contiguous k.
 * - Both backward kernels are "row accumulations": dst_row += sum_r g_r src_row_r, four source
 *   rows at a time. Coefficients that are exactly zero (silent neurons, dead ReLUs) are left
 *   out first; that changes no result, since they would add exact zeros.
 *
 * @module
 */
import type { Backend } from "./backend.ts";

/**
 * dst[d0 + k] += sum_r coef[r] * src[offs[r] + k] for k < n and r < m, four rows at a time.
 */
function accumulateRows(
  dst: Float64Array,
  d0: number,
  src: Float64Array,
  offs: Int32Array,
  coef: Float64Array,
  m: number,
  n: number,
): void {
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const g0 = coef[r], g1 = coef[r + 1], g2 = coef[r + 2], g3 = coef[r + 3];
    const o0 = offs[r], o1 = offs[r + 1], o2 = offs[r + 2], o3 = offs[r + 3];
    for (let k = 0; k < n; k++) {
      dst[d0 + k] += g0 * src[o0 + k] + g1 * src[o1 + k] + g2 * src[o2 + k] + g3 * src[o3 + k];
    }
  }
  for (; r < m; r++) {
    const g = coef[r], o = offs[r];
    for (let k = 0; k < n; k++) dst[d0 + k] += g * src[o + k];
  }
}

/** Scratch for the non-zero coefficients of one row accumulation. */
let offs = new Int32Array(64);
let coef = new Float64Array(64);
function scratch(m: number): void {
  if (offs.length < m) {
    offs = new Int32Array(m);
    coef = new Float64Array(m);
  }
}

/**
 * The float64 reference backend.
 *
 * @example
 * ```ts
 * import { refBackend } from "./ref.ts";
 * const z = new Float64Array(1);
 * const x = new Float64Array([1, 2]), W = new Float64Array([3, 4]);
 * refBackend.denseForward(x, W, new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * ```
 */
export const refBackend: Backend = {
  name: "ref",

  // spec A5, B1
  denseForward(x, W, bias, z, batch, nIn, nOut): void {
    let i = 0;
    for (; i + 4 <= nOut; i += 4) {
      const w0 = i * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      for (let b = 0; b < batch; b++) {
        const xo = b * nIn;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let k = 0; k < nIn; k++) {
          const xv = x[xo + k];
          s0 += W[w0 + k] * xv;
          s1 += W[w1 + k] * xv;
          s2 += W[w2 + k] * xv;
          s3 += W[w3 + k] * xv;
        }
        const zo = b * nOut + i;
        z[zo] = bias[i] + s0;
        z[zo + 1] = bias[i + 1] + s1;
        z[zo + 2] = bias[i + 2] + s2;
        z[zo + 3] = bias[i + 3] + s3;
      }
    }
    for (; i < nOut; i++) {
      const wo = i * nIn;
      for (let b = 0; b < batch; b++) {
        const xo = b * nIn;
        let s = 0;
        for (let k = 0; k < nIn; k++) s += W[wo + k] * x[xo + k];
        z[b * nOut + i] = bias[i] + s;
      }
    }
  },

  // spec A7, B2
  denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut): void {
    scratch(batch);
    for (let i = 0; i < nOut; i++) {
      let m = 0, db = 0;
      for (let b = 0; b < batch; b++) {
        const g = dz[b * nOut + i];
        if (g === 0) continue;
        offs[m] = b * nIn;
        coef[m++] = g;
        db += g;
      }
      dbias[i] += db;
      accumulateRows(dW, i * nIn, x, offs, coef, m, nIn);
    }
  },

  // spec A7, B2
  denseBackwardInput(dz, W, dx, batch, nIn, nOut): void {
    scratch(nOut);
    dx.fill(0, 0, batch * nIn);
    for (let b = 0; b < batch; b++) {
      let m = 0;
      for (let i = 0; i < nOut; i++) {
        const g = dz[b * nOut + i];
        if (g === 0) continue;
        offs[m] = i * nIn;
        coef[m++] = g;
      }
      accumulateRows(dx, b * nIn, W, offs, coef, m, nIn);
    }
  },

  // spec A5
  ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax): number {
    this.denseForward(x, W, D, a, batch, nIn, nOut);
    let max = 0;
    for (let k = 0; k < batch * nOut; k++) {
      const v = a[k] > 0 ? a[k] : 0; // clipped at tmax: silent
      a[k] = v;
      t[k] = tmax - v;
      if (v > max) max = v;
    }
    return max;
  },
};
