/**
 * One layer of the fused float32 TTFS step (`wasm_core.ts`), dense or convolutional, forward
 * and backward in the WASM core's memory. A conv layer (SPEC A8) is the dense layer on patches:
 *
 *   forward   cols = im2col(x)                       [rows P, k k inC]   (P = outH outW)
 *             a = ReLU(cols W^T + D)                 [rows P, outC] = [rows, outH, outW, outC]
 *             out = maxpool(a), winners in idx       [rows, nOut]        (no pool: out = a)
 *   backward  dOut masked where out = 0 (a silent neuron passes no gradient, A7; the pooled
 *             value is its winner's, so this is the reference's mask after the scatter)
 *             dA = scatter(dOut, idx)                [rows P, outC]
 *             dW^T += cols^T dA,  dD += column sums  (denseBackwardWeightsT, batch' = rows P)
 *             dcols = dA W,  dx = col2im(dcols)      (denseBackwardInputT, below layer 1 only)
 *
 * A dense layer is the same with P = 1, cols = x and no pool. The readout (last layer) has no
 * ReLU and no pool: its a is the logits. W^T [k k inC, outC] is W [outC, k, k, inC] (OHWI, the
 * layout of src/nn/conv.ts) transposed as a [outC, k k inC] matrix, so a conv layer's
 * parameters load, read and take Adam steps exactly as a dense layer's (`wasm_core.ts`).
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
  /** The GEMM's left operand: the patches (conv) or the input (dense). */
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
export function scratchBytes(core: WasmCore, slots: Slot[], rows: number): number {
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
  let cols = input;
  if (c) {
    cols = core.alloc(R * nIn * 4);
    ex.im2col(input, cols, rows, c.inH, c.inW, c.inC, c.k, c.pad);
  }
  const a = core.alloc(R * nOut * 4);
  let max = 0;
  if (readout) ex.denseForwardT(cols, W, D, a, R, nIn, nOut, scratch);
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
 * dL/d(input) [rows, nIn] (unmasked), or 0 when `wantInput` is false (the first layer).
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
): number {
  const ex = core.exports, { nIn, nOut, P, layer, pool } = slot, c = layer.conv, R = rows * P;
  let dA = dOut;
  if (!readout) {
    ex.maskInactive(dOut, trace.out, rows * layer.nOut); // silent neurons pass nothing (A7)
    if (pool) {
      dA = core.alloc(R * nOut * 4);
      ex.maxPoolBackward(dOut, trace.idx, dA, rows * layer.nOut, R * nOut); // to the winner
    }
  }
  ex.denseBackwardWeightsT(dA, trace.cols, gWt, gD, R, nIn, nOut, scratch);
  if (!wantInput) return 0;
  const w = core.alloc(nIn * nOut * 4), dcols = core.alloc(R * nIn * 4);
  ex.denseBackwardInputT(dA, W, dcols, R, nIn, nOut, w, scratch);
  if (!c) return dcols;
  const dx = core.alloc(rows * layer.nIn * 4);
  ex.col2im(dcols, dx, rows, c.inH, c.inW, c.inC, c.k, c.pad);
  return dx;
}
