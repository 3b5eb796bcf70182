/**
 * Conv kernels of the fused float32 TTFS step (src/steps/ttfs/wasm_layers.ts): the layer's
 * product read straight from the zero-padded image, with no patch matrix (im2col's cols are
 * never written), and the backward pass of a max-pooled conv layer that visits only the pool
 * winners. Layouts as core-as/assembly/conv.ts (NHWC, stride 1, square kernels):
 *
 *   xp   [batch, Hp, Wp, inC], Hp = inH + 2 pad, Wp = inW + 2 pad: x with a zero border
 *   Wt   [k k inC, outC] (the step's resident W^T; row (dy k + dx) inC + c),  Wr = W [outC, k k inC]
 *   a    [batch, outH, outW, outC], outH = Hp - k + 1, outW = Wp - k + 1
 *
 *   a[b, y, x, o] = D[o] + sum_{dy < k} sum_{j < k inC} xp_row(b, y + dy)[x inC + j] Wt[dy k inC + j, o]
 *
 * since the k inC inputs of one kernel row (dx, c) lie contiguous in xp's row. So the
 * product is `gemmPacked`'s microkernel with A(x, j) = xp_row[x inC + j] (row stride inC, column
 * stride 1, a jump of one image row per dy): 4 output positions x 8 channels per tile, W^T
 * packed once per call into panels of 8 channels (`packPanels`), the bias in the accumulators'
 * start, the TTFS nonlinearity a = ReLU(z) applied in registers before the store, and the
 * largest activation returned. Terms are summed in the same order as the GEMM on im2col's rows.
 *
 * Backward of a max-pooled layer (SPEC A7, A8): only a window's winner receives its gradient,
 * so for every pooled output o with g = dy[o] != 0 (silent winners were masked to 0), its
 * winner (position p = (b, y, x), channel ch) adds
 *   dWr[ch, :] += g patch(p),   dD[ch] += g,   dxp patch(p) += g Wr[ch, :]
 * where patch(p) is the k runs of k inC floats of xp at rows y..y+k-1 from column x: the
 * products of dz^T cols and dz W restricted to the non-zero rows of dz, at most a quarter of
 * them for 2x2 pools.
 */
import { packPanels } from "./gemm";

const NR: i32 = 8;

/** c + a b per lane (relaxed_madd in the relaxed build, mul then add otherwise; as gemm.ts). */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Scratch bytes of `convForwardT`: W^T's panels and the bias panel. */
export function convScratchBytes(kk: i32, outC: i32): i32 {
  return ((outC + NR - 1) / NR) * NR * (kk + 1) * 4 + 16;
}

/** xp [batch, h + 2 pad, w + 2 pad, c] = x [batch, h, w, c] with a zero border. */
export function padImage(x: usize, xp: usize, batch: i32, h: i32, w: i32, c: i32, pad: i32): void {
  const wp = w + 2 * pad, hp = h + 2 * pad, row = <usize> (w * c) * 4;
  memory.fill(xp, 0, <usize> (batch * hp * wp * c) * 4);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const dst = xp + <usize> (((b * hp + y + pad) * wp + pad) * c) * 4;
      memory.copy(dst, x + <usize> ((b * h + y) * w * c) * 4, row);
    }
  }
}

/** x [batch, h, w, c] = the interior of xp [batch, h + 2 pad, w + 2 pad, c] (padImage's adjoint
 * for a gradient: what fell on the border is dropped). */
export function cropImage(xp: usize, x: usize, batch: i32, h: i32, w: i32, c: i32, pad: i32): void {
  const wp = w + 2 * pad, hp = h + 2 * pad, row = <usize> (w * c) * 4;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const src = xp + <usize> (((b * hp + y + pad) * wp + pad) * c) * 4;
      memory.copy(x + <usize> ((b * h + y) * w * c) * 4, src, row);
    }
  }
}

/** The first `cols` (<= 8) floats of the 8 in (v0, v1) to c. */
function store8(c: usize, v0: v128, v1: v128, cols: i32): void {
  if (cols == NR) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  let v = v0, p = c, n = cols;
  if (n >= 4) {
    v128.store(c, v0);
    (v = v1), (p = c + 16), (n -= 4);
  }
  if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** The shape of the product `convForwardT` is running, read by its tiles. */
let tSar: usize = 0,
  tRs: usize = 0,
  tRun: i32 = 0,
  tK: i32 = 0,
  tCols: i32 = 0,
  tRelu: bool = false;

/**
 * Four output positions (A rows a, a + tSar, ...; C rows c, c + ldc, ...) times one panel at
 * bp: tK kernel rows of tRun floats each, one image row (tRs bytes) apart. Starts from the bias
 * (b0, b1), applies ReLU if tRelu, stores tCols channels; returns the lanes' max.
 */
function convTile4(c: usize, ldc: usize, a: usize, bp: usize, b0: v128, b1: v128): v128 {
  const sar = tSar, rs = tRs, run = tRun, k = tK, cols = tCols, relu = tRelu;
  let x00 = b0, x01 = b1, x10 = b0, x11 = b1, x20 = b0, x21 = b1, x30 = b0, x31 = b1;
  let b = bp;
  for (let dy = 0; dy < k; dy++) {
    let a0 = a + <usize> dy * rs;
    for (let j = 0; j < run; j++) {
      const w0 = v128.load(b), w1 = v128.load(b, 16);
      const v0 = v128.load32_splat(a0), v1 = v128.load32_splat(a0 + sar);
      x00 = madd(v0, w0, x00);
      x01 = madd(v0, w1, x01);
      x10 = madd(v1, w0, x10);
      x11 = madd(v1, w1, x11);
      const v2 = v128.load32_splat(a0 + sar * 2), v3 = v128.load32_splat(a0 + sar * 3);
      x20 = madd(v2, w0, x20);
      x21 = madd(v2, w1, x21);
      x30 = madd(v3, w0, x30);
      x31 = madd(v3, w1, x31);
      (a0 += 4), (b += NR * 4);
    }
  }
  if (relu) {
    const z = f32x4.splat(0);
    (x00 = f32x4.max(x00, z)), (x01 = f32x4.max(x01, z)), (x10 = f32x4.max(x10, z));
    (x11 = f32x4.max(x11, z)), (x20 = f32x4.max(x20, z)), (x21 = f32x4.max(x21, z));
    (x30 = f32x4.max(x30, z)), (x31 = f32x4.max(x31, z));
  }
  store8(c, x00, x01, cols);
  store8(c + ldc, x10, x11, cols);
  store8(c + ldc * 2, x20, x21, cols);
  store8(c + ldc * 3, x30, x31, cols);
  const m0 = f32x4.max(f32x4.max(x00, x01), f32x4.max(x10, x11));
  return f32x4.max(m0, f32x4.max(f32x4.max(x20, x21), f32x4.max(x30, x31)));
}

/** One output position times one panel (convTile4's tail). */
function convTile1(c: usize, a: usize, bp: usize, b0: v128, b1: v128): v128 {
  const rs = tRs, run = tRun, k = tK, cols = tCols, relu = tRelu;
  let x0 = b0, x1 = b1, b = bp;
  for (let dy = 0; dy < k; dy++) {
    let a0 = a + <usize> dy * rs;
    for (let j = 0; j < run; j++) {
      const v = v128.load32_splat(a0);
      x0 = madd(v, v128.load(b), x0);
      x1 = madd(v, v128.load(b, 16), x1);
      (a0 += 4), (b += NR * 4);
    }
  }
  if (relu) (x0 = f32x4.max(x0, f32x4.splat(0))), (x1 = f32x4.max(x1, f32x4.splat(0)));
  store8(c, x0, x1, cols);
  return f32x4.max(x0, x1);
}

/**
 * a = xp conv W + D [batch, outH, outW, outC] from the padded image xp [batch, Hp, Wp, inC]
 * and W^T [k k inC, outC]; with `relu`, a = ReLU(...) (the TTFS layer, SPEC A5) and the largest
 * activation is returned (else 0). scratch: convScratchBytes(k k inC, outC).
 */
// spec A5, A8
export function convForwardT(
  xp: usize,
  Wt: usize,
  D: usize,
  a: usize,
  batch: i32,
  Hp: i32,
  Wp: i32,
  inC: i32,
  outC: i32,
  k: i32,
  relu: bool,
  scratch: usize,
): f32 {
  const outH = Hp - k + 1, outW = Wp - k + 1, run = k * inC, kk = k * run;
  const panels = (outC + NR - 1) / NR, pk = (scratch + 15) & ~15;
  packPanels(Wt, <usize> outC * 4, 4, kk, outC, pk);
  const bias = pk + <usize> (panels * kk * NR) * 4; // P[p][0][c] = D[8p + c], zero past outC
  packPanels(D, 0, 4, 1, outC, bias);
  const sar = <usize> inC * 4, rs = <usize> (Wp * inC) * 4, ldc = <usize> outC * 4;
  const x4 = outW & ~3;
  (tSar = sar), (tRs = rs), (tRun = run), (tK = k), (tRelu = relu);
  let mx = f32x4.splat(0);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      const ar = xp + <usize> ((b * Hp + y) * Wp * inC) * 4;
      const cr = a + <usize> ((b * outH + y) * outW * outC) * 4;
      for (let p = 0; p < panels; p++) {
        const bp = pk + <usize> (p * kk * NR) * 4;
        tCols = min(NR, outC - p * NR);
        const b0 = v128.load(bias + <usize> (p * NR) * 4);
        const b1 = v128.load(bias + <usize> (p * NR) * 4, 16);
        const cp = cr + <usize> (p * NR) * 4;
        for (let x = 0; x < x4; x += 4) {
          const t = convTile4(cp + <usize> x * ldc, ldc, ar + <usize> x * sar, bp, b0, b1);
          mx = f32x4.max(mx, t);
        }
        for (let x = x4; x < outW; x++) {
          const t = convTile1(cp + <usize> x * ldc, ar + <usize> x * sar, bp, b0, b1);
          mx = f32x4.max(mx, t);
        }
      }
    }
  }
  if (!relu) return 0;
  return max(
    max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)),
    max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)),
  );
}

/** Wr [outC, k, run4] (run4 = run rounded up to 4, zero past run) from W^T [k run, outC]. */
export function convRowsT(Wt: usize, Wr: usize, outC: i32, k: i32, run: i32): void {
  const run4 = (run + 3) & ~3;
  memory.fill(Wr, 0, <usize> (outC * k * run4) * 4);
  for (let ch = 0; ch < outC; ch++) {
    for (let dy = 0; dy < k; dy++) {
      const dst = Wr + <usize> ((ch * k + dy) * run4) * 4;
      for (let j = 0; j < run; j++) {
        store<f32>(dst + <usize> j * 4, load<f32>(Wt + <usize> ((dy * run + j) * outC + ch) * 4));
      }
    }
  }
}

/** gWt [k run, outC] += dWr [outC, k, run4] (convRowsT's layout; the padding is ignored). */
export function addConvRowsT(dWr: usize, gWt: usize, outC: i32, k: i32, run: i32): void {
  const run4 = (run + 3) & ~3;
  for (let ch = 0; ch < outC; ch++) {
    for (let dy = 0; dy < k; dy++) {
      const src = dWr + <usize> ((ch * k + dy) * run4) * 4;
      for (let j = 0; j < run; j++) {
        const p = gWt + <usize> ((dy * run + j) * outC + ch) * 4;
        store<f32>(p, load<f32>(p) + load<f32>(src + <usize> j * 4));
      }
    }
  }
}

/**
 * The backward pass of a max-pooled conv layer (s x s pools) from the pooled gradient g
 * [batch, outH / s, outW / s, outC] (masked: silent winners 0) and the winners idx (flat
 * indices into a [batch, outH, outW, outC]): dWr += g patch, dD [outC] += g, and, unless
 * dxp = 0, dxp (the padded input's gradient, zeroed by the caller) += g Wr[ch] on the winner's
 * patch. Wr and dWr are [outC, k, run4] (`convRowsT`): every kernel row is run in whole f32x4,
 * the lanes past run reading the next pixels of xp (dWr's padding takes them) and adding
 * g 0 = 0 to dxp's, so xp and dxp need 12 readable bytes past their end. A first pass lists
 * the non-zero gradients with their winner's patch (`list`: 12 bytes per pooled output),
 * without a branch (the winner's place in its window by comparisons, no division); the second
 * runs the list.
 */
// spec A7, A8
export function convPoolBackward(
  g: usize,
  idx: usize,
  batch: i32,
  s: i32,
  xp: usize,
  dxp: usize,
  Wr: usize,
  dWr: usize,
  dD: usize,
  Hp: i32,
  Wp: i32,
  inC: i32,
  outC: i32,
  k: i32,
  list: usize,
): void {
  const outH = Hp - k + 1, outW = Wp - k + 1, ph = outH / s, pw = outW / s;
  const run4 = (k * inC + 3) & ~3, kk4 = k * run4, rs = <usize> (Wp * inC) * 4;
  const arow = outW * outC;
  let o = 0, n = 0;
  for (let b = 0; b < batch; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        const y0 = py * s, x0 = px * s, corner = ((b * outH + y0) * outW + x0) * outC;
        const at0 = ((b * Hp + y0) * Wp + x0) * inC;
        for (let ch = 0; ch < outC; ch++, o++) {
          const gs = load<f32>(g + <usize> o * 4);
          let rel = load<i32>(idx + <usize> o * 4) - corner - ch, wy = 0, wx = 0;
          for (let i = 1; i < s; i++) {
            const t = i32(rel >= arow);
            (wy += t), (rel -= t * arow);
          }
          for (let i = 1; i < s; i++) {
            const t = i32(rel >= outC);
            (wx += t), (rel -= t * outC);
          }
          const e = list + <usize> n * 12;
          store<i32>(e, (at0 + (wy * Wp + wx) * inC) * 4);
          store<i32>(e, ch, 4);
          store<f32>(e, gs, 8);
          n += i32(gs != 0); // branch-free: a zero is overwritten by the next entry
        }
      }
    }
  }
  const rowBytes = <usize> run4 * 4;
  for (let e = list, end = list + <usize> n * 12; e < end; e += 12) {
    const at = xp + <usize> load<i32>(e), ch = load<i32>(e, 4), gs = load<f32>(e, 8);
    const gv = f32x4.splat(gs);
    store<f32>(dD + <usize> ch * 4, load<f32>(dD + <usize> ch * 4) + gs);
    let d = dWr + <usize> (ch * kk4) * 4, src = at;
    for (let dy = 0; dy < k; dy++, d += rowBytes, src += rs) {
      for (let o: usize = 0; o < rowBytes; o += 16) {
        v128.store(d + o, madd(gv, v128.load(src + o), v128.load(d + o)));
      }
    }
  }
  if (!dxp) return;
  for (let e = list, end = list + <usize> n * 12; e < end; e += 12) {
    const ch = load<i32>(e, 4), gv = f32x4.splat(load<f32>(e, 8));
    let d = dxp + <usize> load<i32>(e), w = Wr + <usize> (ch * kk4) * 4;
    for (let dy = 0; dy < k; dy++, d += rs, w += rowBytes) {
      for (let o: usize = 0; o < rowBytes; o += 16) {
        v128.store(d + o, madd(gv, v128.load(w + o), v128.load(d + o)));
      }
    }
  }
}
