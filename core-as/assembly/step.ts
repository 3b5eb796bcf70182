/**
 * Kernels of the float32 training step that the host keeps resident in this memory
 * (src/steps/ttfs/wasm.ts). Weights live transposed, Wt [nIn, nOut], so the forward
 * pass needs no copy (`denseForwardT`) and the weight gradient is accumulated as dW^T.
 */
import { accumulateRows, transpose } from "./dense";
import { accumulateAuto, sparserThanSkip } from "./gemm";

/**
 * dWt[j,i] += sum_b x[b,j] dz[b,i];  dbias[i] += sum_b dz[b,i]. The row accumulation runs
 * over the inputs j, so zero inputs (black pixels, silent neurons) are skipped.
 */
// spec A7, B2
export function denseBackwardWeightsT(
  dz: usize,
  x: usize,
  dWt: usize,
  dbias: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  for (let b = 0; b < batch; b++) addInto(dbias, dz + <usize> (b * nOut) * 4, nOut);
  const ldo = <usize> nOut * 4;
  accumulateAuto(dWt, ldo, x, 4, <usize> nIn * 4, dz, ldo, 4, nIn, batch, nOut, scratch);
}

/**
 * dx[b,j] = sum_i dz[b,i] Wt[j,i]  (overwrites dx) from the resident W^T: the packed tiles read
 * B = W straight out of W^T (no transpose) where dz is dense; where dz is sparse (silent
 * neurons) W is transposed into `w` ([nOut, nIn] floats) for version 2's zero-skipping rows.
 */
// spec A7, B2
export function denseBackwardInputT(
  dz: usize,
  Wt: usize,
  dx: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  w: usize,
  scratch: usize,
): void {
  memory.fill(dx, 0, <usize> (batch * nIn) * 4);
  const ldx = <usize> nIn * 4, ldz = <usize> nOut * 4;
  if (sparserThanSkip(dz, ldz, 4, batch, nOut)) {
    transpose(Wt, w, nIn, nOut); // sparse dz: version 2's rows, which read W row by row
    accumulateRows(dx, ldx, dz, ldz, 4, w, ldx, batch, nOut, nIn, scratch);
  } else accumulateAuto(dx, ldx, dz, ldz, 4, Wt, 4, ldz, batch, nOut, nIn, scratch);
}

/** dst[0..n) += src[0..n). */
export function addInto(dst: usize, src: usize, n: i32): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * Softmax cross-entropy of `batch` rows (SPEC A6), in float64 inside a row:
 * dl[b,k] = (softmax(y_b)_k - [k = label_b]) / denom, returns the summed (not mean) loss and
 * adds the rows whose argmax (first on ties) is the label to the i32 at `correct`. `denom` is
 * the whole batch's size when this is one worker's share of it.
 */
// spec A6
export function softmaxCrossEntropy(
  logits: usize,
  labels: usize,
  dl: usize,
  batch: i32,
  classes: i32,
  denom: f64,
  correct: usize,
): f64 {
  let loss: f64 = 0, right = 0;
  for (let b = 0; b < batch; b++) {
    const y = logits + <usize> (b * classes) * 4, d = dl + <usize> (b * classes) * 4;
    const label = load<i32>(labels + <usize> b * 4);
    let mx = <f64> load<f32>(y), arg = 0;
    for (let k = 1; k < classes; k++) {
      const v = <f64> load<f32>(y + <usize> k * 4);
      if (v > mx) (mx = v), (arg = k);
    }
    let sum: f64 = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(<f64> load<f32>(y + <usize> k * 4) - mx);
    loss += Math.log(sum) - (<f64> load<f32>(y + <usize> label * 4) - mx);
    for (let k = 0; k < classes; k++) {
      const p = Math.exp(<f64> load<f32>(y + <usize> k * 4) - mx) / sum;
      store<f32>(d + <usize> k * 4, <f32> ((p - (k == label ? 1 : 0)) / denom));
    }
    right += i32(arg == label);
  }
  store<i32>(correct, load<i32>(correct) + right);
  return loss;
}

/**
 * One Adam update of n parameters (Keras form, as src/nn/optim.ts; lrT carries the bias
 * corrections): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lrT m / (sqrt(v) + eps).
 */
// spec A10.1
export function adamStep(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  lrT: f32,
  beta1: f64,
  beta2: f64,
  eps: f32,
): void {
  adamStepInto(p, p, g, m, v, n, lrT, beta1, beta2, eps);
}

/**
 * adamStep with the parameters read at `src` and written at `dst` (the same floats, or another
 * buffer: a data-parallel step writes its copies of the parameters in turn, so that no core
 * writes lines another core has just read, HOMES in src/steps/ttfs/wasm_workers.ts).
 */
// spec A10.1
export function adamStepInto(
  src: usize,
  dst: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  lrT: f32,
  beta1: f64,
  beta2: f64,
  eps: f32,
): void {
  // 1 - beta in float64, then rounded: 1 - f32(0.999) is 1.3e-5 off 0.001, which makes every
  // update 6e-6 (relative) too large, always the same way
  const b1 = <f32> beta1, b2 = <f32> beta2, d1 = <f32> (1 - beta1), d2 = <f32> (1 - beta2);
  const n4 = n & ~3, vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2);
  const c1 = f32x4.splat(d1), c2 = f32x4.splat(d2);
  const vlr = f32x4.splat(lrT), ve = f32x4.splat(eps);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4, gk = v128.load(g + o);
    const mk = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(c1, gk));
    const vk = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gk, gk)));
    v128.store(m + o, mk);
    v128.store(v + o, vk);
    const step = f32x4.div(f32x4.mul(vlr, mk), f32x4.add(f32x4.sqrt(vk), ve));
    v128.store(dst + o, f32x4.sub(v128.load(src + o), step));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, gk = load<f32>(g + o);
    const mk = b1 * load<f32>(m + o) + d1 * gk;
    const vk = b2 * load<f32>(v + o) + d2 * gk * gk;
    store<f32>(m + o, mk);
    store<f32>(v + o, vk);
    store<f32>(dst + o, load<f32>(src + o) - (lrT * mk) / (Mathf.sqrt(vk) + eps));
  }
}

/** sum of squares of n floats, for gradient norms (float32 lanes, summed in float64). */
export function sumSquares(p: usize, n: i32): f64 {
  const n4 = n & ~3;
  let acc = f32x4.splat(0);
  for (let k = 0; k < n4; k += 4) {
    const v = v128.load(p + <usize> k * 4);
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let s: f64 = <f64> f32x4.extract_lane(acc, 0) + <f64> f32x4.extract_lane(acc, 1) +
    <f64> f32x4.extract_lane(acc, 2) + <f64> f32x4.extract_lane(acc, 3);
  for (let k = n4; k < n; k++) {
    const v = <f64> load<f32>(p + <usize> k * 4);
    s += v * v;
  }
  return s;
}
