/**
 * One WASM core holding a dense LIF network resident in float32 for SAF-E (SPEC B3) or OTTT
 * (SPEC B2): its weights, the gradients and Adam's moments stay in the core's memory from step
 * to step and batch to batch; the state of a batch (the input trace A_0, every hidden layer's
 * a_hat, U, OTTT's post-reset potential v, spikes and surrogate factors) lives there for the
 * batch's T steps. `wasm.ts` drives it. The kernels and their equations:
 * core-as/assembly/lif.ts.
 *
 * Layout: per layer W^T [nIn, nOut] (the kernels' layout) then b [nOut], each array starting
 * on 16 bytes; the gradients (G) and Adam's moments (M, V) have the same layout, so Adam runs
 * once over the whole network.
 *
 * @module
 */
import { WasmCore } from "../../backend/wasm/core.ts";
import type { LifNetwork } from "../../lif/network.ts";
import { constantTraces, type LifParams } from "../../lif/neuron.ts";
import { type AdamOptions, adamStepSize } from "../../nn/optim.ts";
import type { LifStepFigures } from "./ref.ts";
import { type BatchBuffers, batchBuffers, type LifBatchOptions } from "./wasm_buffers.ts";

interface Slot {
  wt: number; // float offset of W^T in the block
  b: number; // float offset of the bias
  nIn: number;
  nOut: number;
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/** A dense LIF network resident in one WASM core, trained by SAF-E, OTTT_O or OTTT_A. */
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
    const get = (at: number) => f[o + at] + f[lo + at];
    this.#slots.forEach(({ wt, b, nIn, nOut }, l) => {
      const W = net.layers[l].w, bias = net.layers[l].b;
      for (let i = 0; i < nOut; i++) {
        for (let j = 0; j < nIn; j++) W[i * nIn + j] = get(wt + j * nOut + i);
      }
      for (let i = 0; i < nOut; i++) bias[i] = get(b + i);
    });
  }

  /** The batch's buffers, allocated above the resident block (freed by the next batch). */
  #buffers(batch: number, labels: ArrayLike<number>): BatchBuffers {
    this.core.reset(this.#mark);
    return batchBuffers(this.core, this.sizes, batch, labels);
  }

  /** Byte offset of float offset `off` of the block at byte `base`. */
  #at(base: number, off: number): number {
    return base + off * 4;
  }

  /** out = A W_l^T + k b_l for layer l (U of a hidden layer, or the logits). */
  #current(l: number, A: number, k: number, out: number, batch: number, scratch: number): void {
    const { wt, b, nIn, nOut } = this.#slots[l], P = this.P;
    this.core.exports.lifCurrent(
      A,
      this.#at(P, wt),
      this.#at(P, b),
      k,
      out,
      batch,
      nIn,
      nOut,
      scratch,
    );
  }

  /**
   * One batch: per time step the forward, the loss (scale 1/T) and the backward into G, with
   * one Adam update per step (update "step", as `safEGradients` or `otttGradients` with
   * `onStep` Adam) or one on G summed over the steps (update "batch").
   */
  // spec B2, B3
  train(
    xs: Float64Array[],
    labels: ArrayLike<number>,
    batch: number,
    net: LifParams,
    opts: LifBatchOptions,
  ): LifStepFigures {
    const c = this.core, ex = c.exports, L = this.#slots.length, T = xs.length;
    const bufs = this.#buffers(batch, labels), ct = constantTraces(net.lambda, T);
    const classes = this.sizes[L], perStep = opts.update === "step";
    const official = opts.forward === "ottt" && opts.variant === "official";
    let loss = 0, spikes = 0;
    this.#zeroGrads();
    for (let t = 0; t < T; t++) {
      c.f32().set(xs[t], bufs.x / 4); // the step's input, float32
      const f = this.#forward(bufs, batch, net, ct[t], opts.forward);
      spikes += f.spikes;
      this.#current(L - 1, f.sIn, 1, bufs.o, batch, bufs.scratch); // o[t] = W_L s_{L-1}[t] + b_L
      opts.probe?.(t, this.#probed(bufs, batch));
      const m = opts.mseWeight;
      loss += ex.lifMixedLoss(bufs.o, bufs.labels, bufs.dO, bufs.scores, batch, classes, m, 1 / T);
      const k = official ? 1 : ct[t]; // the bias factor (the trace of a constant 1, or 1)
      const readout = opts.readout === "spike" ? { pre: f.sIn, k: 1 } : { pre: f.A, k };
      const hidden = bufs.acc.map((_, l) => ({ pre: l === 0 ? f.A0 : bufs.acc[l - 1], k }));
      if (official && hidden.length > 0) hidden[0].pre = bufs.x; // layer 1 sees x[t]
      this.#backward(bufs, batch, readout, hidden);
      if (perStep) this.adam(), this.#zeroGrads();
    }
    if (!perStep) this.adam();
    const correct = ex.lifCorrect(bufs.scores, bufs.labels, batch, classes);
    return { loss, correct, spikes };
  }

  /**
   * The forward of one step through the hidden layers: the input trace A_0[t], then per layer
   * SAF-E's U_l = W_l A_{l-1}[t] + b_l c[t] and SAF neuron, or OTTT's I_l = W_l s_{l-1}[t] + b_l
   * and LIF neuron. Returns the last hidden layer's trace A and spikes sIn (A_0 and x for none).
   */
  #forward(
    bufs: BatchBuffers,
    batch: number,
    net: LifParams,
    ct: number,
    forward: "saf" | "ottt",
  ): { A0: number; A: number; sIn: number; spikes: number } {
    const ex = this.core.exports, { lambda, vth, surrogateSlope } = net;
    ex.lifAccumulate(bufs.a0, bufs.x, batch * this.sizes[0], lambda); // A_0[t]
    let A = bufs.a0, sIn = bufs.x, spikes = 0;
    for (let l = 0; l < bufs.acc.length; l++) {
      const [U, acc, s, g] = [bufs.U[l], bufs.acc[l], bufs.s[l], bufs.g[l]];
      const n = batch * this.#slots[l].nOut;
      if (forward === "ottt") {
        this.#current(l, sIn, 1, U, batch, bufs.scratch); // I_l[t] = W_l s_{l-1}[t] + b_l
        spikes += ex.otttNeuron(U, bufs.v[l], acc, s, g, n, lambda, vth, surrogateSlope);
      } else {
        this.#current(l, A, ct, U, batch, bufs.scratch); // U_l[t] = W_l A_{l-1}[t] + b_l c[t]
        spikes += ex.safNeuron(U, acc, s, g, n, lambda, vth, surrogateSlope);
      }
      (A = acc), (sIn = s);
    }
    return { A0: bufs.a0, A, sIn, spikes };
  }

  #zeroGrads(): void {
    this.core.f32().fill(0, this.G / 4, this.G / 4 + this.length);
  }

  /** Copies of every hidden layer's U[t] and spikes, for `LifBatchOptions.probe`. */
  #probed(bufs: BatchBuffers, batch: number): { U: Float32Array; s: Float32Array }[] {
    const f = this.core.f32(), at = (p: number, n: number) => f.slice(p / 4, p / 4 + n);
    return bufs.U.map((U, l) => {
      const n = batch * this.#slots[l].nOut;
      return { U: at(U, n), s: at(bufs.s[l], n) };
    });
  }

  /**
   * The backward of one step, added into G, from dO and the forward's buffers: each layer's
   * presynaptic factor `pre` (a [batch, nIn] buffer) and bias factor k.
   */
  #backward(
    bufs: BatchBuffers,
    batch: number,
    readout: { pre: number; k: number },
    hidden: { pre: number; k: number }[],
  ): void {
    const ex = this.core.exports, L = this.#slots.length, G = this.G, top = this.#slots[L - 1];
    ex.lifWeightGrad(
      bufs.dO,
      readout.pre,
      this.#at(G, top.wt),
      this.#at(G, top.b),
      batch,
      top.nIn,
      top.nOut,
      readout.k,
      bufs.scratch,
    );
    let dz = bufs.dO;
    for (let l = L - 2; l >= 0; l--) {
      const above = this.#slots[l + 1], { wt, b, nIn, nOut } = this.#slots[l], dy = bufs.dy[l];
      ex.denseBackwardInputT(
        dz,
        this.#at(this.P, above.wt),
        dy,
        batch,
        above.nIn,
        above.nOut,
        bufs.w,
        bufs.scratch,
      );
      ex.lifMultiply(dy, bufs.g[l], batch * nOut); // delta = dL/ds H'(u - V_th)
      const { pre, k } = hidden[l]; // A_{l-1}[t] (or x[t]) and c[t] (or 1)
      ex.lifWeightGrad(dy, pre, this.#at(G, wt), this.#at(G, b), batch, nIn, nOut, k, bufs.scratch);
      dz = dy;
    }
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
