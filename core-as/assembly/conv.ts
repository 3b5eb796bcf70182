/**
 * Convolution and pooling kernels, float32, NHWC, the layouts of src/nn/conv.ts and
 * src/nn/pool.ts (pointers are byte offsets, sizes are counts, stride 1, square kernels):
 *
 *   x     [batch, inH, inW, inC]            x[((b * inH + y) * inW + x) * inC + c]
 *   W^T   [k * k * inC, outC]               the resident layout of the fused step (step.ts)
 *   cols  [batch * outH * outW, k * k * inC] row r = (b, y, x) holds the patch in (dy, dx, c)
 *                                            order: cols[r, (dy * k + dx) * inC + c]
 *                                            = x[b, y + dy - pad, x + dx - pad, c], 0 outside
 *   outH = inH + 2 pad - k + 1, outW = inW + 2 pad - k + 1
 *
 * so that z = cols W^T + bias [batch * outH * outW, outC] is the conv layer's output in NHWC
 * (the dense GEMM with batch' = batch outH outW). In a TTFS layer the padding is the zero
 * activation (a spike at tmin(n), SPEC A8). `col2im` is im2col's adjoint: every patch entry
 * is added back onto its pixel (entries on the padding are dropped).
 *
 * Pooling (window = stride = s, floor mode: rows and columns that fill no window are dropped):
 *   a [batch, h, w, c] -> y [batch, h / s, w / s, c]
 *   max: y[o] = a[idx[o]], idx[o] the flat index into a of the window's largest value, ties
 *        to the first in row-major window order (poolArgmax); backward dx[idx[o]] += dy[o]
 *        (the TTFS max-pool: the earliest spike = the largest activation, SPEC A8)
 *   avg: y[o] = sum_window a / s^2; backward dx[k] = dy[o] / s^2 for the window's inputs
 *
 * SIMD (f32x4) runs along the contiguous axis: the runs of patch rows (dx, c) in im2col and
 * col2im, and the channels in the pools (4 channels at a time, then the rest one by one).
 */

/** dst[0..n) = src[0..n) (no overlap), 4 floats at a time. */
function copyRun(dst: usize, src: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dst + <usize> k * 4, v128.load(src + <usize> k * 4));
  for (; k < n; k++) store<f32>(dst + <usize> k * 4, load<f32>(src + <usize> k * 4));
}

/** dst[0..n) += src[0..n), 4 floats at a time. */
function addRun(dst: usize, src: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize> k * 4;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * The patch matrix cols [batch * outH * outW, k * k * inC] of x [batch, inH, inW, inC]
 * (overwritten; positions outside the image read 0).
 */
// spec A8
export function im2col(
  x: usize,
  cols: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  inC: i32,
  k: i32,
  pad: i32,
): void {
  const outH = inH + 2 * pad - k + 1, outW = inW + 2 * pad - k + 1, run = k * inC;
  let r: usize = cols;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      for (let xo = 0; xo < outW; xo++) {
        const dx0 = max(0, pad - xo), dx1 = min(k, inW + pad - xo);
        for (let dy = 0; dy < k; dy++, r += <usize> run * 4) {
          const yi = y + dy - pad;
          if (yi < 0 || yi >= inH) {
            memory.fill(r, 0, <usize> run * 4);
            continue;
          }
          if (dx0 > 0) memory.fill(r, 0, <usize> (dx0 * inC) * 4);
          const src = x + <usize> (((b * inH + yi) * inW + xo + dx0 - pad) * inC) * 4;
          copyRun(r + <usize> (dx0 * inC) * 4, src, (dx1 - dx0) * inC);
          if (dx1 < k) memory.fill(r + <usize> (dx1 * inC) * 4, 0, <usize> ((k - dx1) * inC) * 4);
        }
      }
    }
  }
}

/**
 * im2col's adjoint: dx [batch, inH, inW, inC] (zeroed first) receives every entry of
 * dcols [batch * outH * outW, k * k * inC] on its pixel; entries on the padding are dropped.
 */
// spec A8
export function col2im(
  dcols: usize,
  dx: usize,
  batch: i32,
  inH: i32,
  inW: i32,
  inC: i32,
  k: i32,
  pad: i32,
): void {
  const outH = inH + 2 * pad - k + 1, outW = inW + 2 * pad - k + 1, run = k * inC;
  memory.fill(dx, 0, <usize> (batch * inH * inW * inC) * 4);
  let r: usize = dcols;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < outH; y++) {
      for (let xo = 0; xo < outW; xo++) {
        const dx0 = max(0, pad - xo), dx1 = min(k, inW + pad - xo);
        for (let dy = 0; dy < k; dy++, r += <usize> run * 4) {
          const yi = y + dy - pad;
          if (yi < 0 || yi >= inH) continue;
          const dst = dx + <usize> (((b * inH + yi) * inW + xo + dx0 - pad) * inC) * 4;
          addRun(dst, r + <usize> (dx0 * inC) * 4, (dx1 - dx0) * inC);
        }
      }
    }
  }
}

/** One window's max over channels ch..ch+3 (lanes), into y and idx at o + ch. */
function maxWindow4(
  a: usize,
  y: usize,
  idx: usize,
  k0: i32,
  o: i32,
  ch: i32,
  w: i32,
  c: i32,
  s: i32,
): void {
  const lanes = i32x4(0, 1, 2, 3);
  let best = v128.load(a + <usize> (k0 + ch) * 4);
  let arg = i32x4.add(i32x4.splat(k0 + ch), lanes);
  for (let dy = 0; dy < s; dy++) {
    for (let dx = i32(dy == 0); dx < s; dx++) {
      const k = k0 + (dy * w + dx) * c + ch, v = v128.load(a + <usize> k * 4);
      const gt = f32x4.gt(v, best); // strict: a tie keeps the earlier entry
      best = v128.bitselect(v, best, gt);
      arg = v128.bitselect(i32x4.add(i32x4.splat(k), lanes), arg, gt);
    }
  }
  v128.store(y + <usize> (o + ch) * 4, best);
  v128.store(idx + <usize> (o + ch) * 4, arg);
}

/**
 * Max-pool of a [batch, h, w, c] into y [batch, h / s, w / s, c], with idx (i32, same shape as
 * y) the flat index into a of each window's largest value; ties go to the first in row-major
 * window order, as src/nn/pool.ts poolArgmax. Channels go 4 at a time; the last c mod 4 as a
 * group of 4 that overlaps the one before (the same values written twice), or one by one when
 * c < 4.
 */
// spec A8
export function maxPoolForward(
  a: usize,
  y: usize,
  idx: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  s: i32,
): void {
  const ph = h / s, pw = w / s, c4 = c & ~3;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++, o += c) {
        const k0 = ((b * h + py * s) * w + px * s) * c;
        for (let ch = 0; ch < c4; ch += 4) maxWindow4(a, y, idx, k0, o, ch, w, c, s);
        if (c4 == c) continue;
        if (c >= 4) {
          maxWindow4(a, y, idx, k0, o, c - 4, w, c, s);
          continue;
        }
        for (let ch = 0; ch < c; ch++) {
          let best = load<f32>(a + <usize> (k0 + ch) * 4), arg = k0 + ch;
          for (let dy = 0; dy < s; dy++) {
            for (let dx = i32(dy == 0); dx < s; dx++) {
              const k = k0 + (dy * w + dx) * c + ch, v = load<f32>(a + <usize> k * 4);
              if (v > best) (best = v), (arg = k);
            }
          }
          store<f32>(y + <usize> (o + ch) * 4, best);
          store<i32>(idx + <usize> (o + ch) * 4, arg);
        }
      }
    }
  }
}

/** Max-pool backward: dx [n] zeroed, then dx[idx[o]] += dy[o] for the m pooled outputs. */
// spec A8
export function maxPoolBackward(dy: usize, idx: usize, dx: usize, m: i32, n: i32): void {
  memory.fill(dx, 0, <usize> n * 4);
  for (let o = 0; o < m; o++) {
    const p = dx + <usize> load<i32>(idx + <usize> o * 4) * 4;
    store<f32>(p, load<f32>(p) + load<f32>(dy + <usize> o * 4));
  }
}

/**
 * Avg-pool of a [batch, h, w, c] into y [batch, h / s, w / s, c]: y[o] = sum over the window
 * (row-major) of a / s^2, 1 / s^2 rounded to float32 once.
 */
// spec B1
export function avgPoolForward(
  a: usize,
  y: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  s: i32,
): void {
  const ph = h / s, pw = w / s, c4 = c & ~3, inv = <f32> (1.0 / <f64> (s * s));
  const vinv = f32x4.splat(inv);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++, o += c) {
        const k0 = ((b * h + py * s) * w + px * s) * c;
        for (let ch = 0; ch < c4; ch += 4) {
          let acc = f32x4.splat(0);
          for (let dy = 0; dy < s; dy++) {
            for (let dx = 0; dx < s; dx++) {
              const v = v128.load(a + <usize> (k0 + (dy * w + dx) * c + ch) * 4);
              acc = f32x4.add(acc, f32x4.mul(v, vinv));
            }
          }
          v128.store(y + <usize> (o + ch) * 4, acc);
        }
        for (let ch = c4; ch < c; ch++) {
          let acc: f32 = 0;
          for (let dy = 0; dy < s; dy++) {
            for (let dx = 0; dx < s; dx++) {
              acc += load<f32>(a + <usize> (k0 + (dy * w + dx) * c + ch) * 4) * inv;
            }
          }
          store<f32>(y + <usize> (o + ch) * 4, acc);
        }
      }
    }
  }
}

/**
 * Avg-pool backward: dx [batch, h, w, c] (overwritten) gets dy[o] / s^2 on every input of
 * window o, 0 on the rows and columns that fill no window.
 */
// spec B2
export function avgPoolBackward(
  dy: usize,
  dx: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  s: i32,
): void {
  const ph = h / s, pw = w / s, c4 = c & ~3, inv = <f32> (1.0 / <f64> (s * s));
  const vinv = f32x4.splat(inv);
  memory.fill(dx, 0, <usize> (batch * h * w * c) * 4);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++, o += c) {
        const k0 = ((b * h + py * s) * w + px * s) * c;
        for (let ch = 0; ch < c4; ch += 4) {
          const g = f32x4.mul(v128.load(dy + <usize> (o + ch) * 4), vinv);
          for (let dy_ = 0; dy_ < s; dy_++) {
            for (let dx_ = 0; dx_ < s; dx_++) {
              v128.store(dx + <usize> (k0 + (dy_ * w + dx_) * c + ch) * 4, g);
            }
          }
        }
        for (let ch = c4; ch < c; ch++) {
          const g = load<f32>(dy + <usize> (o + ch) * 4) * inv;
          for (let dy_ = 0; dy_ < s; dy_++) {
            for (let dx_ = 0; dx_ < s; dx_++) {
              store<f32>(dx + <usize> (k0 + (dy_ * w + dx_) * c + ch) * 4, g);
            }
          }
        }
      }
    }
  }
}
