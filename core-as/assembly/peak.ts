/**
 * The f32x4 multiply-add limit as this engine compiles it, on the matmul's own instruction
 * mix: 8 accumulators, each a <- a + g * load(p) (f32x4.mul then f32x4.add; no fused madd
 * without relaxed SIMD) over a 1 KiB buffer that stays in L1. The adds are the bound: two
 * add ports, 3 cycles of latency, 8 independent chains. Each inner iteration is
 * 8 * 2 * 4 = 64 FLOP; the host times `iters` iterations and divides.
 */
export function peakFlops(buf: usize, iters: i32): f32 {
  const g = f32x4.splat(0.5);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let i = 0; i < iters; i++) {
    const p = buf + <usize> ((i & 7) << 7);
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load(p)));
    a1 = f32x4.add(a1, f32x4.mul(g, v128.load(p, 16)));
    a2 = f32x4.add(a2, f32x4.mul(g, v128.load(p, 32)));
    a3 = f32x4.add(a3, f32x4.mul(g, v128.load(p, 48)));
    a4 = f32x4.add(a4, f32x4.mul(g, v128.load(p, 64)));
    a5 = f32x4.add(a5, f32x4.mul(g, v128.load(p, 80)));
    a6 = f32x4.add(a6, f32x4.mul(g, v128.load(p, 96)));
    a7 = f32x4.add(a7, f32x4.mul(g, v128.load(p, 112)));
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)),
  );
  return f32x4.extract_lane(s, 0);
}
