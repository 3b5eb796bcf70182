/**
 * WGSL kernel of a hidden layer's OTTT forward step (SPEC B1, B2; the float64 reference is
 * `lif/ottt.ts` with its default Replace (two-matmul) forward and "trace" variant), float32:
 *
 *   u_l[t] = lambda v_l[t-1] + W_l y_{l-1}[t] + b_l,   s_l[t] = H(u_l[t] - V_th)
 *   v_l[t] = u_l[t] - V_th s_l[t]                     (soft reset, detached)
 *   g_l[t] = H'(u_l[t] - V_th)                        (sigmoid surrogate)
 *   a_hat_l[t] = lambda a_hat_l[t-1] + s_l[t]          (the trace: the next layer's p_l)
 *
 * with y_0[t] = x[t] and y_l[t] = s_l[t]. The Replace forward also computes each layer's
 * gradient path W_l a_hat_{l-1}[t] + c[t] b_l (a second matmul per layer per step, whose value
 * the backward never reads): the plan runs lif_wgsl.ts's readout kernel for it, into a
 * scratch buffer. The backward is SAF-E's (the same kernels): delta_l = dL/ds_l g_l,
 * gW_l += delta_l (outer) a_hat_{l-1}[t], gb_l += c[t] delta_l (the "trace" variant), since
 * OTTT's trace is SAF's accumulation.
 *
 * Memory layout as lif_wgsl.ts; v_l [batch, n] row-major f32.
 *
 * @module
 */
import { LIF_NEURON_BINDINGS, lifMatmul } from "./lif_wgsl.ts";

/**
 * A hidden layer's OTTT forward step, m = batch, n = nOut, k = nIn. Bindings: 1 ain (y_{l-1},
 * read at off_x), 2 theta, 3 acc (a_hat_l, updated), 4 deriv (g_l), 5 spikes (s_l), 6 stats
 * (atomic spike count), 7 v (the post-reset potential, updated). keep = 0 at the first step.
 *
 * @example
 * ```ts
 * import { lifOtttForwardWgsl } from "./lif_ottt_wgsl.ts";
 * console.log(lifOtttForwardWgsl.includes("@compute")); // true
 * ```
 */
export const lifOtttForwardWgsl: string = lifMatmul(
  `${LIF_NEURON_BINDINGS}
@group(0) @binding(7) var<storage, read_write> vpot: array<f32>;
// spec B1, B2
fn lif_step(m: u32, n: u32, v: f32) {
  let i = m * p.n + n;
  var vp = 0.0;
  var a = 0.0;
  if (p.keep != 0u) { vp = vpot[i]; a = acc[i]; }
  let u = p.lambda * vp + v + theta[p.off_w + p.n * p.k + n]; // u = lambda v + W y + b
  var s = 0.0;
  if (u >= p.vth) { s = 1.0; atomicAdd(&stats[0], 1u); }
  vpot[i] = u - p.vth * s;                                    // soft reset
  let sig = 1.0 / (1.0 + exp(-p.slope * (u - p.vth)));
  deriv[i] = p.slope * sig * (1.0 - sig);                     // H'(u - V_th)
  acc[i] = p.lambda * a + s;                                  // the trace of s
  spikes[i] = s;
}`,
  "forward",
  { a: "ain", b: "theta", offA: "p.off_x", offB: "p.off_w" },
  "lif_step(m, n, v);",
);
