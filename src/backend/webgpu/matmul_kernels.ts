/**
 * The numbered main loops of the one WGSL matrix-product generator (matmul.ts), llm.c style,
 * each kept and each tested against the float64 reference:
 *
 *   C[m, n] = epilogue(m, n, sum_k loadA(m, k) loadB(k, n)),  m < M, n < N, k < K
 *
 * where loadA, loadB and epilogue are WGSL functions the generator writes before the loop
 * (loads are called only in range) and M, N, K are WGSL expressions (the uniform's fields).
 *
 *   1  one invocation per output, a plain loop over k; workgroup 16 x 16, block 16 x 16.
 *   2  16 x 16 tiles of A and B staged in workgroup memory (16x fewer global loads); block 16.
 *   3  register tiles: a workgroup of 16 x 16 invocations owns a 64 x 64 block of C, each
 *      invocation a 4 x 4 tile held as four vec4 rows; per k-slab of 16 it stages A [16 x 64]
 *      (ta[k][m]) and B [16 x 64] (tb[k * 16 + n / 4], vec4) in workgroup memory.
 *
 * Grid: [ceil(N / block), ceil(M / block)] workgroups (matmul.ts's matmulGrid).
 *
 * llvmpipe (bench/webgpu.ts, n x n x n forward, load 1.7-2.5): v1 0.59 / 0.52, v2 0.19 / 0.13,
 * v3 1.00 / 0.92 GFLOP/s at n = 256 / 512; the ttfs-fc2 twin step (batch 64) 187, 57 and 279
 * images/s. v3 costs the most to compile there (about 9 s a kernel against 1.4 for v2, once
 * per machine: Mesa caches shaders on disk).
 *
 * @module
 */

/** Kernel versions of the generator. */
export type MatmulVersion = 1 | 2 | 3;

/** WGSL expressions (u32) of the product's sizes M, N, K. */
export type MatmulDims = [string, string, string];

/**
 * The output block edge of one workgroup: 16 (versions 1, 2) or 64 (version 3).
 *
 * @example
 * ```ts
 * import { matmulBlock } from "./matmul_kernels.ts";
 * console.log(matmulBlock(3)); // 64
 * ```
 */
export function matmulBlock(version: MatmulVersion): number {
  return version === 3 ? 64 : 16;
}

const v1 = ([M, N, K]: MatmulDims): string =>
  `@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let n = g.x;
  let m = g.y;
  if (m >= ${M} || n >= ${N}) { return; }
  var sum = 0.0;
  for (var k = 0u; k < ${K}; k++) { sum += loadA(m, k) * loadB(k, n); }
  epilogue(m, n, sum);
}
`;

const v2 = ([M, N, K]: MatmulDims): string =>
  `var<workgroup> As: array<array<f32, 16>, 16>;
var<workgroup> Bs: array<array<f32, 16>, 16>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let n = w.x * 16u + l.x;
  let m = w.y * 16u + l.y;
  var sum = 0.0;
  for (var k0 = 0u; k0 < ${K}; k0 += 16u) {
    let ka = k0 + l.x;
    let kb = k0 + l.y;
    var a = 0.0;
    var b = 0.0;
    if (m < ${M} && ka < ${K}) { a = loadA(m, ka); }
    if (kb < ${K} && n < ${N}) { b = loadB(kb, n); }
    As[l.y][l.x] = a;
    Bs[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) { sum += As[l.y][k] * Bs[k][l.x]; }
    workgroupBarrier();
  }
  if (m < ${M} && n < ${N}) { epilogue(m, n, sum); }
}
`;

// v3. Measured on llvmpipe, 64 x 784 x 512 (a lif-mlp forward): 2.2 GFLOP/s, against 0.35
// for v2 (and 0.7 with scalar 4 x 4 tiles). The slab loop's bound min(16, K + 16) is 16
// (K < 2^32 - 16) but not a constant to the compiler: unrolled, llvmpipe compiled each kernel
// in about 12 s instead of 7 (once per machine: Mesa caches shaders on disk) and ran slower.
const v3 = ([M, N, K]: MatmulDims): string =>
  `var<workgroup> ta: array<array<f32, 64>, 16>; // [k][m] of the slab
var<workgroup> tb: array<vec4<f32>, 256>;     // [k * 16 + n / 4] of the slab
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  let slabs = (${K} + 15u) / 16u;
  for (var t = 0u; t < slabs; t++) {
    for (var r = 0u; r < 4u; r++) {
      let e = li + r * 256u;
      let mm = e / 16u;
      let ka = t * 16u + e % 16u;
      var a = 0.0;
      if (m0 + mm < ${M} && ka < ${K}) { a = loadA(m0 + mm, ka); }
      ta[e % 16u][mm] = a;
    }
    let kq = t * 16u + li / 16u;
    let nq = n0 + (li % 16u) * 4u;
    var b = vec4<f32>(0.0);
    if (kq < ${K}) {
      if (nq < ${N}) { b.x = loadB(kq, nq); }
      if (nq + 1u < ${N}) { b.y = loadB(kq, nq + 1u); }
      if (nq + 2u < ${N}) { b.z = loadB(kq, nq + 2u); }
      if (nq + 3u < ${N}) { b.w = loadB(kq, nq + 3u); }
    }
    tb[li] = b;
    workgroupBarrier();
    let r0 = lid.y * 4u;
    for (var kk = 0u; kk < min(16u, ${K} + 16u); kk++) {
      let bv = tb[kk * 16u + lid.x];
      acc0 = acc0 + ta[kk][r0] * bv;
      acc1 = acc1 + ta[kk][r0 + 1u] * bv;
      acc2 = acc2 + ta[kk][r0 + 2u] * bv;
      acc3 = acc3 + ta[kk][r0 + 3u] * bv;
    }
    workgroupBarrier();
  }
  let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var q = 0u; q < 16u; q++) {
    let m = m0 + lid.y * 4u + q / 4u;
    let n = n0 + lid.x * 4u + q % 4u;
    if (m < ${M} && n < ${N}) { epilogue(m, n, rows[q / 4u][q % 4u]); }
  }
}
`;

/**
 * The main loop (entry point "main") of kernel `version` over sizes `dims`; it calls the
 * WGSL functions loadA(m, k), loadB(k, n) and epilogue(m, n, v) the caller declares.
 *
 * @example
 * ```ts
 * import { matmulLoop } from "./matmul_kernels.ts";
 * console.log(matmulLoop(3, ["P.M", "P.N", "P.K"]).includes("vec4")); // true
 * ```
 */
export function matmulLoop(version: MatmulVersion, dims: MatmulDims): string {
  return (version === 1 ? v1 : version === 2 ? v2 : v3)(dims);
}
