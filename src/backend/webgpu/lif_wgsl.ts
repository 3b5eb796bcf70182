/**
 * WGSL kernels of the SAF forward and SAF-E backward step of a dense LIF network (SPEC B3;
 * the float64 reference is `lif/saf.ts`), float32 on the GPU:
 *
 *   A_0[t]   = lambda A_0[t-1] + x[t]                                   (lifAccumulateWgsl)
 *   U_l[t]   = W_l A_{l-1}[t] + b_l c[t]                                (lifHiddenForwardWgsl)
 *   s_l[t]   = H(U_l[t] - V_th (lambda a_hat_l[t-1] + 1)),   a_hat_l[t] = lambda a_hat_l[t-1] + s_l[t]
 *   g_l[t]   = H'(u_l[t] - V_th),  u_l[t] = U_l[t] - V_th lambda a_hat_l[t-1]  (sigmoid surrogate)
 *   o[t]     = W_L s_{L-1}[t] + b_L                                     (lifReadoutForwardWgsl)
 *   gW_l    (+)= delta_l (outer) p_l,   gb_l (+)= k_l sum_b delta_l      (lifWeightGradWgsl)
 *   delta_{l-1} = (W_l^T delta_l) * g_{l-1}                             (lifInputGradWgsl)
 *
 * with p_l = A_{l-1}[t] and k_l = c[t] (the readout: its "trace" A_{L-1}[t], c[t], or its
 * "spike" input s_{L-1}[t], 1). A_l[t] = a_hat_l[t] (dense layers, no pooling).
 *
 * Memory layout: row-major f32. Activations [batch, n] at index b * n + i. All parameters of
 * the network live in one buffer `theta`, layer l at offset off_w: W_l [nOut, nIn] (W_ij at
 * off_w + i * nIn + j), then b_l [nOut] at off_w + nOut * nIn; gradients and Adam moments use
 * the same layout. Every kernel reads one uniform `P` (lif_uniform.ts); `keep` = 0 means "no
 * history": the first step's zero accumulations, or overwriting rather than adding a gradient.
 *
 * The three products are kernels of the one matmul generator (matmul.ts, version
 * {@link LIF_MATMUL}: 64 x 64 blocks of C per workgroup, 4 x 4 per invocation) with its
 * layouts ("forward" for U and o, "weights" with the constant column c[t] for [gW | gb],
 * "input" for delta) at the offsets off_x, off_w, and the neuron fused as the epilogue;
 * dispatch matmulGrid(m, n, LIF_MATMUL).
 *
 * @module
 */

import {
  layoutLoads,
  type MatmulDims,
  matmulKernel,
  type MatmulLayout,
  type MatmulOperands,
  type MatmulVersion,
} from "./matmul.ts";
import { LIF_UNIFORM_WGSL } from "./lif_uniform.ts";

/** The matmul kernel version of every LIF product (register tiles; matmul_kernels.ts). */
export const LIF_MATMUL: MatmulVersion = 3;

const LIF_DIMS: MatmulDims = ["p.m", "p.n", "p.k"];

/**
 * A LIF product: the generator's kernel over the uniform P (m, n, k) with `bindings` (1 and
 * up), the loads of `layout` over `operands` and the epilogue body (v = the sum).
 *
 * @example
 * ```ts
 * import { lifMatmul } from "./lif_wgsl.ts";
 * const code = lifMatmul("", "forward", { a: "x", b: "w" }, "");
 * console.log(code.includes("fn epilogue")); // true
 * ```
 */
export function lifMatmul(
  bindings: string,
  layout: MatmulLayout,
  operands: MatmulOperands,
  epilogue: string,
): string {
  const [loadA, loadB] = layoutLoads(layout, LIF_DIMS, operands);
  const prelude = LIF_UNIFORM_WGSL + bindings;
  return matmulKernel(LIF_MATMUL, { prelude, dims: LIF_DIMS, loadA, loadB, epilogue });
}

/**
 * Bindings 1-6 of a hidden layer's fused forward (SAF's and OTTT's): ain, theta, acc (a_hat),
 * deriv (g), spikes (s), stats (an atomic spike count).
 *
 * @example
 * ```ts
 * import { LIF_NEURON_BINDINGS } from "./lif_wgsl.ts";
 * console.log(LIF_NEURON_BINDINGS.includes("atomic")); // true
 * ```
 */
export const LIF_NEURON_BINDINGS = `
@group(0) @binding(1) var<storage, read> ain: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;
@group(0) @binding(4) var<storage, read_write> deriv: array<f32>;
@group(0) @binding(5) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(6) var<storage, read_write> stats: array<atomic<u32>>;`;

/** A forward product's operands: ain at off_x, theta's W_l at off_w. */
const FORWARD: MatmulOperands = { a: "ain", b: "theta", offA: "p.off_x", offB: "p.off_w" };

/**
 * A hidden layer's SAF forward step, m = batch, n = nOut, k = nIn. Bindings: 1 ain (A_{l-1},
 * read at off_x), 2 theta, 3 acc (a_hat_l, updated), 4 deriv (g_l), 5 spikes (s_l), 6 stats
 * (atomic spike count). keep = 0 at the first step (a_hat[0] = 0).
 *
 * @example
 * ```ts
 * import { lifHiddenForwardWgsl } from "./lif_wgsl.ts";
 * console.log(lifHiddenForwardWgsl.includes("@compute")); // true
 * ```
 */
export const lifHiddenForwardWgsl: string = lifMatmul(
  `${LIF_NEURON_BINDINGS}
// spec B3
fn saf_forward_step(m: u32, n: u32, v: f32) {
  let i = m * p.n + n;
  let U = v + theta[p.off_w + p.n * p.k + n] * p.ct; // U = W A + b c[t]
  var a = 0.0;
  if (p.keep != 0u) { a = acc[i]; }                  // a_hat[t-1]
  var s = 0.0;
  if (U >= p.vth * (p.lambda * a + 1.0)) { s = 1.0; atomicAdd(&stats[0], 1u); }
  let z = U - p.vth * p.lambda * a - p.vth;          // u[t] - V_th
  let sig = 1.0 / (1.0 + exp(-p.slope * z));
  deriv[i] = p.slope * sig * (1.0 - sig);            // H'(u - V_th), sigmoid surrogate
  acc[i] = p.lambda * a + s;
  spikes[i] = s;
}`,
  "forward",
  FORWARD,
  "saf_forward_step(m, n, v);",
);

/**
 * The readout's forward o = W_L s_in + b_L, m = batch, n = classes, k = nIn. Bindings: 1 ain
 * (s_{L-1}, or x[t] at off_x without hidden layers), 2 theta, 3 o.
 *
 * @example
 * ```ts
 * import { lifReadoutForwardWgsl } from "./lif_wgsl.ts";
 * console.log(lifReadoutForwardWgsl.includes("@compute")); // true
 * ```
 */
export const lifReadoutForwardWgsl: string = lifMatmul(
  `@group(0) @binding(1) var<storage, read> ain: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
// spec B1, B3
fn current(m: u32, n: u32, v: f32) { o[m * p.n + n] = v + theta[p.off_w + p.n * p.k + n]; }`,
  "forward",
  FORWARD,
  "current(m, n, v);",
);

/**
 * gW (+)= dz^T pre and gb (+)= ct sum_b dz, one product with a constant column ct appended
 * to pre: m = nOut, n = nIn + 1, k = batch, n_in = nIn. Bindings: 1 dz [batch, nOut], 2 pre
 * [batch, nIn] at off_x, 3 grad (theta's layout). keep = 1 adds to the gradient.
 *
 * @example
 * ```ts
 * import { lifWeightGradWgsl } from "./lif_wgsl.ts";
 * console.log(lifWeightGradWgsl.includes("@compute")); // true
 * ```
 */
export const lifWeightGradWgsl: string = lifMatmul(
  `@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read> pre: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
// spec B2, B3
fn weight_grad(m: u32, n: u32, v: f32) {
  var i = p.off_w + p.m * p.n_in + m;               // gb_m
  if (n < p.n_in) { i = p.off_w + m * p.n_in + n; }  // gW_mn
  var g = v;
  if (p.keep != 0u) { g = g + grad[i]; }
  grad[i] = g;
}`,
  "weights",
  { a: "dz", b: "pre", offB: "p.off_x", column: "p.ct" },
  "weight_grad(m, n, v);",
);

/**
 * delta_{l-1} = (dz W_l) * g_{l-1}: m = batch, n = nIn, k = nOut. Bindings: 1 dz [batch,
 * nOut], 2 theta, 3 deriv (g_{l-1}) [batch, nIn], 4 out [batch, nIn].
 *
 * @example
 * ```ts
 * import { lifInputGradWgsl } from "./lif_wgsl.ts";
 * console.log(lifInputGradWgsl.includes("@compute")); // true
 * ```
 */
export const lifInputGradWgsl: string = lifMatmul(
  `@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read> deriv: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
// spec B2, B3
fn input_grad(m: u32, n: u32, v: f32) { out[m * p.n + n] = v * deriv[m * p.n + n]; }`,
  "input",
  { a: "dz", b: "theta", offB: "p.off_w" },
  "input_grad(m, n, v);",
);

/**
 * The input accumulation A_0[t] = lambda A_0[t-1] + x[t] over m = batch * nIn values (x read at
 * off_x; keep = 0 at the first step). Bindings: 1 x, 2 a0. Dispatch ceil(m / 64) workgroups
 * folded as device.ts's `workgroupGrid`.
 *
 * @example
 * ```ts
 * import { lifAccumulateWgsl } from "./lif_wgsl.ts";
 * console.log(lifAccumulateWgsl.includes("@compute")); // true
 * ```
 */
export const lifAccumulateWgsl: string = `${LIF_UNIFORM_WGSL}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> a0: array<f32>;
// spec B1, B3
fn accumulate(i: u32) {
  var a = 0.0;
  if (p.keep != 0u) { a = p.lambda * a0[i]; }
  a0[i] = a + x[p.off_x + i];
}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.x + wid.y * nwg.x) * 64u + li;
  if (i >= p.m) { return; }
  accumulate(i);
}
`;
