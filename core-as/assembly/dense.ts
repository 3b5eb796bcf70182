/**
 * Dense kernels, float32, WASM SIMD (f32x4). Same names and argument order as
 * src/backend/ref.ts; pointers are byte offsets into this module's memory, sizes are counts.
 *
 * Layout (row-major, as in the reference):
 *   x [batch, nIn], W [nOut, nIn] (W[i * nIn + j] = W_ij), z [batch, nOut], dz [batch, nOut].
 *
 * Version 1 (`*1`): one output row at a time, SIMD along the contiguous axis, no blocking.
 * Version 2 (`*2`): all three products written as one "row accumulation"
 *   dst[r, :] += sum_k A(r, k) src[k, :]
 * with A(r, k) read through byte strides (sar, sak), so the transposed operands need no copy:
 *   forward          dst = z,  A = x,        src = W^T (transposed once into scratch)
 *   backward input   dst = dx, A = dz,       src = W
 *   backward weights dst = dW, A = dz^T,     src = x
 * K is cut into blocks of KC; for each block, the non-zero A(r, k) of every row are first
 * compacted into (source row address, coefficient) lists (zeros are silent neurons, dead
 * ReLUs, black pixels: they add exact zeros and are skipped, as in the reference). Then, for
 * each panel of 32 output columns (8 f32x4 registers), every row's list is streamed; the
 * src panel (KC x 32 floats = 16 KiB) stays in L1 across rows. Tails: 16, 4, then 1 column.
 *
 * Scratch (bytes, see `denseScratchBytes`): rows * KC * 8 for the lists, rows * 4 for their
 * lengths, plus nIn * nOut * 4 for W^T in the forward pass.
 */

import { accumulateAuto } from "./gemm";

const KC: i32 = 128;
const PW: i32 = 32;

/** Scratch bytes that the version-2 kernels need for `rows` rows (and W^T if `wt`). */
export function denseScratchBytes(rows: i32, nIn: i32, nOut: i32, wt: bool): i32 {
  return rows * KC * 8 + rows * 4 + (wt ? nIn * nOut * 4 : 0) + 64;
}

// ---------------------------------------------------------------------- version 1

/** z[b,i] = bias[i] + sum_j W[i,j] x[b,j]. */
// spec A5, B1
export function denseForward1(
  x: usize,
  W: usize,
  bias: usize,
  z: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
): void {
  const n4 = nIn & ~3;
  for (let b = 0; b < batch; b++) {
    const xr = x + <usize> (b * nIn) * 4;
    for (let i = 0; i < nOut; i++) {
      const wr = W + <usize> (i * nIn) * 4;
      let acc = f32x4.splat(0);
      for (let k = 0; k < n4; k += 4) {
        const o = <usize> k * 4;
        acc = f32x4.add(acc, f32x4.mul(v128.load(xr + o), v128.load(wr + o)));
      }
      let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) +
        f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (let k = n4; k < nIn; k++) {
        s += load<f32>(xr + <usize> k * 4) * load<f32>(wr + <usize> k * 4);
      }
      store<f32>(z + <usize> (b * nOut + i) * 4, load<f32>(bias + <usize> i * 4) + s);
    }
  }
}

/** dst[0..n) += g * src[0..n). */
function axpy(dst: usize, src: usize, g: f32, n: i32): void {
  const gv = f32x4.splat(g), n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(gv, v128.load(src + o))));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(dst + o, load<f32>(dst + o) + g * load<f32>(src + o));
  }
}

/** dW[i,j] += sum_b dz[b,i] x[b,j];  dbias[i] += sum_b dz[b,i]. */
// spec A7, B2
export function denseBackwardWeights1(
  dz: usize,
  x: usize,
  dW: usize,
  dbias: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
): void {
  for (let i = 0; i < nOut; i++) {
    let db: f32 = 0;
    for (let b = 0; b < batch; b++) {
      const g = load<f32>(dz + <usize> (b * nOut + i) * 4);
      if (g == 0) continue;
      db += g;
      axpy(dW + <usize> (i * nIn) * 4, x + <usize> (b * nIn) * 4, g, nIn);
    }
    store<f32>(dbias + <usize> i * 4, load<f32>(dbias + <usize> i * 4) + db);
  }
}

/** dx[b,j] = sum_i dz[b,i] W[i,j]  (overwrites dx). */
// spec A7, B2
export function denseBackwardInput1(
  dz: usize,
  W: usize,
  dx: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
): void {
  memory.fill(dx, 0, <usize> (batch * nIn) * 4);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nOut; i++) {
      const g = load<f32>(dz + <usize> (b * nOut + i) * 4);
      if (g != 0) axpy(dx + <usize> (b * nIn) * 4, W + <usize> (i * nIn) * 4, g, nIn);
    }
  }
}

// ---------------------------------------------------------------------- version 2

/**
 * d[j] += sum_e coef[e] * src_e[j] for j0 <= j < n over one row's list `lst` (8 bytes per
 * entry: i32 address of src row e, f32 coefficient), 32 columns at a time, then 16, 4, 1.
 */
function accumulateRow(d: usize, lst: usize, m: i32, j0: i32, n: i32): void {
  let j = j0;
  for (; j + 32 <= n; j += 32) {
    const dj = d + <usize> j * 4, o = <usize> j * 4;
    let a0 = v128.load(dj), a1 = v128.load(dj, 16), a2 = v128.load(dj, 32);
    let a3 = v128.load(dj, 48), a4 = v128.load(dj, 64), a5 = v128.load(dj, 80);
    let a6 = v128.load(dj, 96), a7 = v128.load(dj, 112);
    for (let e = 0; e < m; e++) {
      const p = lst + <usize> e * 8, s = <usize> load<i32>(p) + o, g = v128.load32_splat(p, 4);
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load(s)));
      a1 = f32x4.add(a1, f32x4.mul(g, v128.load(s, 16)));
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load(s, 32)));
      a3 = f32x4.add(a3, f32x4.mul(g, v128.load(s, 48)));
      a4 = f32x4.add(a4, f32x4.mul(g, v128.load(s, 64)));
      a5 = f32x4.add(a5, f32x4.mul(g, v128.load(s, 80)));
      a6 = f32x4.add(a6, f32x4.mul(g, v128.load(s, 96)));
      a7 = f32x4.add(a7, f32x4.mul(g, v128.load(s, 112)));
    }
    v128.store(dj, a0);
    v128.store(dj, a1, 16);
    v128.store(dj, a2, 32);
    v128.store(dj, a3, 48);
    v128.store(dj, a4, 64);
    v128.store(dj, a5, 80);
    v128.store(dj, a6, 96);
    v128.store(dj, a7, 112);
  }
  for (; j + 16 <= n; j += 16) {
    const dj = d + <usize> j * 4, o = <usize> j * 4;
    let a0 = v128.load(dj), a1 = v128.load(dj, 16), a2 = v128.load(dj, 32);
    let a3 = v128.load(dj, 48);
    for (let e = 0; e < m; e++) {
      const p = lst + <usize> e * 8, s = <usize> load<i32>(p) + o, g = v128.load32_splat(p, 4);
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load(s)));
      a1 = f32x4.add(a1, f32x4.mul(g, v128.load(s, 16)));
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load(s, 32)));
      a3 = f32x4.add(a3, f32x4.mul(g, v128.load(s, 48)));
    }
    v128.store(dj, a0);
    v128.store(dj, a1, 16);
    v128.store(dj, a2, 32);
    v128.store(dj, a3, 48);
  }
  for (; j + 4 <= n; j += 4) {
    const dj = d + <usize> j * 4, o = <usize> j * 4;
    let a0 = v128.load(dj);
    for (let e = 0; e < m; e++) {
      const p = lst + <usize> e * 8;
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(p, 4), v128.load(<usize> load<i32>(p) + o)));
    }
    v128.store(dj, a0);
  }
  for (; j < n; j++) {
    const dj = d + <usize> j * 4, o = <usize> j * 4;
    let a: f32 = load<f32>(dj);
    for (let e = 0; e < m; e++) {
      const p = lst + <usize> e * 8;
      a += load<f32>(p, 4) * load<f32>(<usize> load<i32>(p) + o);
    }
    store<f32>(dj, a);
  }
}

/**
 * dst[r, :n] += sum_{k < K} A(r, k) src[k, :n] for r < rows, A(r, k) at a + r sar + k sak,
 * src row k at s + k lds, dst row r at d + r ldd (all strides in bytes).
 */
export function accumulateRows(
  d: usize,
  ldd: usize,
  a: usize,
  sar: usize,
  sak: usize,
  s: usize,
  lds: usize,
  rows: i32,
  K: i32,
  n: i32,
  scratch: usize,
): void {
  const lens = scratch, lists = scratch + <usize> rows * 4;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let r = 0; r < rows; r++) {
      const ar = a + <usize> r * sar + <usize> k0 * sak, lst = lists + <usize> (r * KC) * 8;
      let m = 0;
      for (let k = 0; k < kc; k++) {
        const v = load<f32>(ar + <usize> k * sak), p = lst + <usize> m * 8;
        store<i32>(p, <i32> (s + <usize> (k0 + k) * lds));
        store<f32>(p, v, 4);
        m += i32(v != 0); // branch-free compaction: zeros are overwritten by the next entry
      }
      store<i32>(lens + <usize> r * 4, m);
    }
    // panels of PW columns: the src panel of one block (KC x PW floats) stays in L1
    for (let j0 = 0; j0 < n; j0 += PW) {
      const j1 = min(j0 + PW, n);
      for (let r = 0; r < rows; r++) {
        const m = load<i32>(lens + <usize> r * 4);
        if (m > 0) accumulateRow(d + <usize> r * ldd, lists + <usize> (r * KC) * 8, m, j0, j1);
      }
    }
  }
}

/** dst[c, r] = src[r, c] for a [rows, cols] matrix (no overlap). */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + <usize> (c * rows + r) * 4, load<f32>(src + <usize> (r * cols + c) * 4));
    }
  }
}

/** Version 2's z = bias + x Wt, zeros of x skipped (denseForward2's product). */
function forwardRowsT(
  x: usize,
  Wt: usize,
  bias: usize,
  z: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  setRows(z, bias, batch, nOut);
  const ldz = <usize> nOut * 4;
  accumulateRows(z, ldz, x, <usize> nIn * 4, 4, Wt, ldz, batch, nIn, nOut, scratch);
}

/**
 * z[b,i] = bias[i] + sum_j W[i,j] x[b,j] from W^T [nIn, nOut] (Wt[j,i] = W_ij), for the
 * resident training step: version 2's rows or version 3's tiles, whichever x's density favours
 * (`accumulateAuto`; scratch: denseScratchBytes(batch, 0, 0, 0) + gemmScratchBytes(nIn, nOut)).
 */
// spec A5, B1
export function denseForwardT(
  x: usize,
  Wt: usize,
  bias: usize,
  z: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  setRows(z, bias, batch, nOut);
  const ldz = <usize> nOut * 4;
  accumulateAuto(z, ldz, x, <usize> nIn * 4, 4, Wt, ldz, 4, batch, nIn, nOut, scratch);
}

/** z[b,i] = bias[i] + sum_j W[i,j] x[b,j];  `scratch` holds W^T and the lists. */
// spec A5, B1
export function denseForward2(
  x: usize,
  W: usize,
  bias: usize,
  z: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  const wt = (scratch + 15) & ~15;
  transpose(W, wt, nOut, nIn);
  forwardRowsT(x, wt, bias, z, batch, nIn, nOut, wt + <usize> (nIn * nOut) * 4);
}

/** Every one of `rows` rows of z [rows, n] set to `row` [n] (the bias, before a product adds). */
export function setRows(z: usize, row: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(z + <usize> (r * n) * 4, row, <usize> n * 4);
}

/**
 * dbias[i] += k sum_b dz[b,i], each column summed in batch order (four columns at a time, each
 * lane its own column: the same float32 sums as one column at a time; k = 1 adds the sum as is).
 */
export function addBiasGradient(dz: usize, dbias: usize, batch: i32, nOut: i32, k: f32 = 1): void {
  const ldz = <usize> nOut * 4, n4 = nOut & ~3, vk = f32x4.splat(k);
  for (let i = 0; i < n4; i += 4) {
    let db = f32x4.splat(0);
    for (let b = 0; b < batch; b++) {
      db = f32x4.add(db, v128.load(dz + <usize> b * ldz + <usize> i * 4));
    }
    const o = dbias + <usize> i * 4;
    v128.store(o, f32x4.add(v128.load(o), f32x4.mul(vk, db)));
  }
  for (let i = n4; i < nOut; i++) {
    let db: f32 = 0;
    for (let b = 0; b < batch; b++) db += load<f32>(dz + <usize> (b * nOut + i) * 4);
    store<f32>(dbias + <usize> i * 4, load<f32>(dbias + <usize> i * 4) + k * db);
  }
}

/** dW[i,j] += sum_b dz[b,i] x[b,j];  dbias[i] += sum_b dz[b,i]. */
// spec A7, B2
export function denseBackwardWeights2(
  dz: usize,
  x: usize,
  dW: usize,
  dbias: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  addBiasGradient(dz, dbias, batch, nOut);
  const ldx = <usize> nIn * 4;
  accumulateRows(dW, ldx, dz, 4, <usize> nOut * 4, x, ldx, nOut, batch, nIn, scratch);
}

/** dx[b,j] = sum_i dz[b,i] W[i,j]  (overwrites dx). */
// spec A7, B2
export function denseBackwardInput2(
  dz: usize,
  W: usize,
  dx: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  memory.fill(dx, 0, <usize> (batch * nIn) * 4);
  const ldx = <usize> nIn * 4;
  accumulateRows(dx, ldx, dz, <usize> nOut * 4, 4, W, ldx, batch, nOut, nIn, scratch);
}
