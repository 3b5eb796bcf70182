/**
 * Version 3 of the dense kernels: a register-tiled GEMM with packed operands. Same names and
 * argument order as src/backend/ref.ts and versions 1-2 (dense.ts); pointers are byte offsets.
 *
 * All three products are one accumulation  C[r, j] += sum_k A(r, k) B[k, j]:
 *   forward          C = z  [batch, nOut],  A = x  (row-major),        B = W^T (packed from W)
 *   backward input   C = dx [batch, nIn],   A = dz (row-major),        B = W
 *   backward weights C = dW [nOut, nIn],    A = dz^T (read by stride), B = x
 * A(r, k) is read through byte strides (sar, sak), so no operand is transposed in memory.
 *
 * Packing: B is copied once per call into panels of NR = 8 columns, panel p holding
 *   P[p][k][c] = B[k, 8p + c]   (c < 8; zero past the last column),
 * so the microkernel reads each k's 8 values with two contiguous f32x4 loads. For the forward,
 * B[k, j] = W[j, k] is gathered from W's rows: that is the only place W^T exists. A fused
 * step packs its weights once per step and calls `gemmPacked` directly.
 *
 * Microkernel (4 x 8): per k, two loads of the panel, four splat loads of A(r, k) (one per row)
 * and 8 multiply-adds into 8 f32x4 accumulators: each loaded vector of B feeds 4 rows and each
 * splat of A 8 columns (version 2 loaded B once per row). K is cut into blocks of KC; within a
 * block every panel (KC x 8 floats, 8 KiB) stays in L1 while all row tiles stream past it. Row
 * tails run 1 x 8 tiles; a partial last panel goes through `tmp` for its stores.
 *
 * Zeros of A are not skipped here (every product is computed): version 2 skips them, which pays
 * where A is sparse (spikes, ReLU, black pixels); `src/backend/wasm.ts` chooses per call.
 */
import { accumulateRows, addBiasGradient, setRows } from "./dense";

const NR: i32 = 8;
const KC: i32 = 256;

/**
 * Below this fraction of non-zero A entries the zero-skipping rows of version 2 beat the packed
 * tiles (measured on ttfs-fc2's first layer: v2 / v3 time 1.18 at density 0.5, 0.79 at 0.3);
 * the same constant as src/backend/wasm.ts's ZERO_SKIP_DENSITY.
 */
export const ZERO_SKIP_DENSITY: f32 = 0.4;

/** Bytes of the packed panels for B [K, n]. */
export function packedBytes(K: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * K * 4;
}

/** Scratch bytes version 3 needs to pack B [K, n] (plus its store buffer and alignment). */
export function gemmScratchBytes(K: i32, n: i32): i32 {
  return packedBytes(K, n) + 4 * NR * 4 + 64;
}

/** P[p][k][c] = B[k, 8p + c] with B[k, j] at src + k sk + j sj (bytes); zero past n. */
export function packPanels(src: usize, sk: usize, sj: usize, K: i32, n: i32, dst: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const j0 = p * NR, full = j0 + NR <= n, out = dst + <usize> (p * K * NR) * 4;
    if (full && sj == 4) {
      for (let k = 0; k < K; k++) {
        const s = src + <usize> k * sk + <usize> j0 * 4, o = out + <usize> (k * NR) * 4;
        v128.store(o, v128.load(s));
        v128.store(o, v128.load(s, 16), 16);
      }
      continue;
    }
    for (let c = 0; c < NR; c++) {
      const j = j0 + c, s = src + <usize> j * sj;
      for (let k = 0; k < K; k++) {
        store<f32>(out + <usize> (k * NR + c) * 4, j < n ? load<f32>(s + <usize> k * sk) : 0);
      }
    }
  }
}

/**
 * c + a b per lane: f32x4.relaxed_madd in the relaxed build (one fused or unfused multiply-add,
 * as the engine's hardware has it), mul then add otherwise (the same bits as before).
 */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Four rows of C (at c, stride ldc) += their A rows (a0..a3, step sak) times one panel block. */
function tile4(
  c: usize,
  ldc: usize,
  a: usize,
  sar: usize,
  sak: usize,
  bp: usize,
  kc: i32,
): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  let x00 = v128.load(c), x01 = v128.load(c, 16), x10 = v128.load(c1), x11 = v128.load(c1, 16);
  let x20 = v128.load(c2), x21 = v128.load(c2, 16), x30 = v128.load(c3), x31 = v128.load(c3, 16);
  let a0 = a, a1 = a + sar, a2 = a1 + sar, a3 = a2 + sar, b = bp;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const v0 = v128.load32_splat(a0), v1 = v128.load32_splat(a1);
    x00 = madd(v0, b0, x00);
    x01 = madd(v0, b1, x01);
    x10 = madd(v1, b0, x10);
    x11 = madd(v1, b1, x11);
    const v2 = v128.load32_splat(a2), v3 = v128.load32_splat(a3);
    x20 = madd(v2, b0, x20);
    x21 = madd(v2, b1, x21);
    x30 = madd(v3, b0, x30);
    x31 = madd(v3, b1, x31);
    (a0 += sak), (a1 += sak), (a2 += sak), (a3 += sak), (b += NR * 4);
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
}

/**
 * Six rows of C += their A rows times one panel block: 12 accumulators, two B vectors and one
 * splat fill 15 of the 16 vector registers of x86-64, so each B load feeds 6 rows (tile4: 4).
 */
function tile6(
  c: usize,
  ldc: usize,
  a: usize,
  sar: usize,
  sak: usize,
  bp: usize,
  kc: i32,
): void {
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
  let x00 = v128.load(c), x01 = v128.load(c, 16), x10 = v128.load(c1), x11 = v128.load(c1, 16);
  let x20 = v128.load(c2), x21 = v128.load(c2, 16), x30 = v128.load(c3), x31 = v128.load(c3, 16);
  let x40 = v128.load(c4), x41 = v128.load(c4, 16), x50 = v128.load(c5), x51 = v128.load(c5, 16);
  let a0 = a, b = bp;
  const s2 = sar * 2, s3 = sar * 3, s4 = sar * 4, s5 = sar * 5;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let v = v128.load32_splat(a0);
    x00 = madd(v, b0, x00);
    x01 = madd(v, b1, x01);
    v = v128.load32_splat(a0 + sar);
    x10 = madd(v, b0, x10);
    x11 = madd(v, b1, x11);
    v = v128.load32_splat(a0 + s2);
    x20 = madd(v, b0, x20);
    x21 = madd(v, b1, x21);
    v = v128.load32_splat(a0 + s3);
    x30 = madd(v, b0, x30);
    x31 = madd(v, b1, x31);
    v = v128.load32_splat(a0 + s4);
    x40 = madd(v, b0, x40);
    x41 = madd(v, b1, x41);
    v = v128.load32_splat(a0 + s5);
    x50 = madd(v, b0, x50);
    x51 = madd(v, b1, x51);
    (a0 += sak), (b += NR * 4);
  }
  v128.store(c, x00);
  v128.store(c, x01, 16);
  v128.store(c1, x10);
  v128.store(c1, x11, 16);
  v128.store(c2, x20);
  v128.store(c2, x21, 16);
  v128.store(c3, x30);
  v128.store(c3, x31, 16);
  v128.store(c4, x40);
  v128.store(c4, x41, 16);
  v128.store(c5, x50);
  v128.store(c5, x51, 16);
}

/** One row of C += its A row times one panel block. */
function tile1(c: usize, a: usize, sak: usize, bp: usize, kc: i32): void {
  let x0 = v128.load(c), x1 = v128.load(c, 16), ak = a, b = bp;
  for (let k = 0; k < kc; k++) {
    const v = v128.load32_splat(ak);
    x0 = madd(v, v128.load(b), x0);
    x1 = madd(v, v128.load(b, 16), x1);
    (ak += sak), (b += NR * 4);
  }
  v128.store(c, x0);
  v128.store(c, x1, 16);
}

/**
 * C[r, j] += sum_{k < K} A(r, k) P[k, j] for r < rows, j < n: A(r, k) at a + r sar + k sak,
 * C row r at c + r ldc (bytes), P packed by `packPanels`. `tmp` holds 4 x 8 floats: the rows of
 * a partial last panel are staged there, so C is never written past column n.
 */
export function gemmPacked(
  c: usize,
  ldc: usize,
  a: usize,
  sar: usize,
  sak: usize,
  packed: usize,
  rows: i32,
  K: i32,
  n: i32,
  tmp: usize,
): void {
  const panels = (n + NR - 1) / NR;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0), ak = a + <usize> k0 * sak;
    for (let p = 0; p < panels; p++) {
      const j0 = p * NR, cols = min(NR, n - j0);
      const bp = packed + <usize> (p * K * NR + k0 * NR) * 4, cj = c + <usize> j0 * 4;
      if (cols == NR) {
        let r = 0; // 6-row tiles need the fused multiply-add: without it their temporaries spill
        for (; ASC_FEATURE_RELAXED_SIMD && r + 6 <= rows; r += 6) {
          tile6(cj + <usize> r * ldc, ldc, ak + <usize> r * sar, sar, sak, bp, kc);
        }
        for (; r + 4 <= rows; r += 4) {
          tile4(cj + <usize> r * ldc, ldc, ak + <usize> r * sar, sar, sak, bp, kc);
        }
        for (; r < rows; r++) {
          tile1(cj + <usize> r * ldc, ak + <usize> r * sar, sak, bp, kc);
        }
        continue;
      }
      for (let r = 0; r < rows; r++) { // partial panel: stage the row in tmp
        const cr = cj + <usize> r * ldc;
        memory.fill(tmp, 0, NR * 4);
        memory.copy(tmp, cr, <usize> cols * 4);
        tile1(tmp, ak + <usize> r * sar, sak, bp, kc);
        memory.copy(cr, tmp, <usize> cols * 4);
      }
    }
  }
}

/** The fraction of A(r, k), r < rows, k < K (at a + r sar + k sak) that is not zero. */
export function nonzeroFraction(a: usize, sar: usize, sak: usize, rows: i32, K: i32): f32 {
  if (rows == 0 || K == 0) return 1;
  let nz = 0;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize> r * sar;
    for (let k = 0; k < K; k++) nz += i32(load<f32>(ar + <usize> k * sak) != 0);
  }
  return <f32> nz / <f32> (rows * K);
}

/**
 * Whether A(r, k), r < rows, k < K (at a + r sar + k sak) has fewer than ZERO_SKIP_DENSITY
 * non-zero entries: `nonzeroFraction(...) < ZERO_SKIP_DENSITY`, the same answer, counted four
 * at a time along whichever index is contiguous, and stopped as soon as the lines counted hold
 * enough non-zeros to make A dense (the count only grows).
 */
export function sparserThanSkip(a: usize, sar: usize, sak: usize, rows: i32, K: i32): bool {
  if (rows == 0 || K == 0) return false;
  const total = <f32> (rows * K);
  const byRow = sak == 4 || sar != 4; // lines along k (contiguous when sak = 4), else along r
  const lines = byRow ? rows : K, len = byRow ? K : rows;
  const line: usize = byRow ? sar : sak, step: usize = byRow ? sak : sar;
  let nz = 0;
  for (let i = 0; i < lines; i++) {
    const p = a + <usize> i * line;
    let j = 0;
    if (step == 4) {
      let c = i32x4.splat(0);
      for (; j + 4 <= len; j += 4) {
        c = i32x4.sub(c, f32x4.ne(v128.load(p + <usize> j * 4), f32x4.splat(0))); // -(-1)
      }
      nz += i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1) + i32x4.extract_lane(c, 2) +
        i32x4.extract_lane(c, 3);
    }
    for (; j < len; j++) nz += i32(load<f32>(p + <usize> j * step) != 0);
    if (<f32> nz / total >= ZERO_SKIP_DENSITY) return false;
  }
  return true;
}

/**
 * C[r, :n] += sum_k A(r, k) B[k, :n] with B[k, j] at s + k sk + j sj, choosing per call: the
 * zero-skipping rows of version 2 (`accumulateRows`, B rows contiguous: sj = 4) where A is
 * sparser than ZERO_SKIP_DENSITY, the packed 4x8 tiles elsewhere. `scratch` holds either's
 * working set: the larger of denseScratchBytes(rows, 0, 0, 0) and gemmScratchBytes(K, n).
 */
export function accumulateAuto(
  d: usize,
  ldd: usize,
  a: usize,
  sar: usize,
  sak: usize,
  s: usize,
  sk: usize,
  sj: usize,
  rows: i32,
  K: i32,
  n: i32,
  scratch: usize,
): void {
  if (sj == 4 && sparserThanSkip(a, sar, sak, rows, K)) {
    accumulateRows(d, ldd, a, sar, sak, s, sk, rows, K, n, scratch);
    return;
  }
  const packed = panelsAt(scratch);
  packPanels(s, sk, sj, K, n, packed);
  gemmPacked(d, ldd, a, sar, sak, packed, rows, K, n, scratch);
}

/** The scratch layout: the store buffer first, then the 16-byte-aligned panels. */
function panelsAt(scratch: usize): usize {
  return (scratch + NR * 4 * 4 + 15) & ~15;
}

/** z[b,i] = bias[i] + sum_j W[i,j] x[b,j]  (scratch: gemmScratchBytes(nIn, nOut)). */
// spec A5, B1
export function denseForward3(
  x: usize,
  W: usize,
  bias: usize,
  z: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  setRows(z, bias, batch, nOut);
  const packed = panelsAt(scratch);
  packPanels(W, 4, <usize> nIn * 4, nIn, nOut, packed); // B[k, j] = W[j, k]
  gemmPacked(z, <usize> nOut * 4, x, <usize> nIn * 4, 4, packed, batch, nIn, nOut, scratch);
}

/** dx[b,j] = sum_i dz[b,i] W[i,j]  (overwrites dx; scratch: gemmScratchBytes(nOut, nIn)). */
// spec A7, B2
export function denseBackwardInput3(
  dz: usize,
  W: usize,
  dx: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  memory.fill(dx, 0, <usize> (batch * nIn) * 4);
  const packed = panelsAt(scratch);
  packPanels(W, <usize> nIn * 4, 4, nOut, nIn, packed); // B = W [nOut, nIn]
  gemmPacked(dx, <usize> nIn * 4, dz, <usize> nOut * 4, 4, packed, batch, nOut, nIn, scratch);
}

/** dW[i,j] += sum_b dz[b,i] x[b,j];  dbias[i] += sum_b dz[b,i]  (scratch: (batch, nIn)). */
// spec A7, B2
export function denseBackwardWeights3(
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
  const packed = panelsAt(scratch);
  packPanels(x, <usize> nIn * 4, 4, batch, nIn, packed); // B = x [batch, nIn]
  gemmPacked(dW, <usize> nIn * 4, dz, 4, <usize> nOut * 4, packed, nOut, batch, nIn, scratch);
}
