/**
 * One layer of the fused float32 TTFS step (`wasm_core.ts`), dense or convolutional, forward
 * and backward in the WASM core's memory. A conv layer (SPEC A8) is the dense layer on patches,
 * the GEMM with batch' = rows outH outW over the resident W^T [k k inC, outC]:
 *
 *   forward   xp = x with a zero border of pad          [rows, Hp, Wp, inC]  (the zero activation)
 *             a = ReLU(patches(xp) W^T + D)             [rows, outH, outW, outC]  (convForwardT:
 *                 the GEMM's microkernel reads the patches in place, no im2col)
 *             out = maxpool(a), winners in idx          [rows, nOut]   (no pool: out = a)
 *   backward  dOut masked where out = 0 (a silent neuron passes no gradient, A7; the pooled
 *             value is its winner's, so this is the reference's mask after the scatter)
 *     pooled: per non-zero pooled gradient g, at its winner p and channel ch (convPoolBackward):
 *             dW[ch] += g patch(p), dD[ch] += g, dxp patch(p) += g W[ch]; dx = crop(dxp)
 *     else:   cols = im2col(x), dW^T += cols^T dOut, dD += column sums (denseBackwardWeightsT),
 *             dcols = dOut W (denseBackwardInputT), dx = col2im(dcols)
 *
 * (dx only below layer 1.) A dense layer is the same with cols = x and no pool. The readout
 * (last layer) has no ReLU and no pool: its a is the logits. W^T [k k inC, outC] is
 * W [outC, k, k, inC] (OHWI, the layout of src/nn/conv.ts) transposed as a [outC, k k inC]
 * matrix, so a conv layer's parameters load, read and take Adam steps exactly as a dense
 * layer's (`wasm_core.ts`). The pooled backward visits only the winners (at most a quarter of
 * the positions for 2 x 2 pools, fewer where silent) instead of the dense products.
 *
 * @module
 */
import type { WasmCore } from "../../backend/wasm/core.ts";
import { convOutSize } from "../../nn/conv.ts";
import { type LayerGeometry, poolOf } from "../../nn/layer.ts";
import type { PoolGeometry } from "../../nn/pool.ts";

/** One layer's parameters in a model's block (float offsets) and the products it runs. */
export interface Slot {
  /** Float offset of W^T [nIn, nOut] in a model's block. */
  wt: number;
  /** Float offset of D [nOut]. */
  d: number;
  /** Rows of W^T: the layer's nIn (dense) or k k inC (conv). */
  nIn: number;
  /** Columns of W^T: the layer's nOut (dense) or outC (conv). */
  nOut: number;
  /** Product rows per sample: 1 (dense) or outH outW (conv). */
  P: number;
  /** The layer's geometry. */
  layer: LayerGeometry;
  /** Its max-pool, if any. */
  pool?: PoolGeometry;
}

/** What the forward pass of one layer keeps for the backward pass (byte offsets). */
export interface LayerTrace {
  /** The layer's input [rows, layer.nIn]. */
  input: number;
  /** The product's left operand: the padded image (conv; the input itself when pad = 0), or
   * the input (dense). */
  cols: number;
  /** The activations before pooling [rows, neurons] (the readout: the logits). */
  a: number;
  /** The output after pooling [rows, layer.nOut] (a without a pool). */
  out: number;
  /** The max-pool's winners (i32, as out), or 0. */
  idx: number;
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * The slots of a network's layers in one model's block, and the block's length in floats.
 *
 * @example
 * ```ts
 * import { slotsOf } from "./wasm_layers.ts";
 * const conv = { inH: 4, inW: 4, inC: 1, outC: 2, k: 3, pad: 1 };
 * const { slots, per } = slotsOf([{ nIn: 16, nOut: 8, conv, pool: 2 }, { nIn: 8, nOut: 3 }]);
 * console.log(slots[0].nIn, slots[0].P, per); // 9 16 (20 + 4 + 24 + 4) = 52
 * ```
 */
export function slotsOf(layers: LayerGeometry[]): { slots: Slot[]; per: number } {
  let per = 0;
  const slots = layers.map((layer) => {
    const c = layer.conv, { outH, outW } = c ? convOutSize(c) : { outH: 1, outW: 1 };
    const nIn = c ? c.k * c.k * c.inC : layer.nIn, nOut = c ? c.outC : layer.nOut;
    const wt = per, d = wt + up4(nIn * nOut);
    per = d + up4(nOut);
    return { wt, d, nIn, nOut, P: outH * outW, layer, pool: poolOf(layer) };
  });
  return { slots, per };
}

/**
 * Scratch bytes for every product of `slots` on `rows` samples: the larger of version 2's
 * lists (`denseScratchBytes`) and version 3's panels (`gemmScratchBytes`) over the forward
 * product and both backward products of every layer (`accumulateAuto` uses one or the other).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { scratchBytes, slotsOf } from "./wasm_layers.ts";
 * const { slots } = slotsOf([{ nIn: 4, nOut: 3 }, { nIn: 3, nOut: 2 }]);
 * console.log(scratchBytes(new WasmCore(), slots, 8) > 0); // true
 * ```
 */
export function scratchBytes(core: WasmCore, slots: readonly Slot[], rows: number): number {
  const ex = core.exports, lists = (r: number) => ex.denseScratchBytes(r, 0, 0, 0);
  let bytes = 0;
  for (const { nIn, nOut, P } of slots) {
    const R = rows * P;
    bytes = Math.max(
      bytes,
      lists(R),
      lists(nIn),
      ex.gemmScratchBytes(nIn, nOut), // forward: B = W^T
      ex.gemmScratchBytes(R, nOut), // weights: B = dz
      ex.gemmScratchBytes(nOut, nIn), // input: B = W
      ex.convScratchBytes(nIn, nOut), // a conv layer's forward: W^T's panels
    );
  }
  return bytes;
}

/**
 * Forward of one layer on `rows` samples from `input` [rows, nIn]: the TTFS nonlinearity
 * (`ttfsDenseForwardT`) on hidden layers, the plain product on the readout. Returns what the
 * backward pass needs and the largest activation (0 for the readout).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { layerForward, scratchBytes, slotsOf } from "./wasm_layers.ts";
 * const core = new WasmCore(), { slots } = slotsOf([{ nIn: 2, nOut: 1 }]);
 * const W = core.put([2, 3], 2), D = core.put([1], 1), x = core.put([1, 1], 2);
 * const s = core.alloc(scratchBytes(core, slots, 1));
 * const { trace } = layerForward(core, slots[0], W, D, x, 1, s, true);
 * console.log(core.f32()[trace.out / 4]); // 6
 * ```
 */
// spec A5, A8
export function layerForward(
  core: WasmCore,
  slot: Slot,
  W: number,
  D: number,
  input: number,
  rows: number,
  scratch: number,
  readout: boolean,
): { trace: LayerTrace; max: number } {
  const ex = core.exports, { nIn, nOut, P, layer, pool } = slot, c = layer.conv, R = rows * P;
  const a = core.alloc(R * nOut * 4);
  let max = 0, cols = input;
  if (c) { // straight from the padded image: no patch matrix (core-as/assembly/conv_step.ts)
    const Hp = c.inH + 2 * c.pad, Wp = c.inW + 2 * c.pad;
    if (c.pad > 0) {
      cols = core.alloc(rows * Hp * Wp * c.inC * 4);
      ex.padImage(input, cols, rows, c.inH, c.inW, c.inC, c.pad);
    }
    max = ex.convForwardT(cols, W, D, a, rows, Hp, Wp, c.inC, c.outC, c.k, +!readout, scratch);
  } else if (readout) ex.denseForwardT(cols, W, D, a, R, nIn, nOut, scratch);
  else max = ex.ttfsDenseForwardT(cols, W, D, 0, a, R, nIn, nOut, 0, scratch);
  if (readout || !pool) return { trace: { input, cols, a, out: a, idx: 0 }, max };
  const out = core.alloc(rows * layer.nOut * 4), idx = core.alloc(rows * layer.nOut * 4);
  ex.maxPoolForward(a, out, idx, rows, pool.h, pool.w, pool.c, pool.size); // the earliest spike
  return { trace: { input, cols, a, out, idx }, max };
}

/**
 * Backward of one layer on `rows` samples: from dOut = dL/d(out) [rows, nOut] (the loss
 * gradient for the readout; overwritten) adds dL/dW^T and dL/dD into `gWt`, `gD` (W: the
 * layer's W^T, all byte offsets), and returns
 * dL/d(input) [rows, nIn] (unmasked), or 0 when `wantInput` is false (the first layer). With
 * `weights` false (a dense layer of a data-parallel step, `wasm_ranges.ts`), the weight and bias
 * gradients are left to the caller: they are cols^T dOut and the column sums of dOut, dOut
 * masked in place.
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { layerBackward, layerForward, scratchBytes, slotsOf } from "./wasm_layers.ts";
 * const core = new WasmCore(), { slots } = slotsOf([{ nIn: 2, nOut: 1 }]);
 * const W = core.put([2, 3], 2), D = core.put([1], 1), x = core.put([1, 1], 2);
 * const s = core.alloc(scratchBytes(core, slots, 1)), gW = core.put([0, 0], 2), gD = core.put([0], 1);
 * const { trace } = layerForward(core, slots[0], W, D, x, 1, s, true);
 * const at = { W, gWt: gW, gD };
 * const dx = layerBackward(core, slots[0], at, trace, core.put([1], 1), 1, s, true, true);
 * console.log([...core.f32().subarray(dx / 4, dx / 4 + 2)]); // [2, 3]
 * ```
 */
// spec A7, A8
export function layerBackward(
  core: WasmCore,
  slot: Slot,
  { W, gWt, gD }: { W: number; gWt: number; gD: number },
  trace: LayerTrace,
  dOut: number,
  rows: number,
  scratch: number,
  readout: boolean,
  wantInput: boolean,
  weights = true,
): number {
  const ex = core.exports, { nIn, nOut, P, layer, pool } = slot, c = layer.conv, R = rows * P;
  if (!readout) ex.maskInactive(dOut, trace.out, rows * layer.nOut); // silent: no gradient (A7)
  if (c && pool && !readout) {
    return pooledConvBackward(core, slot, W, { gWt, gD }, trace, dOut, rows, wantInput);
  }
  let cols = trace.cols, dA = dOut;
  if (c) {
    cols = core.alloc(R * nIn * 4);
    ex.im2col(trace.input, cols, rows, c.inH, c.inW, c.inC, c.k, c.pad);
  }
  if (pool && !readout) {
    dA = core.alloc(R * nOut * 4);
    ex.maxPoolBackward(dOut, trace.idx, dA, rows * layer.nOut, R * nOut); // to the winner
  }
  if (weights) ex.denseBackwardWeightsT(dA, cols, gWt, gD, R, nIn, nOut, scratch);
  if (!wantInput) return 0;
  const w = core.alloc(nIn * nOut * 4), dcols = core.alloc(R * nIn * 4);
  ex.denseBackwardInputT(dA, W, dcols, R, nIn, nOut, w, scratch);
  if (!c) return dcols;
  const dx = core.alloc(rows * layer.nIn * 4);
  ex.col2im(dcols, dx, rows, c.inH, c.inW, c.inC, c.k, c.pad);
  return dx;
}

/** A zeroed region of n floats. */
function zeros(core: WasmCore, n: number): number {
  const p = core.alloc(n * 4);
  core.f32().fill(0, p / 4, p / 4 + n);
  return p;
}

/**
 * The backward pass of a max-pooled conv layer over its pool winners only (`convPoolBackward`):
 * dW [outC, k k inC] and dD from the masked pooled gradient g, then dW added into gWt as W^T;
 * returns the input's gradient (the padded one's interior), or 0 without `wantInput`.
 */
// spec A7, A8
function pooledConvBackward(
  core: WasmCore,
  { nOut: outC, layer, pool }: Slot,
  W: number,
  { gWt, gD }: { gWt: number; gD: number },
  { idx, cols: xp }: LayerTrace,
  g: number,
  rows: number,
  wantInput: boolean,
): number {
  const ex = core.exports, c = layer.conv!, Hp = c.inH + 2 * c.pad, Wp = c.inW + 2 * c.pad;
  const run = c.k * c.inC, padded = outC * c.k * (Math.ceil(run / 4) * 4);
  const Wr = core.alloc(padded * 4), dWr = zeros(core, padded);
  ex.convRowsT(W, Wr, outC, c.k, run); // W [outC, k, k inC], each kernel row padded to 4
  const dxp = wantInput ? zeros(core, rows * Hp * Wp * c.inC + 4) : 0, s = pool!.size;
  const list = core.alloc(rows * layer.nOut * 12); // the non-zero gradients' entries
  ex.convPoolBackward(g, idx, rows, s, xp, dxp, Wr, dWr, gD, Hp, Wp, c.inC, outC, c.k, list);
  ex.addConvRowsT(dWr, gWt, outC, c.k, run);
  if (!wantInput || c.pad === 0) return dxp;
  const dx = core.alloc(rows * layer.nIn * 4);
  ex.cropImage(dxp, dx, rows, c.inH, c.inW, c.inC, c.pad);
  return dx;
}
