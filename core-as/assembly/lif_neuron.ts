/**
 * The neurons of the fused float32 LIF steps (src/steps/lif/), four entries at a time (f32x4),
 * re-exported by lif.ts (safNeuron, otttNeuron: SAF-E, OTTT) and lif_batch.ts (safFire,
 * lifNeuron: SAF-F, Spike Representation, BPTT), whose headers give the equations. The spike
 * decisions are the scalar float32 ones (the same operations per lane); the tails past a
 * multiple of 4 run the same operations on one float.
 *
 * The sigmoid surrogate, float32:
 *
 *   H'(z) = a sig(a z) (1 - sig(a z)) = a e / (1 + e)^2,   e = exp(-|a z|)  (even in z)
 *
 * exp(x) for x <= 0 as Cephes' expf: x = n ln2 + r with n = nearest(x / ln2) (as the bits of
 * x / ln2 + 1.5 2^23, which rounds to the nearest integer, ties to even) and ln2 split in
 * two (0.693359375 exact, -2.12194440e-4), |r| <= ln2 / 2, e^r = 1 + r + r^2 P(r) with the
 * degree-5 P of expf, times 2^n written into the exponent bits; x is clamped at -87 (2^n stays
 * normal; e^-87 = 1.6e-38, where the surrogate is 0 to float32 precision anyway). Relative
 * error of exp about 2 u (u = 2^-24), of H' a few u plus a |a z| u from z itself, against the
 * float64 formula rounded to float32.
 */
import { lifAccumulate } from "./lif";

const LOG2E: f32 = 1.44269504;
const MAGIC: f32 = 12582912; // 1.5 2^23: x + MAGIC rounds x to an integer, held in the low bits
const MAGIC_BITS: i32 = 0x4b400000; // MAGIC's bits
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/**
 * expNeg4's constants as f32x4 (4 lanes each, 16 bytes apart): a load from memory is one
 * instruction where a vector constant in the loop would be rebuilt on every iteration.
 */
// deno-fmt-ignore
const C4 = memory.data<f32>([
  LOG2E, LOG2E, LOG2E, LOG2E, // 0
  MAGIC, MAGIC, MAGIC, MAGIC, // 16
  LN2_HI, LN2_HI, LN2_HI, LN2_HI, // 32
  LN2_LO, LN2_LO, LN2_LO, LN2_LO, // 48
  P0, P0, P0, P0, // 64
  P1, P1, P1, P1, // 80
  P2, P2, P2, P2, // 96
  P3, P3, P3, P3, // 112
  P4, P4, P4, P4, // 128
  P5, P5, P5, P5, // 144
  1, 1, 1, 1, // 160
  -87, -87, -87, -87, // 176
], 16);

/** exp(x) per lane for x <= 0 (module header). */
function expNeg4(x: v128): v128 {
  const xc = f32x4.max(x, v128.load(C4, 176));
  const t = f32x4.add(f32x4.mul(xc, v128.load(C4, 0)), v128.load(C4, 16)); // n in the low bits
  const n = f32x4.sub(t, v128.load(C4, 16));
  let r = f32x4.sub(xc, f32x4.mul(n, v128.load(C4, 32)));
  r = f32x4.sub(r, f32x4.mul(n, v128.load(C4, 48)));
  let p = v128.load(C4, 64);
  p = f32x4.add(f32x4.mul(p, r), v128.load(C4, 80));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C4, 96));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C4, 112));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C4, 128));
  p = f32x4.add(f32x4.mul(p, r), v128.load(C4, 144));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), v128.load(C4, 160));
  const scale = i32x4.shl(i32x4.sub(t, i32x4.splat(MAGIC_BITS - 127)), 23); // 2^n
  return f32x4.mul(p, scale);
}

/** exp(x) for x <= 0: expNeg4's operations on one float. */
function expNeg1(x: f32): f32 {
  const xc = max(x, <f32> -87);
  const t = xc * LOG2E + MAGIC, n = t - MAGIC;
  let r = xc - n * LN2_HI;
  r = r - n * LN2_LO;
  let p = P0;
  p = p * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  p = p * (r * r) + r + 1;
  return p * reinterpret<f32>((reinterpret<i32>(t) - (MAGIC_BITS - 127)) << 23);
}

/** H'(z) = a e / (1 + e)^2 per lane, e = exp(-|a z|) (module header). */
function surrogate4(z: v128, slope: v128): v128 {
  const e = expNeg4(f32x4.neg(f32x4.abs(f32x4.mul(slope, z))));
  const d = f32x4.add(v128.load(C4, 160), e);
  return f32x4.div(f32x4.mul(slope, e), f32x4.mul(d, d));
}

/** H'(z) for one float: surrogate4's operations. */
function surrogate1(z: f32, slope: f32): f32 {
  const e = expNeg1(-Mathf.abs(slope * z));
  const d = <f32> 1 + e;
  return (slope * e) / (d * d);
}

/** Spikes counted in a vector of firing masks (-1 per lane that fired, summed). */
function spikeCount(count: v128): i32 {
  return -(i32x4.extract_lane(count, 0) + i32x4.extract_lane(count, 1) +
    i32x4.extract_lane(count, 2) + i32x4.extract_lane(count, 3));
}

/**
 * The SAF neuron over n entries, in place: from U[t] and a_hat[t-1] (in `acc`) writes the
 * spikes s, the surrogate factor g = a sig(a z) (1 - sig(a z)) at z = u[t] - V_th with the LIF
 * potential u[t] = U[t] - V_th lambda a_hat[t-1] (z = U - V_th (lambda a_hat + 1), float32,
 * lif_surrogate.ts), and a_hat[t] into `acc`; four entries at a time. Returns the spikes.
 */
// spec B1, B3
export function safNeuron(
  U: usize,
  acc: usize,
  s: usize,
  g: usize,
  n: i32,
  lambda: f32,
  vth: f32,
  slope: f64,
): i32 {
  const a = <f32> slope, n4 = n & ~3, vl = f32x4.splat(lambda), vv = f32x4.splat(vth);
  const one = f32x4.splat(1), va = f32x4.splat(a);
  let count = i32x4.splat(0);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4, Uk = v128.load(U + o), la = f32x4.mul(vl, v128.load(acc + o));
    const thr = f32x4.mul(vv, f32x4.add(la, one)); // V_th (lambda a_hat + 1)
    const fire = f32x4.ge(Uk, thr), sk = v128.and(fire, one); // H(U - thr), H(0) = 1
    v128.store(g + o, surrogate4(f32x4.sub(Uk, thr), va));
    v128.store(s + o, sk);
    v128.store(acc + o, f32x4.add(la, sk));
    count = i32x4.add(count, fire);
  }
  let spikes = spikeCount(count);
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, Uk = load<f32>(U + o), la = lambda * load<f32>(acc + o);
    const thr = vth * (la + 1), fire = Uk >= thr;
    store<f32>(g + o, surrogate1(Uk - thr, a));
    store<f32>(s + o, fire ? 1 : 0);
    store<f32>(acc + o, la + (fire ? 1 : 0));
    spikes += i32(fire);
  }
  return spikes;
}

/**
 * The OTTT neuron (LIF, soft reset) over n entries, in place: from the input current I[t]
 * (in `U`) and the post-reset potential v[t-1] writes u[t] = lambda v[t-1] + I[t] into `U`,
 * the spikes s = H(u - V_th), v[t] = u - V_th s, the surrogate factor g = H'(u - V_th)
 * (float32, lif_surrogate.ts) and the spikes' trace a_hat[t] = lambda a_hat[t-1] + s into
 * `acc`: `lifNeuron`, then `lifAccumulate` on its spikes. Returns the spikes.
 */
// spec B1, B2
export function otttNeuron(
  U: usize,
  v: usize,
  acc: usize,
  s: usize,
  g: usize,
  n: i32,
  lambda: f32,
  vth: f32,
  slope: f64,
): i32 {
  const spikes = lifNeuron(U, v, s, g, n, lambda, vth, slope);
  lifAccumulate(acc, s, n, lambda); // a_hat[t] = lambda a_hat[t-1] + s: the same float32 ops
  return spikes;
}

/**
 * The SAF neuron's spikes and accumulation only (safNeuron without the surrogate factor), n
 * entries in place, four at a time: s = H(U - V_th (lambda a_hat[t-1] + 1)), a_hat[t] into
 * `acc`. Returns the spikes.
 */
// spec B3
export function safFire(U: usize, acc: usize, s: usize, n: i32, lambda: f32, vth: f32): i32 {
  const n4 = n & ~3, vl = f32x4.splat(lambda), vv = f32x4.splat(vth), one = f32x4.splat(1);
  let count = i32x4.splat(0);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4, la = f32x4.mul(vl, v128.load(acc + o));
    const fire = f32x4.ge(v128.load(U + o), f32x4.mul(vv, f32x4.add(la, one)));
    const sk = v128.and(fire, one);
    v128.store(s + o, sk);
    v128.store(acc + o, f32x4.add(la, sk));
    count = i32x4.add(count, fire);
  }
  let spikes = spikeCount(count);
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, la = lambda * load<f32>(acc + o);
    const fire = load<f32>(U + o) >= vth * (la + 1); // as safNeuron, H(0) = 1
    store<f32>(s + o, fire ? 1 : 0);
    store<f32>(acc + o, la + (fire ? 1 : 0));
    spikes += i32(fire);
  }
  return spikes;
}

/**
 * The LIF neuron (soft reset) over n entries, in place, four at a time: from the input current
 * I[t] (in `I`) and the post-reset potential v[t-1] writes u[t] = lambda v[t-1] + I[t] into
 * `I`, the spikes s = H(u - V_th), v[t] = u - V_th s and, unless g is 0, the surrogate factor
 * g = a sig(a z) (1 - sig(a z)) at z = u - V_th (float32, lif_surrogate.ts). Returns the
 * spikes.
 */
// spec B1
export function lifNeuron(
  I: usize,
  v: usize,
  s: usize,
  g: usize,
  n: i32,
  lambda: f32,
  vth: f32,
  slope: f64,
): i32 {
  const a = <f32> slope, n4 = n & ~3, vl = f32x4.splat(lambda), vv = f32x4.splat(vth);
  const one = f32x4.splat(1), va = f32x4.splat(a);
  let count = i32x4.splat(0);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    const u = f32x4.add(f32x4.mul(vl, v128.load(v + o)), v128.load(I + o));
    const fire = f32x4.ge(u, vv), z = f32x4.sub(u, vv);
    if (g != 0) v128.store(g + o, surrogate4(z, va));
    v128.store(I + o, u);
    v128.store(s + o, v128.and(fire, one));
    v128.store(v + o, v128.bitselect(z, u, fire)); // soft reset
    count = i32x4.add(count, fire);
  }
  let spikes = spikeCount(count);
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4, u = lambda * load<f32>(v + o) + load<f32>(I + o);
    const fire = u >= vth; // H(u - V_th), H(0) = 1
    if (g != 0) store<f32>(g + o, surrogate1(u - vth, a));
    store<f32>(I + o, u);
    store<f32>(s + o, fire ? 1 : 0);
    store<f32>(v + o, fire ? u - vth : u); // soft reset
    spikes += i32(fire);
  }
  return spikes;
}
