/**
 * WGSL Adam step (Keras form, as src/nn/optim.ts and core-as adamStep; lrT carries the bias
 * corrections, lrT = lr_t sqrt(1 - b2^t) / (1 - b1^t), computed in float64 on the CPU):
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,  p -= lrT m / (sqrt(v) + eps)
 * with 1 - b1 and 1 - b2 formed in float64 on the CPU (c1, c2): 1 - f32(0.999) is 1.3e-5 off
 * 0.001, which would make every update 6e-6 (relative) too large, always the same way.
 * one invocation per parameter, 256 per workgroup, the grid folded into two dimensions
 * (`workgroupGrid`): k = (wid.x + wid.y * nwg.x) * 256 + lid.
 *
 * Bindings: 0 params {n, lrT, b1, b2, c1, c2, eps} (uniform ADAM_PARAMS; n u32, the rest f32), 1 p, 2 g,
 * 3 m, 4 v (p, m, v read_write).
 *
 * @module
 */
import { uniformWgsl } from "./params.ts";

/**
 * Adam's uniform (params.ts): n parameters, lrT (lr_t with both bias corrections) and Adam's
 * constants.
 *
 * @example
 * ```ts
 * import { ADAM_PARAMS } from "./adam.ts";
 * import { packUniform } from "./params.ts";
 * console.log(packUniform(ADAM_PARAMS, { n: 10, lrT: 1e-3 })[0]); // 10
 * ```
 */
export const ADAM_PARAMS = {
  n: "u32",
  lrT: "f32",
  b1: "f32",
  b2: "f32",
  c1: "f32",
  c2: "f32",
  eps: "f32",
} as const;

/**
 * The values of Adam's uniform for `n` parameters at step size `lrT`: with c1 = 1 - b1 and
 * c2 = 1 - b2 formed in float64 (see the module header).
 *
 * @example
 * ```ts
 * import { adamUniform } from "./adam.ts";
 * console.log(adamUniform(10, 1e-3, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }).c2); // 0.0010000000000000009
 * ```
 */
export function adamUniform(
  n: number,
  lrT: number,
  a: { beta1: number; beta2: number; epsilon: number },
): Record<keyof typeof ADAM_PARAMS, number> {
  const { beta1: b1, beta2: b2, epsilon: eps } = a;
  return { n, lrT, b1, b2, c1: 1 - b1, c2: 1 - b2, eps };
}

/** Invocations per workgroup of {@link ADAM_WGSL}. */
export const ADAM_GROUP = 256;

/**
 * The Adam kernel (entry point "main", the update in `adam_step`).
 *
 * @example
 * ```ts
 * import { ADAM_WGSL } from "./adam.ts";
 * console.log(ADAM_WGSL.includes("sqrt(vk)")); // true
 * ```
 */
export const ADAM_WGSL = `${uniformWgsl(ADAM_PARAMS)}
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
// spec A10.1
fn adam_step(k: u32) {
  let gk = g[k];
  let mk = P.b1 * m[k] + P.c1 * gk;
  let vk = P.b2 * v[k] + P.c2 * gk * gk;
  m[k] = mk;
  v[k] = vk;
  p[k] = p[k] - (P.lrT * mk) / (sqrt(vk) + P.eps);
}
@compute @workgroup_size(${ADAM_GROUP})
fn main(
  @builtin(workgroup_id) w: vec3u,
  @builtin(num_workgroups) nw: vec3u,
  @builtin(local_invocation_index) l: u32,
) {
  let k = (w.x + w.y * nw.x) * ${ADAM_GROUP}u + l;
  if (k >= P.n) { return; }
  adam_step(k);
}
`;
