/**
 * One WASM core holding a LIF network (dense and conv layers, `wasm_layers.ts`) resident in
 * float32: its weights, the gradients and Adam's moments stay in the core's memory from step to
 * step and batch to batch; the state of a batch (`wasm_buffers.ts`: the input trace A_0, every
 * hidden layer's a_hat, U, the post-reset potential v, spikes and surrogate factors, pooled
 * outputs, patches, and BPTT's history) lives there for the batch. The core gives the methods'
 * drivers (`wasm_online.ts`: SAF-E, OTTT_O, OTTT_A; `wasm_batch.ts`: SAF-F, Spike
 * Representation, BPTT) their shared pieces: the linear map and the pool of a layer, the
 * backward through the layers at one step, Adam. The kernels and their equations:
 * core-as/assembly/lif.ts, lif_batch.ts and conv.ts.
 *
 * Layout: per layer W^T [K, N] (the kernels' layout; K = nIn, N = nOut for a dense layer,
 * K = k k inC, N = outC for a conv one) then b [N], each array starting on 16 bytes; the
 * gradients (G) and Adam's moments (M, V) have the same layout, so Adam runs once over the
 * whole network.
 *
 * @module
 */
import { type CoreExports, WasmCore } from "../../backend/wasm/core.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { toLayers } from "../../nn/architecture.ts";
import type { LayerGeometry } from "../../nn/layer.ts";
import { type AdamOptions, adamStepSize } from "../../nn/optim.ts";
import {
  type BatchBuffers,
  batchBuffers,
  type LifBatchKernels,
  lifKernels,
} from "./wasm_buffers.ts";
import {
  type LayerCall,
  layerCurrent,
  layerInputGrad,
  layerWeightGrad,
  type LifSlot,
  lifSlots,
  poolInto,
  unpoolInto,
} from "./wasm_layers.ts";

/**
 * A presynaptic factor: a [batch, nIn] buffer (byte offset) and the bias factor k; `same` when
 * it is the input the layer's current was last computed from, unchanged since (a conv layer's
 * patches are then reused).
 */
export interface Factor {
  pre: number;
  k: number;
  same?: boolean;
  /**
   * Where k delta is added instead of the layer's weight gradient (pre must then be k times
   * the factor the caller later gives `weightGrad`, which adds the gradient of the deferred
   * deltas over many steps' rows, or of their sum, in one product).
   */
  deferTo?: number;
}

/** A LIF network resident in one WASM core (module header). */
export class LifCore {
  /** Floats in one parameter-shaped buffer (padded). */
  readonly length: number;
  /** Byte offsets of the parameters and the gradients. */
  readonly P: number;
  readonly G: number;
  readonly core: WasmCore = new WasmCore();
  /** The layers (geometry and place in the block), the readout last. */
  readonly slots: LifSlot[];
  readonly #M: number;
  readonly #V: number;
  readonly #lo: number;
  readonly #mark: number;
  readonly #hyper: Required<AdamOptions>;
  /** The current batch's buffers and size (set by `buffers`). */
  #bufs?: BatchBuffers;
  #batch = 0;
  /** Adam steps taken (one per time step, or one per batch for update "batch"). */
  t = 0;

  /**
   * @param layers Dense layer sizes, input first, e.g. [784, 128, 10], or the layers' geometries
   * (a LIF net's layers: conv with `avgPool`, dense).
   * @example
   * ```ts
   * import { adamSettings } from "../../nn/optim.ts";
   * import { LifCore } from "./wasm_core.ts";
   * console.log(new LifCore([4, 3, 2], adamSettings({})).length); // 12 + 4 + 8 + 4 = 28
   * ```
   */
  constructor(layers: number[] | LayerGeometry[], hyper: Required<AdamOptions>) {
    const { slots, length: n } = lifSlots(toLayers(layers));
    this.slots = slots;
    this.length = n;
    this.#hyper = hyper;
    const c = this.core, bytes = n * 4;
    [this.P, this.G, this.#M, this.#V, this.#lo] = [0, 1, 2, 3, 4].map(() => c.alloc(bytes));
    c.f32().fill(0, this.P / 4, (this.#lo + bytes) / 4);
    this.#mark = c.top;
  }

  /**
   * Sets the parameters from the network's layers (W [N, K] row-major, float64): each
   * weight's float32 rounding into P, the rest of it into the compensation (`adamStepCompensated`).
   */
  load(net: LifNetwork): void {
    const f = this.core.f32(), o = this.P / 4, lo = this.#lo / 4;
    const put = (at: number, v: number) => {
      f[o + at] = v;
      f[lo + at] = v - f[o + at];
    };
    this.slots.forEach(({ wt, b, K, N }, l) => {
      const W = net.layers[l].w, bias = net.layers[l].b;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < K; j++) put(wt + j * N + i, W[i * K + j]);
      }
      for (let i = 0; i < N; i++) put(b + i, bias[i]);
    });
  }

  /** Copies the parameters (P plus its compensation, in float64) into the net's layers. */
  read(net: LifNetwork): void {
    const f = this.core.f32(), o = this.P / 4, lo = this.#lo / 4;
    this.#copyOut(net.layers.flatMap((l) => [l.w, l.b]), (at) => f[o + at] + f[lo + at]);
  }

  /**
   * The gradients G as [dW1, db1, dW2, db2, ...] (W [N, K] as the net's layers, float64):
   * after a batch that updates once (update "batch"), the gradients of the batch (for tests).
   */
  gradients(): Float64Array[] {
    const f = this.core.f32(), o = this.G / 4;
    const out = this.slots.flatMap((s) => [new Float64Array(s.K * s.N), new Float64Array(s.N)]);
    this.#copyOut(out, (at) => f[o + at]);
    return out;
  }

  /** Writes the block that `get` reads (float offsets) into [W1, b1, W2, b2, ...]. */
  #copyOut(into: Float64Array[], get: (at: number) => number): void {
    this.slots.forEach(({ wt, b, K, N }, l) => {
      const W = into[2 * l], bias = into[2 * l + 1];
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < K; j++) W[i * K + j] = get(wt + j * N + i);
      }
      for (let i = 0; i < N; i++) bias[i] = get(b + i);
    });
  }

  /** The core's exports, lif_batch.ts's kernels typed. */
  get ex(): CoreExports & LifBatchKernels {
    return lifKernels(this.core);
  }

  /** Inputs per sample of the first layer. */
  get nIn(): number {
    return this.slots[0].nIn;
  }

  /** Classes (the readout's outputs). */
  get classes(): number {
    return this.slots[this.slots.length - 1].N;
  }

  /**
   * A batch's buffers, allocated above the resident block (freed by the next batch); x, s, y,
   * g and dO for `steps` steps (`batchBuffers`).
   */
  buffers(batch: number, labels: ArrayLike<number>, steps = 1, potential = true): BatchBuffers {
    this.core.reset(this.#mark);
    this.#bufs = batchBuffers(this.core, this.slots, batch, labels, steps, potential);
    this.#batch = batch;
    return this.#bufs;
  }

  /** Layer l's products on the current batch's buffers, over `rows` samples. */
  #call(l: number, rows = this.#batch): LayerCall {
    const { cols, scratch } = this.#bufs!;
    return { ex: this.ex, s: this.slots[l], batch: rows, cols: cols[l], scratch };
  }

  /**
   * out = A W_l^T + k b_l for layer l on the current batch (U or I of a hidden layer, z, or the
   * logits); a conv layer's patches of A stay in its cols until its next product. With `rows`
   * (a dense layer only), over that many samples of A instead of the batch's: several steps'
   * inputs at once.
   */
  current(l: number, A: number, k: number, out: number, rows?: number): void {
    layerCurrent(this.#call(l, rows), this.P, A, k, out);
  }

  /**
   * G_l += the weight and bias gradients of layer l from delta [rows P, N] and its presynaptic
   * factor p [rows, nIn] (bias factor k): a delta `backward` deferred (`Factor.deferTo`), for
   * many steps' rows in one product (a conv layer: at most the batch's rows, its cols' size).
   */
  weightGrad(l: number, delta: number, p: number, k: number, rows: number): void {
    layerWeightGrad(this.#call(l, rows), this.G, delta, p, k);
  }

  /** Hidden layer l's pooled `src` (spikes or accumulation) into `y` (none without a pool). */
  pool(l: number, src: number, y: number): void {
    poolInto(this.ex, this.slots[l], src, y, this.#batch);
  }

  /** Floats of hidden layer l's neurons over the batch. */
  span(l: number): number {
    return this.#batch * this.slots[l].neurons;
  }

  /** Zeroes the gradients G. */
  zeroGrads(): void {
    this.core.f32().fill(0, this.G / 4, this.G / 4 + this.length);
  }

  /**
   * Copies of every hidden layer's U[t] and spikes (the spikes of step `t` of a history of
   * `steps`), for `LifBatchOptions.probe`.
   */
  probed(bufs: BatchBuffers, t = 0): { U: Float32Array; s: Float32Array }[] {
    const f = this.core.f32(), at = (p: number, n: number) => f.slice(p / 4, p / 4 + n);
    return bufs.U.map((U, l) => {
      const n = this.span(l);
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
    dO: number,
    readout: Factor,
    hidden: (Factor & { g: number })[],
    carry?: { at: number[]; lambda: number },
  ): void {
    const ex = this.ex, L = this.slots.length, bufs = this.#bufs!;
    layerWeightGrad(this.#call(L - 1), this.G, dO, readout.pre, readout.k);
    let dz = dO;
    for (let l = L - 2; l >= 0; l--) {
      const dy = bufs.dy[l], n = this.span(l);
      layerInputGrad(this.#call(l + 1), this.P, dz, bufs.dyp[l], bufs.dcols, bufs.w);
      unpoolInto(ex, this.slots[l], bufs.dyp[l], dy, this.#batch); // dL/ds = unpool(dL/dy)
      ex.lifMultiply(dy, hidden[l].g, n); // delta = dL/ds H'(u - V_th)
      let delta = dy;
      if (carry) {
        ex.lifAccumulate(carry.at[l], dy, n, carry.lambda); // + lambda delta[t+1]
        delta = carry.at[l];
      }
      // pre: A_{l-1}[t], x[t], y_{l-1}[t] or r_{l-1}; k: c[t] or 1
      const { pre, k, same, deferTo } = hidden[l];
      if (deferTo === undefined) layerWeightGrad(this.#call(l), this.G, delta, pre, k, same);
      else ex.lifAxpy(deferTo, delta, n, k); // deferTo += k delta: (k p)^T delta = p^T (k delta)
      dz = delta;
    }
  }

  /** Samples of the batch whose argmax of the scores is the label. */
  correct(bufs: BatchBuffers): number {
    return this.ex.lifCorrect(bufs.scores, bufs.labels, this.#batch, this.classes);
  }

  /**
   * One Adam step on G (lr_t from nn/optim.ts's `adamStepSize`); with `clear`, G is zeroed as
   * Adam reads it (what `zeroGrads` would do after).
   */
  adam(clear = false): void {
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
      +clear,
    );
  }
}
