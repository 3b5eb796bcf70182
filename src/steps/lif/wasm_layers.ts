/**
 * The layers of the fused float32 LIF step (`wasm_core.ts`), dense or convolutional, and the
 * linear maps they run in the WASM core. A conv layer (SPEC A8, B1) is the dense layer on
 * patches: the same kernels with batch' = batch outH outW rows over the resident
 * W^T [k k inC, outC] (core-as/assembly/conv.ts for im2col, col2im and the avg-pool):
 *
 *   current  cols = im2col(A) [batch', k k inC];  U = cols W^T + k b        (lifCurrent)
 *   weights  gW^T += cols(p)^T delta,  gb += k sum over the batch' rows of delta
 *            (lifWeightGradRows: dW = delta^T cols, the rows in the GEMM's inner loop)
 *   input    dcols = delta W [batch', k k inC] (denseBackwardInputT);  dA = col2im(dcols)
 *   pool     y = avgpool(s) [batch, nOut];  dL/ds = avgpool backward of dL/dy (none: y = s)
 *
 * A dense layer is the same with cols = A and batch' = batch. W^T [k k inC, outC] is W
 * [outC, k, k, inC] (OHWI, src/nn/conv.ts) read as an [outC, k k inC] matrix, so a conv layer's
 * weights load, read and take Adam steps as a dense layer's. As the reference (src/lif/
 * network.ts), the LIF neuron runs on the conv output before pooling; the next layer (and the
 * readout) sees the pooled spikes y and the pooled accumulation pool(a_hat) (pooling is linear,
 * so this is the trace of y up to round-off).
 *
 * The products run in chunks of at most CHUNK rows (the bias added and the gradient summed per
 * chunk), so the kernels' scratch stays bounded for any batch'.
 *
 * @module
 */
import type { CoreExports } from "../../backend/wasm/core.ts";
import { type ConvGeometry, convOutSize } from "../../nn/conv.ts";
import type { LayerGeometry } from "../../nn/layer.ts";
import type { PoolGeometry } from "../../nn/pool.ts";
import type { LifBatchKernels } from "./wasm_buffers.ts";

const lifKernels = (ex: CoreExports) => ex as CoreExports & LifBatchKernels;

/** Rows of one product call. */
export const CHUNK = 2048;

/** One layer in the core's parameter block (float offsets) and its geometry. */
export interface LifSlot {
  /** Float offset of W^T [K, N] in a parameter-shaped block. */
  wt: number;
  /** Float offset of the bias [N]. */
  b: number;
  /** Rows of W^T: nIn (dense) or k k inC (conv). */
  K: number;
  /** Columns of W^T: nOut (dense) or outC (conv). */
  N: number;
  /** Product rows per sample: 1 (dense) or outH outW (conv). */
  P: number;
  /** Inputs per sample. */
  nIn: number;
  /** Neurons per sample (before pooling): P N. */
  neurons: number;
  /** Outputs per sample after pooling (the next layer's nIn). */
  nOut: number;
  /** The convolution, for a conv layer. */
  conv?: ConvGeometry;
  /** The average pool after the neuron, if any. */
  pool?: PoolGeometry;
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * The slots of `layers` laid out one after the other (each array on 16 bytes), and the block's
 * length in floats. A layer pools only if it is conv with `avgPool` > 1 (as `pooled` in
 * src/lif/network.ts).
 *
 * @example
 * ```ts
 * import { lifSlots } from "./wasm_layers.ts";
 * const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
 * const { slots } = lifSlots([{ nIn: 16, nOut: 8, conv, avgPool: 2 }, { nIn: 8, nOut: 3 }]);
 * console.log(slots[0].K, slots[0].N, slots[0].P, slots[0].neurons); // 9 2 16 32
 * ```
 */
export function lifSlots(
  layers: (LayerGeometry & { avgPool?: number })[],
): { slots: LifSlot[]; length: number } {
  let n = 0;
  const slots = layers.map((l) => {
    const c = l.conv, { outH, outW } = c ? convOutSize(c) : { outH: 1, outW: 1 };
    const [K, N, P] = c ? [c.k * c.k * c.inC, c.outC, outH * outW] : [l.nIn, l.nOut, 1];
    const size = l.avgPool ?? 1;
    const pool = c && size > 1 ? { h: outH, w: outW, c: c.outC, size } : undefined;
    const wt = n, b = wt + up4(K * N);
    n = b + up4(N);
    return { wt, b, K, N, P, nIn: l.nIn, neurons: P * N, nOut: l.nOut, conv: c, pool };
  });
  return { slots, length: n };
}

/** Calls f(first row, rows) for the chunks of `rows` rows. */
function chunks(rows: number, f: (r0: number, n: number) => void): void {
  for (let r0 = 0; r0 < rows; r0 += CHUNK) f(r0, Math.min(CHUNK, rows - r0));
}

/**
 * Scratch bytes the products of `slots` need at `batch` samples (chunks of CHUNK rows): the
 * zero-skipping rows' lists and the GEMM's panels of the largest operand.
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { lifSlots, scratchBytes } from "./wasm_layers.ts";
 * const { slots } = lifSlots([{ nIn: 4, nOut: 3 }, { nIn: 3, nOut: 2 }]);
 * console.log(scratchBytes(new WasmCore().exports, slots, 8) > 0); // true
 * ```
 */
export function scratchBytes(ex: CoreExports, slots: LifSlot[], batch: number): number {
  let rows = 1, panels = 0, own = 0;
  for (const s of slots) {
    const r = Math.min(CHUNK, batch * s.P);
    rows = Math.max(rows, r, s.K);
    panels = Math.max(
      panels,
      ex.gemmScratchBytes(s.K, s.N),
      ex.gemmScratchBytes(r, s.N),
      ex.gemmScratchBytes(s.N, s.K),
      ex.gemmScratchBytes(r, s.K),
    );
    if (s.conv) own = Math.max(own, lifKernels(ex).weightGradRowsBytes(s.K, s.N));
  }
  return own + ex.denseScratchBytes(rows, 0, 0, 0) + panels;
}

/** Where a layer's products read and write: the parameter block and the batch's buffers. */
export interface LayerCall {
  /** The core's exports. */
  ex: CoreExports;
  /** The layer. */
  s: LifSlot;
  /** Samples. */
  batch: number;
  /** The patch matrix [batch', K] of a conv layer (unused for a dense one). */
  cols: number;
  /** The kernels' scratch (`scratchBytes`). */
  scratch: number;
}

const at = (base: number, float: number) => base + 4 * float;

/**
 * The product's left operand: A itself (dense), or its patches written into `cols` (conv).
 *
 * @example
 * ```ts ignore
 * const rows = patches({ ex, s, batch, cols, scratch }, A); // cols for a conv layer, else A
 * ```
 */
export function patches(c: LayerCall, A: number): number {
  const g = c.s.conv;
  if (!g) return A;
  c.ex.im2col(A, c.cols, c.batch, g.inH, g.inW, g.inC, g.k, g.pad);
  return c.cols;
}

/**
 * out [batch', N] = A's product rows W^T + k b: U (or I, or z) of a layer from its input A
 * [batch, nIn] (module header); `P` is the parameter block's byte offset. With `ready`, the
 * patches of A are already in `cols`.
 *
 * @example
 * ```ts ignore
 * layerCurrent({ ex, s, batch, cols, scratch }, core.P, A, c[t], U); // U = W A + c[t] b
 * ```
 */
// spec B1, B3
export function layerCurrent(
  c: LayerCall,
  P: number,
  A: number,
  k: number,
  out: number,
  ready = false,
): void {
  const { ex, s } = c, src = ready && s.conv ? c.cols : patches(c, A);
  chunks(c.batch * s.P, (r0, n) => {
    const a = at(src, r0 * s.K), o = at(out, r0 * s.N);
    ex.lifCurrent(a, at(P, s.wt), at(P, s.b), k, o, n, s.K, s.N, c.scratch);
  });
}

/**
 * gW^T += p's product rows^T delta, gb += k colsum(delta) into the gradient block at byte `G`,
 * from delta [batch', N] and the presynaptic factor p [batch, nIn]; with `ready`, p's patches
 * are already in `cols` (the forward's, when p is the input the current was computed from).
 *
 * @example
 * ```ts ignore
 * layerWeightGrad({ ex, s, batch, cols, scratch }, core.G, delta, A, c[t], true);
 * ```
 */
// spec B2, B3
export function layerWeightGrad(
  c: LayerCall,
  G: number,
  delta: number,
  p: number,
  k: number,
  ready = false,
): void {
  const { ex, s } = c, src = ready && s.conv ? c.cols : patches(c, p);
  const grad = s.conv ? lifKernels(ex).lifWeightGradRows : ex.lifWeightGrad; // lif_conv.ts
  chunks(c.batch * s.P, (r0, n) => {
    const d = at(delta, r0 * s.N), a = at(src, r0 * s.K);
    grad(d, a, at(G, s.wt), at(G, s.b), n, s.K, s.N, k, c.scratch);
  });
}

/**
 * dA [batch, nIn] = dL/dA of the layer's input from delta [batch', N] (overwritten): delta W
 * (dense), or delta W into `dcols` then col2im (conv). `w` holds K N floats for a transpose.
 *
 * @example
 * ```ts ignore
 * layerInputGrad({ ex, s, batch, cols, scratch }, core.P, delta, dA, dcols, w);
 * ```
 */
// spec B2, B3
export function layerInputGrad(
  c: LayerCall,
  P: number,
  delta: number,
  dA: number,
  dcols: number,
  w: number,
): void {
  const { ex, s } = c, g = s.conv, dst = g ? dcols : dA;
  chunks(c.batch * s.P, (r0, n) => {
    const d = at(delta, r0 * s.N), o = at(dst, r0 * s.K);
    ex.denseBackwardInputT(d, at(P, s.wt), o, n, s.K, s.N, w, c.scratch);
  });
  if (g) ex.col2im(dcols, dA, c.batch, g.inH, g.inW, g.inC, g.k, g.pad);
}

/**
 * y = avgpool(src) [batch, nOut] from src [batch, neurons] (nothing without a pool, where the
 * caller's y is src itself).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { lifSlots, poolInto } from "./wasm_layers.ts";
 * const { slots } = lifSlots([{ nIn: 4, nOut: 3 }]);
 * poolInto(new WasmCore().exports, slots[0], 0, 0, 1); // a dense layer pools nothing
 * ```
 */
// spec B1
export function poolInto(ex: CoreExports, s: LifSlot, src: number, y: number, batch: number) {
  const p = s.pool;
  if (p) ex.avgPoolForward(src, y, batch, p.h, p.w, p.c, p.size);
}

/**
 * dL/ds [batch, neurons] from dL/dy [batch, nOut]: the avg-pool backward (nothing without a
 * pool, where the caller's ds is dy itself).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { lifSlots, unpoolInto } from "./wasm_layers.ts";
 * const { slots } = lifSlots([{ nIn: 4, nOut: 3 }]);
 * unpoolInto(new WasmCore().exports, slots[0], 0, 0, 1); // a dense layer pools nothing
 * ```
 */
// spec B2
export function unpoolInto(ex: CoreExports, s: LifSlot, dy: number, ds: number, batch: number) {
  const p = s.pool;
  if (p) ex.avgPoolBackward(dy, ds, batch, p.h, p.w, p.c, p.size);
}
