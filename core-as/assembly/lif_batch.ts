/**
 * Kernels of the fused float32 SAF-F, Spike Representation and BPTT steps for LIF networks
 * (src/steps/lif/wasm_batch.ts), SPEC B1-B4: the methods that update once per batch. The
 * linear maps, the loss, the weight gradients and Adam are lif.ts's and step.ts's.
 *
 * SAF-F (B3): the SAF forward of SAF-E for t < T without the surrogate (safFire), safNeuron at
 * t = T; then the rates r_l = a_hat_l[T] / c[T] (lifScale), one loss on W_L r_{L-1} + b_L and
 * one backward with the rates as presynaptic factors and bias factor 1.
 *
 * Spike Representation (B4): the LIF forward (lifNeuron without the surrogate, the traces by
 * lifAccumulate), the rates as SAF-F's, then per hidden layer z_l = W_l r_{l-1} + b_l and
 *
 *   g_l = [0 <= z_l <= V_th] / V_th                          (spikeRepWindow)
 *
 * BPTT (B2.3): the LIF forward with the surrogate g_l[t] = H'(u_l[t] - V_th) (lifNeuron), the
 * spikes s_l[t] and g_l[t] of every step kept for the backward through time,
 *
 *   delta_l[t] = (delta_{l+1}[t] W_{l+1}) g_l[t] + lambda delta_l[t+1]     (lifMultiply,
 *                                                                          lifAccumulate)
 */
export { lifNeuron, safFire } from "./lif_neuron";

/** a[k] *= c for n floats: an accumulation a_hat[T] into the rate a_hat[T] / c[T]. */
// spec B3, B4
export function lifScale(a: usize, n: i32, c: f32): void {
  const n4 = n & ~3, vc = f32x4.splat(c);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize> k * 4;
    v128.store(a + o, f32x4.mul(v128.load(a + o), vc));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize> k * 4;
    store<f32>(a + o, load<f32>(a + o) * c);
  }
}

/**
 * Spike Representation's derivative of the closed form clamp(z / V_th, 0, 1) over n entries:
 * g = 1 / V_th where 0 <= z <= V_th, else 0.
 */
// spec B4
export function spikeRepWindow(z: usize, g: usize, n: i32, vth: f32): void {
  const inv = <f32> (1 / <f64> vth);
  for (let k = 0; k < n; k++) {
    const o = <usize> k * 4, zk = load<f32>(z + o);
    store<f32>(g + o, zk >= 0 && zk <= vth ? inv : 0);
  }
}
