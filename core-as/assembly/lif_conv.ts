/**
 * The weight gradient of a LIF layer run on many product rows (a conv layer's patch rows,
 * src/steps/lif/wasm_layers.ts), SPEC B2, B3:
 *
 *   dWt[j, i] += sum_r p[r, j] dz[r, i],   dbias[i] += k sum_r dz[r, i]
 *
 * as lif.ts's lifWeightGrad, but with the sum over the rows r (batch outH outW of them) in
 * the GEMM's inner loop: dW = dz^T p [nOut, nIn] is formed in scratch (`accumulateAuto` with
 * A = dz^T read by stride, p's rows packed once into panels, or zero-skipping rows where dz is
 * sparse), then added transposed into dWt. lifWeightGrad's form (A = p^T, nIn rows each
 * summing over r) suits a dense layer's few rows; for a conv layer's K = k k inC by thousands
 * of rows it spends its time gathering p by stride.
 */
import { accumulateAuto } from "./gemm";

/** Scratch bytes of lifWeightGradRows: dW and the column sums, then accumulateAuto's. */
export function weightGradRowsBytes(nIn: i32, nOut: i32): i32 {
  return ((nOut * nIn * 4 + 15) & ~15) + ((nOut * 4 + 15) & ~15);
}

/** The module header's dWt and dbias updates from dz [rows, nOut] and p [rows, nIn]. */
// spec B2, B3
export function lifWeightGradRows(
  dz: usize,
  p: usize,
  dWt: usize,
  dbias: usize,
  rows: i32,
  nIn: i32,
  nOut: i32,
  k: f32,
  scratch: usize,
): void {
  const dW = scratch, sums = dW + <usize> ((nOut * nIn * 4 + 15) & ~15);
  const rest = sums + <usize> ((nOut * 4 + 15) & ~15);
  memory.fill(dW, 0, <usize> (nOut * nIn) * 4);
  memory.fill(sums, 0, <usize> nOut * 4);
  const n4 = nOut & ~3;
  for (let r = 0; r < rows; r++) { // column sums, row by row (each column summed in row order)
    const row = dz + <usize> (r * nOut) * 4;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize> i * 4;
      v128.store(sums + o, f32x4.add(v128.load(sums + o), v128.load(row + o)));
    }
    for (let i = n4; i < nOut; i++) {
      const o = <usize> i * 4;
      store<f32>(sums + o, load<f32>(sums + o) + load<f32>(row + o));
    }
  }
  for (let i = 0; i < nOut; i++) {
    const o = <usize> i * 4;
    store<f32>(dbias + o, load<f32>(dbias + o) + k * load<f32>(sums + o));
  }
  const ldp = <usize> nIn * 4;
  accumulateAuto(dW, ldp, dz, 4, <usize> nOut * 4, p, ldp, 4, nOut, rows, nIn, rest);
  for (let i = 0; i < nOut; i++) {
    for (let j = 0; j < nIn; j++) {
      const w = dWt + <usize> (j * nOut + i) * 4;
      store<f32>(w, load<f32>(w) + load<f32>(dW + <usize> (i * nIn + j) * 4));
    }
  }
}
