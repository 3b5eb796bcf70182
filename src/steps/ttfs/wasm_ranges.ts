/**
 * The parameter ranges of a data-parallel TTFS step (`wasm_workers.ts`). After every
 * participant has run the forward and backward pass of its rows, participant w of n owns, of
 * every layer of each model that trains, the rows [k0, k1) of W^T [nIn, nOut] (cut on multiples
 * of 4; the last participant's end at nIn) and, if w = n - 1, the bias D. On what it owns it
 * forms the summed gradient, its sum of squares and Adam's step; nobody else writes there.
 *
 *   dense layer  dW^T[k0:k1] = cols[:, k0:k1]^T dA,  dD = column sums of dA, over the whole
 *                batch: every participant's cols [R_v, nIn] and dA [R_v, nOut] (its backward
 *                pass kept them, `TwinCore.gradients` with `deferred`) copied one after the
 *                other into [R, nIn] and [R, nOut], then one product (`accumulateAuto`) with
 *                K = R, the rows summed in batch order as one thread sums them.
 *   conv layer   each participant formed its rows' gradient into its own G_v (the pooled
 *                backward visits the pool winners and forms dW and dx together); the owner
 *                adds G_0 += G_1 + ... + G_{n-1} on its range, in that order.
 *
 * So each participant forms half (n = 2) of the dense weight gradient with the whole batch
 * as the product's depth, and nothing is reduced for the dense layers: no participant writes
 * or zeroes a whole gradient. Results are bit-identical for a given worker count.
 *
 * @module
 */
import type { CoreExports, WasmCore } from "../../backend/wasm/core.ts";
import type { Slot } from "./wasm_layers.ts";

/** A dense layer's operands of the weight gradient, kept by one participant's backward pass. */
export interface DeferredGrad {
  /** Model: 0 the SNN, 1 the twin. */
  m: number;
  /** Layer. */
  l: number;
  /** Byte offset of the layer's input [R, nIn]. */
  cols: number;
  /** Byte offset of dL/d(a) [R, nOut] (masked where silent). */
  dA: number;
  /** Rows. */
  R: number;
}

/** Whether a layer's weight gradient is formed on ranges from everyone's rows (dense). */
export const isDeferred = (slot: Slot): boolean => !slot.layer.conv;

/** What a core exposes to the ranges: its layers, block size, models that train and memory. */
export interface RangeCore {
  slots: readonly Slot[];
  per: number;
  twin: boolean;
  core: WasmCore;
}

/**
 * Zeroes the gradients at byte `G`: all of both trained models, or (`deferredOnly`) only the
 * layers whose gradient is formed per participant (conv).
 *
 * @example
 * ```ts
 * import { TwinCore } from "./wasm_core.ts";
 * import { zeroGradients } from "./wasm_ranges.ts";
 * const core = new TwinCore([4, 3, 2], { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 });
 * zeroGradients(core, core.G, false);
 * ```
 */
export function zeroGradients(c: RangeCore, G: number, deferredOnly: boolean): void {
  const f = c.core.f32(), models = c.twin ? 2 : 1;
  if (!deferredOnly) return void f.fill(0, G / 4, G / 4 + models * c.per);
  for (let m = 0; m < models; m++) {
    for (const s of c.slots) {
      const o = G / 4 + m * c.per;
      if (!isDeferred(s)) f.fill(0, o + s.wt, o + s.d + s.nOut);
    }
  }
}

/** One layer's range owned by a participant (float offsets in the gradient block). */
export interface OwnedRange {
  m: number;
  l: number;
  /** Rows [k0, k1) of W^T. */
  k0: number;
  k1: number;
  /** Whether the participant owns the bias. */
  bias: boolean;
}

/** Participant w's rows of W^T for a layer of nIn rows: cut on multiples of 4. */
const cut = (w: number, n: number, nIn: number) =>
  w >= n ? nIn : Math.min(nIn, Math.floor((w * nIn) / n / 4) * 4);

/**
 * The ranges participant w of n owns (module header), model by model, layer by layer.
 *
 * @example
 * ```ts
 * import { TwinCore } from "./wasm_core.ts";
 * import { ownedRanges } from "./wasm_ranges.ts";
 * const core = new TwinCore([784, 340, 10], { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 }, false);
 * console.log(ownedRanges(core, 1, 2).map((r) => [r.k0, r.k1, r.bias])); // [[392, 784, true], [168, 340, true]]
 * ```
 */
export function ownedRanges(c: RangeCore, w: number, n: number): OwnedRange[] {
  const models = c.twin ? [0, 1] : [0];
  return models.flatMap((m) =>
    c.slots.map(({ nIn }, l) => ({
      m,
      l,
      k0: cut(w, n, nIn),
      k1: cut(w + 1, n, nIn),
      bias: w === n - 1,
    }))
  );
}

/** Float offsets [lo, hi) of a range's weights and bias in a gradient-shaped block. */
export function rangeFloats(c: RangeCore, r: OwnedRange): [number, number][] {
  const s = c.slots[r.l], o = r.m * c.per;
  const w: [number, number] = [o + s.wt + r.k0 * s.nOut, o + s.wt + r.k1 * s.nOut];
  return r.bias ? [w, [o + s.d, o + s.d + s.nOut]] : [w];
}

/**
 * Forms the summed gradient on range r into G (byte offset of G_0): for a dense layer from
 * every participant's operands `parts` (participant order), for a conv layer by adding the
 * participants' gradients `Gs` (G_0 first) there. Returns the sum of squares of its weight
 * gradients.
 */
export function formRange(
  c: RangeCore,
  r: OwnedRange,
  Gs: number[],
  parts: DeferredGrad[],
): number {
  const ex = c.core.exports, [[lo, hi], bias] = rangeFloats(c, r), G = Gs[0];
  const s = c.slots[r.l];
  if (isDeferred(s)) denseRange(c.core, s, r, { G, lo, bias: bias?.[0] }, parts);
  else {
    for (let v = 1; v < Gs.length; v++) {
      ex.addInto(G + lo * 4, Gs[v] + lo * 4, hi - lo);
      if (bias) ex.addInto(G + bias[0] * 4, Gs[v] + bias[0] * 4, s.nOut);
    }
  }
  return hi > lo ? ex.sumSquares(G + lo * 4, hi - lo) : 0;
}

/**
 * dW^T rows [k0, k1) (float `lo` of the block at byte G) and dD (float `bias`, if owned) = the
 * dense layer's gradient over every participant's rows (module header), overwritten; the
 * copies (of the inputs only their columns [k0, k1)) and the product's scratch are freed
 * after. (Forming it and taking Adam's step 32 rows at a time, so that Adam finds the gradient
 * in cache, measured slower: the product's passes got shorter.)
 */
function denseRange(
  core: WasmCore,
  { nIn, nOut }: Slot,
  { k0, k1 }: OwnedRange,
  at: { G: number; lo: number; bias?: number },
  parts: DeferredGrad[],
): void {
  const ex: CoreExports = core.exports, R = parts.reduce((n, p) => n + p.R, 0);
  const mark = core.top, ldo = nOut * 4, rows = k1 - k0, gW = at.G + at.lo * 4;
  const x = core.alloc(R * rows * 4), dA = core.alloc(R * nOut * 4); // x: columns [k0, k1)
  const scratch = core.alloc(rangeScratch(ex, rows, R, nOut));
  const f = core.f32();
  let row = 0;
  for (const p of parts) { // participant order: the batch's rows in order
    for (let r = 0; r < p.R; r++) {
      const from = p.cols / 4 + r * nIn + k0;
      f.copyWithin(x / 4 + (row + r) * rows, from, from + rows);
    }
    f.copyWithin(dA / 4 + row * nOut, p.dA / 4, p.dA / 4 + p.R * nOut);
    row += p.R;
  }
  if (at.bias !== undefined) {
    const gD = at.G + at.bias * 4;
    f.fill(0, gD / 4, gD / 4 + nOut);
    for (let b = 0; b < R; b++) ex.addInto(gD, dA + b * ldo, nOut); // as denseBackwardWeightsT
  }
  f.fill(0, gW / 4, gW / 4 + rows * nOut);
  if (rows > 0 && R > 0) {
    ex.accumulateAuto(gW, ldo, x, 4, rows * 4, dA, ldo, 4, rows, R, nOut, scratch);
  }
  core.reset(mark);
}

/** Scratch bytes of `accumulateAuto` for `rows` rows of depth K and n columns. */
const rangeScratch = (ex: CoreExports, rows: number, K: number, n: number) =>
  Math.max(ex.denseScratchBytes(rows, 0, 0, 0), ex.gemmScratchBytes(K, n));

/**
 * Bytes of arena `formRange` allocates at most for batches of `cap` rows (the copies of the
 * largest dense layer and the product's scratch).
 */
export function rangeBytes(c: RangeCore, cap: number): number {
  const ex = c.core.exports;
  let bytes = 0;
  for (const s of c.slots) {
    if (!isDeferred(s)) continue;
    const scratch = rangeScratch(ex, s.nIn, cap, s.nOut);
    bytes = Math.max(bytes, 4 * cap * (s.nIn + s.nOut) + scratch + 64);
  }
  return bytes;
}

/**
 * How many gradient-norm terms a step gives: one per layer of each model that trains.
 *
 * @example
 * ```ts
 * import { TwinCore } from "./wasm_core.ts";
 * import { normTerms } from "./wasm_ranges.ts";
 * const core = new TwinCore([4, 3, 2], { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 });
 * console.log(normTerms(core)); // 4
 * ```
 */
export const normTerms = (c: RangeCore): number => c.slots.length * (c.twin ? 2 : 1);

/**
 * Per layer of the SNN, then of the twin where it trains: the sum of squares of the weight
 * gradients at byte offset `g` (the participants of a data-parallel step each sum their ranges
 * instead, `formRange`).
 *
 * @example
 * ```ts
 * import { TwinCore } from "./wasm_core.ts";
 * import { sumSquaresOf } from "./wasm_ranges.ts";
 * const core = new TwinCore([4, 3, 2], { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 });
 * console.log(sumSquaresOf(core, core.G)); // [0, 0, 0, 0]
 * ```
 */
export function sumSquaresOf(c: RangeCore, g: number): number[] {
  const ex = c.core.exports, models = c.twin ? [0, 1] : [0];
  return models.flatMap((m) =>
    c.slots.map(({ wt, nIn, nOut }) => ex.sumSquares(g + (m * c.per + wt) * 4, nIn * nOut))
  );
}

/**
 * ||dL/dW|| per layer of each model from the sums of squares (`sumSquaresOf`'s order).
 *
 * @example
 * ```ts
 * import { TwinCore } from "./wasm_core.ts";
 * import { gradNorms } from "./wasm_ranges.ts";
 * const core = new TwinCore([4, 3, 2], { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 }, false);
 * console.log(gradNorms(core, [9, 16])); // { snn: [3, 4], twin: [] }
 * ```
 */
export function gradNorms(c: RangeCore, sums: number[]): { snn: number[]; twin: number[] } {
  const L = c.slots.length, norms = sums.map(Math.sqrt);
  return { snn: norms.slice(0, L), twin: norms.slice(L) };
}
