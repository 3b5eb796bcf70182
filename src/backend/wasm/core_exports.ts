/**
 * The signatures of the kernels the AssemblyScript core exports (core-as/assembly/index.ts),
 * as `WasmCore.exports` types them: pointers are byte offsets into the module's memory, sizes
 * are counts, arrays row-major float32.
 *
 * @module
 */
/**
 * The kernels the core exports (pointers are byte offsets, sizes are counts). Layouts are
 * row-major float32: x [batch, nIn], W [nOut, nIn], Wt = W^T [nIn, nOut], z [batch, nOut].
 */
export interface CoreExports {
  /** The module's one linear memory, which holds every array the kernels read and write. */
  memory: WebAssembly.Memory;
  /** The first free byte (16-byte aligned): the host's arena starts here. */
  heapBase(): number;
  /** Scratch bytes the version-2 kernels need for `rows` rows (plus W^T if `wt` is 1). */
  denseScratchBytes(rows: number, nIn: number, nOut: number, wt: number): number;
  /** (x, W, bias, z, batch, nIn, nOut): z = x W^T + bias, one output row at a time. */
  denseForward1(...a: [number, number, number, number, number, number, number]): void;
  /** (x, W, bias, z, batch, nIn, nOut, scratch): z = x W^T + bias, blocked, zeros skipped. */
  denseForward2(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut): dW += dz^T x, dbias += column sums of dz. */
  denseBackwardWeights1(...a: [number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut, scratch): as version 1, blocked, zeros skipped. */
  denseBackwardWeights2(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /** (dz, W, dx, batch, nIn, nOut): dx = dz W (overwrites dx). */
  denseBackwardInput1(...a: [number, number, number, number, number, number]): void;
  /** (dz, W, dx, batch, nIn, nOut, scratch): dx = dz W, blocked, zeros skipped. */
  denseBackwardInput2(...a: [number, number, number, number, number, number, number]): void;
  /** Scratch bytes version 3 needs to pack B [K, n] (core-as/assembly/gemm.ts). */
  gemmScratchBytes(K: number, n: number): number;
  /** (x, W, bias, z, batch, nIn, nOut, scratch): z = x W^T + bias, 4x8 register tiles. */
  denseForward3(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut, scratch): dW += dz^T x, 4x8 register tiles. */
  denseBackwardWeights3(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /** (dz, W, dx, batch, nIn, nOut, scratch): dx = dz W, 4x8 register tiles. */
  denseBackwardInput3(...a: [number, number, number, number, number, number, number]): void;
  /**
   * (x, W, D, t, a, batch, nIn, nOut, tmax, scratch): the fused TTFS layer, a = ReLU(x W^T + D)
   * and t = tmax - a; W^T goes into scratch. Returns the largest activation.
   */
  ttfsDenseForward(
    ...a: [number, number, number, number, number, number, number, number, number, number]
  ): number;
  /**
   * (x, Wt, D, t, a, batch, nIn, nOut, tmax, scratch): the same layer from Wt; t = 0 skips the
   * spike times (the ReLU twin's layer). Returns the largest activation.
   */
  ttfsDenseForwardT(
    ...a: [number, number, number, number, number, number, number, number, number, number]
  ): number;
  /**
   * (src, snn, twin, n): from n float64 pixels at src, the SNN's input 1 - (1 - x) and the
   * twin's x (twin 0: none), each rounded to float32 once (core-as/assembly/ttfs.ts).
   */
  ttfsInputs(src: number, snn: number, twin: number, n: number): void;
  /** Sets g[k] = 0 wherever a[k] <= 0, for n floats: a silent neuron passes no gradient. */
  maskInactive(g: number, a: number, n: number): void;
  /** Writes the transpose of the [rows, cols] matrix at src to dst (no overlap). */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /** (x, Wt, bias, z, batch, nIn, nOut, scratch): z = x Wt + bias, zeros of x skipped. */
  denseForwardT(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dWt, dbias, batch, nIn, nOut, scratch): dWt += x^T dz, dbias += column sums of dz. */
  denseBackwardWeightsT(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (dz, Wt, dx, batch, nIn, nOut, w, scratch): dx = dz W from the resident W^T (overwrites dx);
   * `w` holds nIn x nOut floats for a transpose when dz is sparse.
   */
  denseBackwardInputT(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (d, ldd, a, sar, sak, s, sk, sj, rows, K, n, scratch): C[r, :n] += sum_k A(r, k) B[k, :n]
   * with A(r, k) at a + r sar + k sak, B[k, j] at s + k sk + j sj, C row r at d + r ldd (bytes);
   * zero-skipping rows where A is sparse, the packed tiles elsewhere (core-as/assembly/gemm.ts).
   */
  accumulateAuto(...a: number[]): void;
  /** (a, sar, sak, rows, K): the fraction of A(r, k) that is not zero (strides in bytes). */
  nonzeroFraction(...a: number[]): number;
  /**
   * (a, sar, sak, rows, K): 1 where `nonzeroFraction` is below the zero-skipping crossover
   * (ZERO_SKIP_DENSITY), else 0; counted four at a time and stopped once A is dense.
   */
  sparserThanSkip(...a: number[]): number;
  /** dst[k] += src[k] for n floats. */
  addInto(dst: number, src: number, n: number): void;
  /**
   * (logits, labels, dl, batch, classes, denom, correct): softmax cross-entropy, gradient
   * into dl (divided by denom); adds the right predictions to the i32 at `correct` and
   * returns the summed loss.
   */
  softmaxCrossEntropy(
    ...a: [number, number, number, number, number, number, number]
  ): number;
  /** (p, g, m, v, n, lrT, b1, b2, eps): one Adam update of n parameters, in place. */
  adamStep(...a: [number, number, number, number, number, number, number, number, number]): void;
  /** (src, dst, g, m, v, n, lrT, b1, b2, eps): adamStep reading p at src, writing it at dst. */
  adamStepInto(...a: number[]): void;
  /** Sum of squares of n floats at p (summed in float64). */
  sumSquares(p: number, n: number): number;
  /**
   * (p, lo, g, m, v, n, lrT, b1, b2, eps, clear): adamStep with 1 - b formed in float64 and
   * the update summed compensated into p + lo (lo: what the float32 sum of p lost); with clear
   * (1), g is zeroed as it is read.
   */
  adamStepCompensated(
    ...a: [number, number, number, number, number, number, number, number, number, number, number]
  ): void;
  /** (acc, x, n, lambda): acc = lambda acc + x for n floats (core-as/assembly/lif.ts). */
  lifAccumulate(acc: number, x: number, n: number, lambda: number): void;
  /** (y, x, n, a): y += a x for n floats (the product rounded, then added). */
  lifAxpy(y: number, x: number, n: number, a: number): void;
  /** (A, Wt, bias, c, U, batch, nIn, nOut, scratch): U = A Wt + c bias (overwrites U). */
  lifCurrent(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (U, acc, s, g, n, lambda, vth, slope): the SAF neuron in place (spikes into s, surrogate
   * factors into g, a_hat into acc); returns the spike count.
   */
  safNeuron(...a: [number, number, number, number, number, number, number, number]): number;
  /**
   * (U, v, acc, s, g, n, lambda, vth, slope): the OTTT (LIF) neuron in place: u = lambda v + U
   * into U, spikes into s, the soft reset into v, surrogate factors into g, the trace into acc;
   * returns the spike count.
   */
  otttNeuron(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): number;
  /** (d, g, n): d *= g elementwise. */
  lifMultiply(d: number, g: number, n: number): void;
  /**
   * (o, labels, dO, scores, batch, classes, mseWeight, scale): the mixed CE + MSE loss of the
   * logits o, dL/do into dO, o added into scores; returns the loss.
   */
  lifMixedLoss(
    ...a: [number, number, number, number, number, number, number, number]
  ): number;
  /** (dz, p, dWt, dbias, batch, nIn, nOut, k, scratch): dWt += p^T dz, dbias += k colsum dz. */
  lifWeightGrad(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): void;
  /** (scores, labels, batch, classes): rows whose argmax (first on ties) is the i32 label. */
  lifCorrect(scores: number, labels: number, batch: number, classes: number): number;
  /**
   * (x, cols, batch, inH, inW, inC, k, pad): the patch matrix [batch outH outW, k k inC] of the
   * NHWC image x, zero outside it (core-as/assembly/conv.ts; layouts of src/nn/conv.ts).
   */
  im2col(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dcols, dx, batch, inH, inW, inC, k, pad): im2col's adjoint into dx (overwritten). */
  col2im(...a: [number, number, number, number, number, number, number, number]): void;
  /**
   * (a, y, idx, batch, h, w, c, s): s x s max-pool of NHWC a into y, the winners' flat indices
   * into a as i32 at idx (ties to the first in row-major window order).
   */
  maxPoolForward(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dy, idx, dx, m, n): dx [n] zeroed, then dx[idx[o]] += dy[o] for o < m. */
  maxPoolBackward(dy: number, idx: number, dx: number, m: number, n: number): void;
  /** (a, y, batch, h, w, c, s): s x s average pool of NHWC a into y. */
  avgPoolForward(...a: [number, number, number, number, number, number, number]): void;
  /** (dy, dx, batch, h, w, c, s): average-pool backward into dx (overwritten). */
  avgPoolBackward(...a: [number, number, number, number, number, number, number]): void;
  /** Scratch bytes of `convForwardT` for W^T [kk, outC] (core-as/assembly/conv_step.ts). */
  convScratchBytes(kk: number, outC: number): number;
  /** (x, xp, batch, h, w, c, pad): xp = x with a zero border of `pad` (NHWC). */
  padImage(...a: [number, number, number, number, number, number, number]): void;
  /** (xp, x, batch, h, w, c, pad): x = the interior of the padded xp. */
  cropImage(...a: [number, number, number, number, number, number, number]): void;
  /**
   * (xp, Wt, D, a, batch, Hp, Wp, inC, outC, k, relu, scratch): a = conv(xp, W) + D from the
   * padded image and W^T [k k inC, outC], ReLU'd if relu (1); returns the largest activation.
   */
  convForwardT(...a: number[]): number;
  /**
   * (g, idx, batch, s, xp, dxp, Wr, dWr, dD, Hp, Wp, inC, outC, k, list): an s x s max-pooled
   * conv layer's backward over the pool winners: dWr += g patch, dD += g, dxp (if not 0) +=
   * g Wr, with Wr, dWr in `convRowsT`'s layout; xp and dxp need 12 readable bytes past their
   * end; `list` holds 12 bytes per pooled output.
   */
  convPoolBackward(...a: number[]): void;
  /** (Wt, Wr, outC, k, run): Wr [outC, k, run rounded up to 4] from W^T [k run, outC]. */
  convRowsT(Wt: number, Wr: number, outC: number, k: number, run: number): void;
  /** (dWr, gWt, outC, k, run): gWt [k run, outC] += dWr in `convRowsT`'s layout. */
  addConvRowsT(dWr: number, gWt: number, outC: number, k: number, run: number): void;
  /** Runs `iters` iterations of 64 FLOP each on a 1 KiB buffer, for timing peak throughput. */
  peakFlops(buf: number, iters: number): number;
}
