/**
 * The fused TTFS dense layer, float32 (SPEC A5, B = 1 model, no hardware constraints):
 *
 *   z = D + W x,   a = ReLU(z) = tmax - t,   t = tmax - a   (a = 0: silent, t = tmax)
 *
 * x [batch, nIn] holds x_j = tmin(n) - t_j; a [batch, nOut] is the next layer's x (its
 * tmin is this layer's tmax). The mask of the backward pass is a > 0 (`maskInactive`).
 * In float32 the next layer reads a, not tmin - t: a spike time near tmax = 1500 carries only
 * about 1e-4 absolute precision, its activation the full 24 bits.
 */
import { denseForwardT, transpose } from "./dense";

/**
 * The layer from W^T [nIn, nOut]: writes a (and t, unless t = 0: the ReLU twin's layer, the
 * same computation without spike times), returns the largest activation (for widening, A1).
 */
// spec A5
export function ttfsDenseForwardT(
  x: usize,
  Wt: usize,
  D: usize,
  t: usize,
  a: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  tmax: f32,
  scratch: usize,
): f32 {
  denseForwardT(x, Wt, D, a, batch, nIn, nOut, scratch);
  const n = batch * nOut, n4 = n & ~3, zero = f32x4.splat(0), tv = f32x4.splat(tmax);
  let mx = zero;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4, v = f32x4.max(v128.load(a + o), zero);
    v128.store(a + o, v);
    if (t) v128.store(t + o, f32x4.sub(tv, v));
    mx = f32x4.max(mx, v);
  }
  let m = max(
    max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)),
    max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)),
  );
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, v = max<f32>(load<f32>(a + o), 0);
    store<f32>(a + o, v);
    if (t) store<f32>(t + o, tmax - v);
    m = max(m, v);
  }
  return m;
}

/** The layer from W [nOut, nIn] (W^T goes into scratch); writes t and a, returns max a. */
// spec A5
export function ttfsDenseForward(
  x: usize,
  W: usize,
  D: usize,
  t: usize,
  a: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  tmax: f32,
  scratch: usize,
): f32 {
  const wt = (scratch + 15) & ~15;
  transpose(W, wt, nOut, nIn);
  const rest = wt + <usize> (nIn * nOut) * 4;
  return ttfsDenseForwardT(x, wt, D, t, a, batch, nIn, nOut, tmax, rest);
}

/** g[k] = 0 where a[k] <= 0 (a silent neuron passes no gradient, SPEC A7). */
// spec A7
export function maskInactive(g: usize, a: usize, n: i32): void {
  const n4 = n & ~3, zero = f32x4.splat(0);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(g + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(a + o), zero)));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    if (!(load<f32>(a + o) > 0)) store<f32>(g + o, 0);
  }
}

/**
 * The two models' inputs from n float64 pixels x at `src`: the SNN's x' = 1 - (1 - x) (spike
 * times t0 = 1 - x, SPEC A2, read back as tmin(1) - t0 with tmin(1) = 1), computed in float64
 * and rounded to float32 once, into `snn`; the ReLU twin's x rounded to float32 into `twin`
 * (0: none). The same roundings as the reference's scalar code, two pixels per f64x2.
 */
// spec A2
export function ttfsInputs(src: usize, snn: usize, twin: usize, n: i32): void {
  const one = f64x2.splat(1), n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const a = v128.load(src + <usize> k * 8), b = v128.load(src + <usize> k * 8, 16);
    const sa = f32x4.demote_f64x2_zero(f64x2.sub(one, f64x2.sub(one, a)));
    const sb = f32x4.demote_f64x2_zero(f64x2.sub(one, f64x2.sub(one, b)));
    v128.store(snn + <usize> k * 4, i32x4.shuffle(sa, sb, 0, 1, 4, 5));
    if (twin) {
      const ta = f32x4.demote_f64x2_zero(a), tb = f32x4.demote_f64x2_zero(b);
      v128.store(twin + <usize> k * 4, i32x4.shuffle(ta, tb, 0, 1, 4, 5));
    }
  }
  for (let k = n4; k < n; k++) {
    const x = load<f64>(src + <usize> k * 8);
    store<f32>(snn + <usize> k * 4, <f32> (1 - (1 - x)));
    if (twin) store<f32>(twin + <usize> k * 4, <f32> x);
  }
}
