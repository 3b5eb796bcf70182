/**
 * Kernels of the fused float32 SAF-E and OTTT steps for LIF networks
 * (src/steps/lif/wasm.ts), SPEC B1-B3. Weights live transposed, Wt [nIn, nOut], as in step.ts.
 * At one SAF-E time step t:
 *
 *   A_0[t] = lambda A_0[t-1] + x[t]                          (lifAccumulate)
 *   U_l[t] = A_{l-1}[t] Wt_l + c[t] b_l                      (lifCurrent)
 *   s_l[t] = H(U_l - V_th (lambda a_hat_l[t-1] + 1)),  a_hat_l[t] = lambda a_hat_l[t-1] + s_l
 *   g_l[t] = H'(U_l - V_th lambda a_hat_l[t-1] - V_th)      (safNeuron, the sigmoid surrogate)
 *   o[t] = s_{L-1}[t] Wt_L + b_L,  L(o) and dL/do            (lifCurrent, lifMixedLoss)
 *   gWt += p^T delta,  gb += k colsum(delta)                 (lifWeightGrad)
 *   delta_{l} = (delta_{l+1} W_{l+1}) * g_l                  (denseBackwardInputT, lifMultiply)
 *   then one Adam update of every parameter                  (adamStepCompensated)
 *
 * A_l = a_hat_l, or pool(a_hat_l) for an avg-pooled conv layer (conv.ts; a conv layer runs
 * these kernels on its patch rows, src/steps/lif/wasm_layers.ts). The loss runs in float64
 * inside an element, everything else in float32 (the surrogate: lif_surrogate.ts).
 *
 * OTTT (SPEC B2) runs the LIF neuron itself on the spikes: I_l[t] = s_{l-1}[t] Wt_l + b_l
 * (lifCurrent, k = 1; s_0 = x), then otttNeuron (u = lambda v + I, s = H(u - V_th), soft
 * reset, a_hat_l[t] = lambda a_hat_l[t-1] + s_l, g = H'(u - V_th)); its backward is the same
 * with each layer's presynaptic trace (or x[t] for layer 1 and bias factor 1 in the official
 * variant); OTTT_A updates once per batch, on the gradients summed over the steps.
 */
import { addBiasGradient } from "./dense";
import { accumulateAuto } from "./gemm";
export { otttNeuron, safNeuron } from "./lif_neuron";

/** acc[k] = lambda acc[k] + x[k] for n floats: the input accumulation (a trace). */
// spec B1, B3
export function lifAccumulate(acc: usize, x: usize, n: i32, lambda: f32): void {
  const n4 = n & ~3, vl = f32x4.splat(lambda);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(acc + o, f32x4.add(f32x4.mul(vl, v128.load(acc + o)), v128.load(x + o)));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(acc + o, lambda * load<f32>(acc + o) + load<f32>(x + o));
  }
}

/**
 * y[k] += a x[k] for n floats (the product a x rounded, then added): a deferred delta summed
 * over steps with its bias factor (src/steps/lif/wasm_core.ts, `Factor.deferTo`).
 */
export function lifAxpy(y: usize, x: usize, n: i32, a: f32): void {
  const n4 = n & ~3, va = f32x4.splat(a);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/**
 * U[b, i] = c bias[i] + sum_j A[b, j] Wt[j, i]  (overwrites U), zeros of A skipped where A is
 * sparse (`accumulateAuto`; scratch: denseScratchBytes(batch, 0, 0, 0) + gemmScratchBytes).
 */
// spec B1, B3
export function lifCurrent(
  A: usize,
  Wt: usize,
  bias: usize,
  c: f32,
  U: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  scratch: usize,
): void {
  for (let i = 0; i < nOut; i++) store<f32>(U + <usize> i * 4, c * load<f32>(bias + <usize> i * 4));
  for (let b = 1; b < batch; b++) memory.copy(U + <usize> (b * nOut) * 4, U, <usize> nOut * 4);
  const ldu = <usize> nOut * 4;
  accumulateAuto(U, ldu, A, <usize> nIn * 4, 4, Wt, ldu, 4, batch, nIn, nOut, scratch);
}

/** d[k] *= g[k] for n floats: delta = dL/ds * ds/du. */
// spec B2, B3
export function lifMultiply(d: usize, g: usize, n: i32): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(d + o, f32x4.mul(v128.load(d + o), v128.load(g + o)));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(d + o, load<f32>(d + o) * load<f32>(g + o));
  }
}

/**
 * The per-step loss L(o) = scale ((1 - m) CE + m MSE) of `batch` rows of logits o (float64
 * inside a row): writes dL/do into dO, adds o into `scores`, returns L.
 */
// spec B1.2
export function lifMixedLoss(
  o: usize,
  labels: usize,
  dO: usize,
  scores: usize,
  batch: i32,
  classes: i32,
  m: f64,
  scale: f64,
): f64 {
  let ce: f64 = 0, mse: f64 = 0;
  const k2: f64 = 2 / <f64> (batch * classes);
  for (let b = 0; b < batch; b++) {
    const y = o + <usize> (b * classes) * 4, d = dO + <usize> (b * classes) * 4;
    const sc = scores + <usize> (b * classes) * 4, label = load<i32>(labels + <usize> b * 4);
    let mx = <f64> load<f32>(y);
    for (let k = 1; k < classes; k++) mx = Math.max(mx, <f64> load<f32>(y + <usize> k * 4));
    let sum: f64 = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(<f64> load<f32>(y + <usize> k * 4) - mx);
    ce += Math.log(sum) - (<f64> load<f32>(y + <usize> label * 4) - mx);
    for (let k = 0; k < classes; k++) {
      const v = load<f32>(y + <usize> k * 4), on: f64 = k == label ? 1 : 0;
      const p = Math.exp(<f64> v - mx) / sum, e = <f64> v - on;
      mse += e * e;
      const dce = (p - on) / <f64> batch;
      store<f32>(d + <usize> k * 4, <f32> (scale * ((1 - m) * dce + m * k2 * e)));
      store<f32>(sc + <usize> k * 4, load<f32>(sc + <usize> k * 4) + v);
    }
  }
  return scale * ((1 - m) * ce / <f64> batch + m * mse / <f64> (batch * classes));
}

/**
 * dWt[j, i] += sum_b p[b, j] dz[b, i];  dbias[i] += k sum_b dz[b, i]: a layer's weight
 * gradient with presynaptic factor p [batch, nIn] and bias factor k (zeros of p skipped).
 */
// spec B2, B3
export function lifWeightGrad(
  dz: usize,
  p: usize,
  dWt: usize,
  dbias: usize,
  batch: i32,
  nIn: i32,
  nOut: i32,
  k: f32,
  scratch: usize,
): void {
  addBiasGradient(dz, dbias, batch, nOut, k); // dense.ts
  const ldo = <usize> nOut * 4;
  accumulateAuto(dWt, ldo, p, 4, <usize> nIn * 4, dz, ldo, 4, nIn, batch, nOut, scratch);
}

/** Rows of [batch, classes] scores whose argmax (first on ties) is the i32 label. */
// spec A6
export function lifCorrect(scores: usize, labels: usize, batch: i32, classes: i32): i32 {
  let right = 0;
  for (let b = 0; b < batch; b++) {
    const y = scores + <usize> (b * classes) * 4;
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (load<f32>(y + <usize> k * 4) > load<f32>(y + <usize> best * 4)) best = k;
    }
    right += i32(best == load<i32>(labels + <usize> b * 4));
  }
  return right;
}

/**
 * One Adam update of n parameters (as step.ts's adamStep, Keras form) in float32, with two
 * corrections that keep a run of many updates on the float64 reference's path:
 * 1 - beta is formed in float64 before rounding (1 - f32(0.999) is 1.3e-5 off 0.001, which
 * biases every update by 6e-6 relative, always the same way), and the update is summed
 * compensated (Kahan): p + lo carries the weight to about twice float32's precision, where p
 * alone would lose up to half an ulp at each of the T updates per batch. The kernels read p,
 * the float32 rounding of the sum, as a float64 weight is rounded entering a float32 kernel.
 * With `clear`, the gradients are zeroed as they are read (the next step's sums start there).
 */
// spec A10.1
export function adamStepCompensated(
  p: usize,
  lo: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  lrT: f32,
  b1: f64,
  b2: f64,
  eps: f32,
  clear: bool,
): void {
  const d1 = <f32> (1 - b1), d2 = <f32> (1 - b2), f1 = <f32> b1, f2 = <f32> b2;
  const n4 = n & ~3, vb1 = f32x4.splat(f1), vb2 = f32x4.splat(f2);
  const c1 = f32x4.splat(d1), c2 = f32x4.splat(d2);
  const vlr = f32x4.splat(lrT), ve = f32x4.splat(eps);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4, gk = v128.load(g + o);
    if (clear) v128.store(g + o, f32x4.splat(0));
    const mk = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(c1, gk));
    const vk = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gk, gk)));
    v128.store(m + o, mk);
    v128.store(v + o, vk);
    const step = f32x4.div(f32x4.mul(vlr, mk), f32x4.add(f32x4.sqrt(vk), ve));
    const pk = v128.load(p + o), y = f32x4.sub(v128.load(lo + o), step); // the update + lost part
    const sum = f32x4.add(pk, y);
    v128.store(lo + o, f32x4.sub(y, f32x4.sub(sum, pk))); // what the float32 sum dropped
    v128.store(p + o, sum);
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, gk = load<f32>(g + o);
    if (clear) store<f32>(g + o, 0);
    const mk = f1 * load<f32>(m + o) + d1 * gk;
    const vk = f2 * load<f32>(v + o) + d2 * gk * gk;
    store<f32>(m + o, mk);
    store<f32>(v + o, vk);
    const pk = load<f32>(p + o), y = load<f32>(lo + o) - (lrT * mk) / (Mathf.sqrt(vk) + eps);
    const sum = pk + y;
    store<f32>(lo + o, y - (sum - pk));
    store<f32>(p + o, sum);
  }
}
