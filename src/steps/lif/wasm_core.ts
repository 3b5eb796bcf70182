/**
 * One WASM core holding a dense LIF network resident in float32: its weights, the gradients
 * and Adam's moments stay in the core's memory from step to step and batch to batch; the state
 * of a batch (`wasm_buffers.ts`: the input trace A_0, every hidden layer's a_hat, U, the
 * post-reset potential v, spikes and surrogate factors, and BPTT's history) lives there for
 * the batch. The core gives the methods' drivers (`wasm_online.ts`: SAF-E, OTTT_O, OTTT_A;
 * `wasm_batch.ts`: SAF-F, Spike Representation, BPTT) their shared pieces: the linear map of a
 * layer, the backward through the layers at one step, Adam. The kernels and their equations:
 * core-as/assembly/lif.ts and lif_batch.ts.
 *
 * Layout: per layer W^T [nIn, nOut] (the kernels' layout) then b [nOut], each array starting
 * on 16 bytes; the gradients (G) and Adam's moments (M, V) have the same layout, so Adam runs
 * once over the whole network.
 *
 * @module
 */
import { type CoreExports, WasmCore } from "../../backend/wasm/core.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { type AdamOptions, adamStepSize } from "../../nn/optim.ts";
import {
  type BatchBuffers,
  batchBuffers,
  type LifBatchKernels,
  lifKernels,
} from "./wasm_buffers.ts";

/** A presynaptic factor: a [batch, nIn] buffer (byte offset) and the bias factor k. */
export interface Factor {
  pre: number;
  k: number;
}

interface Slot {
  wt: number; // float offset of W^T in the block
  b: number; // float offset of the bias
  nIn: number;
  nOut: number;
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/** A dense LIF network resident in one WASM core (module header). */
export class LifCore {
  /** Floats in one parameter-shaped buffer (padded). */
  readonly length: number;
  /** Byte offsets of the parameters and the gradients. */
  readonly P: number;
  readonly G: number;
  readonly core: WasmCore = new WasmCore();
  readonly #slots: Slot[] = [];
  readonly #M: number;
  readonly #V: number;
  readonly #lo: number;
  readonly #mark: number;
  readonly #hyper: Required<AdamOptions>;
  /** Adam steps taken (one per time step, or one per batch for update "batch"). */
  t = 0;

  /**
   * @param sizes Dense layer sizes, input first, e.g. [784, 128, 10].
   * @example
   * ```ts
   * import { adamSettings } from "../../nn/optim.ts";
   * import { LifCore } from "./wasm_core.ts";
   * console.log(new LifCore([4, 3, 2], adamSettings({})).length); // 12 + 4 + 8 + 4 = 28
   * ```
   */
  constructor(readonly sizes: number[], hyper: Required<AdamOptions>) {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l], nOut = sizes[l + 1], wt = n, b = wt + up4(nIn * nOut);
      this.#slots.push({ wt, b, nIn, nOut });
      n = b + up4(nOut);
    }
    this.length = n;
    this.#hyper = hyper;
    const c = this.core, bytes = n * 4;
    [this.P, this.G, this.#M, this.#V, this.#lo] = [0, 1, 2, 3, 4].map(() => c.alloc(bytes));
    c.f32().fill(0, this.P / 4, (this.#lo + bytes) / 4);
    this.#mark = c.top;
  }

  /**
   * Sets the parameters from the network's layers (W [nOut, nIn] row-major, float64): each
   * weight's float32 rounding into P, the rest of it into the compensation (`adamStepCompensated`).
   */
  load(net: LifNetwork): void {
    const f = this.core.f32(), o = this.P / 4, lo = this.#lo / 4;
    const put = (at: number, v: number) => {
      f[o + at] = v;
      f[lo + at] = v - f[o + at];
    };
    this.#slots.forEach(({ wt, b, nIn, nOut }, l) => {
      const W = net.layers[l].w, bias = net.layers[l].b;
      for (let i = 0; i < nOut; i++) {
        for (let j = 0; j < nIn; j++) put(wt + j * nOut + i, W[i * nIn + j]);
      }
      for (let i = 0; i < nOut; i++) put(b + i, bias[i]);
    });
  }

  /** Copies the parameters (P plus its compensation, in float64) into the net's layers. */
  read(net: LifNetwork): void {
    const f = this.core.f32(), o = this.P / 4, lo = this.#lo / 4;
    this.#copyOut(net.layers.flatMap((l) => [l.w, l.b]), (at) => f[o + at] + f[lo + at]);
  }

  /**
   * The gradients G as [dW1, db1, dW2, db2, ...] (W [nOut, nIn], float64): after a batch that
   * updates once (update "batch"), the gradients of the batch (for tests).
   */
  gradients(): Float64Array[] {
    const f = this.core.f32(), o = this.G / 4;
    const out = this.#slots.flatMap((
      s,
    ) => [new Float64Array(s.nIn * s.nOut), new Float64Array(s.nOut)]);
    this.#copyOut(out, (at) => f[o + at]);
    return out;
  }

  /** Writes the block that `get` reads (float offsets) into [W1, b1, W2, b2, ...]. */
  #copyOut(into: Float64Array[], get: (at: number) => number): void {
    this.#slots.forEach(({ wt, b, nIn, nOut }, l) => {
      const W = into[2 * l], bias = into[2 * l + 1];
      for (let i = 0; i < nOut; i++) {
        for (let j = 0; j < nIn; j++) W[i * nIn + j] = get(wt + j * nOut + i);
      }
      for (let i = 0; i < nOut; i++) bias[i] = get(b + i);
    });
  }

  /** The core's exports, lif_batch.ts's kernels typed. */
  get ex(): CoreExports & LifBatchKernels {
    return lifKernels(this.core);
  }

  /**
   * A batch's buffers, allocated above the resident block (freed by the next batch); x, s, g
   * and dO for `steps` steps (`batchBuffers`).
   */
  buffers(batch: number, labels: ArrayLike<number>, steps = 1): BatchBuffers {
    this.core.reset(this.#mark);
    return batchBuffers(this.core, this.sizes, batch, labels, steps);
  }

  /** Byte offset of float offset `off` of the block at byte `base`. */
  #at(base: number, off: number): number {
    return base + off * 4;
  }

  /** out = A W_l^T + k b_l for layer l (U of a hidden layer, or the logits). */
  current(l: number, A: number, k: number, out: number, batch: number, scratch: number): void {
    const { wt, b, nIn, nOut } = this.#slots[l], P = this.P;
    this.ex.lifCurrent(A, this.#at(P, wt), this.#at(P, b), k, out, batch, nIn, nOut, scratch);
  }

  /** Zeroes the gradients G. */
  zeroGrads(): void {
    this.core.f32().fill(0, this.G / 4, this.G / 4 + this.length);
  }

  /**
   * Copies of every hidden layer's U[t] and spikes (the spikes of step `t` of a history of
   * `steps`), for `LifBatchOptions.probe`.
   */
  probed(bufs: BatchBuffers, batch: number, t = 0): { U: Float32Array; s: Float32Array }[] {
    const f = this.core.f32(), at = (p: number, n: number) => f.slice(p / 4, p / 4 + n);
    return bufs.U.map((U, l) => {
      const n = batch * this.sizes[l + 1];
      return { U: at(U, n), s: at(bufs.s[l] + 4 * t * n, n) };
    });
  }

  /**
   * The backward of one step, added into G, from dO: the readout's presynaptic factor `pre` (a
   * [batch, nIn] buffer) and bias factor k, and per hidden layer those and its surrogate (or
   * window) factors g (lif.ts header). With `carry` (BPTT), delta_l += lambda carry_l, the
   * delta of the next step, and carry_l becomes this step's delta.
   */
  // spec B2, B2.3, B3, B4
  backward(
    bufs: BatchBuffers,
    batch: number,
    dO: number,
    readout: Factor,
    hidden: (Factor & { g: number })[],
    carry?: { at: number[]; lambda: number },
  ): void {
    const ex = this.ex, L = this.#slots.length, G = this.G, top = this.#slots[L - 1];
    const [gw, gb] = [this.#at(G, top.wt), this.#at(G, top.b)], s = bufs.scratch;
    ex.lifWeightGrad(dO, readout.pre, gw, gb, batch, top.nIn, top.nOut, readout.k, s);
    let dz = dO;
    for (let l = L - 2; l >= 0; l--) {
      const above = this.#slots[l + 1], { wt, b, nIn, nOut } = this.#slots[l], dy = bufs.dy[l];
      ex.denseBackwardInputT(
        dz,
        this.#at(this.P, above.wt),
        dy,
        batch,
        nOut,
        above.nOut,
        bufs.w,
        s,
      );
      ex.lifMultiply(dy, hidden[l].g, batch * nOut); // delta = dL/ds H'(u - V_th)
      let delta = dy;
      if (carry) {
        ex.lifAccumulate(carry.at[l], dy, batch * nOut, carry.lambda); // + lambda delta[t+1]
        delta = carry.at[l];
      }
      const { pre, k } = hidden[l]; // A_{l-1}[t], x[t], s_{l-1}[t] or r_{l-1}; c[t] or 1
      ex.lifWeightGrad(delta, pre, this.#at(G, wt), this.#at(G, b), batch, nIn, nOut, k, s);
      dz = delta;
    }
  }

  /** Samples of the batch whose argmax of the scores is the label. */
  correct(bufs: BatchBuffers, batch: number): number {
    return this.ex.lifCorrect(bufs.scores, bufs.labels, batch, this.sizes[this.sizes.length - 1]);
  }

  /** One Adam step on G (lr_t from nn/optim.ts's `adamStepSize`). */
  adam(): void {
    const { beta1, beta2, epsilon } = this.#hyper;
    this.t++;
    const lrT = adamStepSize(this.#hyper, this.t);
    this.core.exports.adamStepCompensated(
      this.P,
      this.#lo,
      this.G,
      this.#M,
      this.#V,
      this.length,
      lrT,
      beta1,
      beta2,
      epsilon,
    );
  }
}
