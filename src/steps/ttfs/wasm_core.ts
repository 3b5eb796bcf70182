/**
 * One WASM core holding a B = 1 network (dense or conv, `wasm_layers.ts`) and its ReLU twin
 * resident in float32: their weights, gradients and Adam moments stay in the core's memory from
 * step to step, so a training step converts nothing but the batch. `wasm.ts` drives one of
 * these in the calling thread, `wasm_workers.ts` one per worker.
 *
 * Layout: one block per model (SNN first, then the twin), each holding per layer W^T
 * [nIn, nOut] (the kernels' forward layout, see core-as/assembly/step.ts; a conv layer's
 * [k k inC, outC]) then D [nOut] (conv: [outC]), every array starting on 16 bytes. Gradients
 * (G) and Adam moments (M, V) have the same layout, so Adam runs once over both models. A
 * participant of a data-parallel step (`wasm_workers.ts`) is built on a shared memory instead
 * (`SharedTwinLayout`): P, M and V are everyone's, G its own, and its arena a fenced region.
 *
 * Both models run the same kernels, which is the B = 1 equivalence (SPEC A5): the SNN's layer
 * is ttfsDenseForwardT on x = tmin - t (its input spike times t0 = 1 - pixel, A2, decoded in
 * float64 as the reference does), the twin's the same kernel on the pixels without spike
 * times. In float32 the SNN carries a = tmax - t between layers (core-as/assembly/ttfs.ts);
 * the spike times are not read in training. A conv layer runs the same kernel on its patches
 * and max-pools the activations (the earliest spike, SPEC A8), all in the core. Since both
 * models then see the same float32 operands, their float32 trajectories are identical by
 * construction: that is no evidence of
 * the equivalence, which the float64 reference shows (tests/ttfs/). So the twin is off unless
 * asked for (`twin`: false skips its forward, backward and Adam, half the step); evaluation and
 * `read` then give the twin as the SNN's ReLU map at the current weights (W = w, D = b).
 *
 * @module
 */
import type { StepHyper } from "./step.ts";
import type { SharedTwinLayout } from "./wasm_workers.ts";
import type { TwinShare } from "./wasm_sync.ts";
import { layerSizes, toLayers } from "../../nn/architecture.ts";
import { type LayerGeometry, neuronsOf } from "../../nn/layer.ts";
import { adamStepSize } from "../../nn/optim.ts";
import { WasmCore } from "../../backend/wasm/core.ts";
import { type DeferredGrad, isDeferred, zeroGradients } from "./wasm_ranges.ts";
import {
  layerBackward,
  layerForward,
  type LayerTrace,
  scratchBytes,
  type Slot,
  slotsOf,
} from "./wasm_layers.ts";

/** A B = 1 network and its twin, resident in one WASM core. */
export class TwinCore {
  /** Floats in one buffer (both models, padded). */
  readonly length: number;
  /** Byte offsets of the parameters and gradients. */
  readonly P: number;
  readonly G: number;
  readonly core: WasmCore;
  /** The layers' places in a model's block (`wasm_layers.ts`). */
  readonly slots: readonly Slot[];
  /** Floats in one model's block. */
  readonly per: number;
  readonly #M: number;
  readonly #V: number;
  readonly #mark: number;
  readonly #hyper: StepHyper;
  /** Adam steps taken. */
  t = 0;

  /** Layer sizes, input first (after pooling), e.g. [784, 340, 10]. */
  readonly sizes: number[];

  /**
   * @param shape Dense layer sizes, input first, e.g. [784, 340, 10], or the layers (dense or
   * conv with an optional max-pool; the readout has no pool).
   * @param shared Build on a shared memory at these places (its parameters are not zeroed).
   * @example
   * ```ts
   * import { TwinCore } from "./wasm_core.ts";
   * const hyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decayRate: 0.9, decaySteps: 5000 };
   * console.log(new TwinCore([4, 3, 2], hyper).length); // 2 x (12 + 4 + 8 + 4) = 56
   * ```
   */
  constructor(
    shape: number[] | LayerGeometry[],
    hyper: StepHyper,
    readonly twin: boolean = true,
    shared?: SharedTwinLayout,
  ) {
    const layers = toLayers(shape), { slots, per } = slotsOf(layers);
    this.sizes = layerSizes(layers);
    this.slots = slots;
    this.per = per;
    this.length = 2 * per;
    this.#hyper = hyper;
    if (shared) {
      const c = this.core = new WasmCore({ memory: shared.memory });
      [this.G, this.#M, this.#V, this.#homes] = [shared.G, shared.M, shared.V, shared.P];
      c.reset(shared.arena, shared.end);
      this.P = c.alloc(this.length * 4); // this thread's copy of the shared parameters
      this.#mark = c.top;
      return;
    }
    const bytes = this.length * 4, c = this.core = new WasmCore();
    [this.P, this.G, this.#M, this.#V] = [0, 1, 2, 3].map(() => c.alloc(bytes));
    c.f32().fill(0, this.P / 4, (this.#V + bytes) / 4);
    this.#mark = c.top;
    this.#homes = [this.P, this.P];
  }

  /**
   * Where Adam updates the parameters: P itself, or on a shared memory the participants' H
   * copies, step t writing copy t mod H from copy t - 1 mod H (`HOMES` in wasm_workers.ts: a
   * core writing lines another core has just read waits for them); `pullShared` copies the
   * latest into this thread's P after every step. The kernels read P: reading another core's
   * freshly written lines one strided load at a time (the weight packing gathers columns) cost
   * more than the step's whole reduction; one sequential copy does not.
   */
  #homes: number[];

  /** On a shared memory: copies the shared parameters into this thread's P (after Adam). */
  pullShared(): void {
    const home = this.#homes[this.t % this.#homes.length]; // the latest step's copy
    if (home === this.P) return;
    const f = this.core.f32(), n = this.trained;
    f.copyWithin(this.P / 4, home / 4, home / 4 + n);
  }

  /** Floats Adam updates: both models, or the SNN's block alone when the twin is off. */
  get trained(): number {
    return this.twin ? this.length : this.per;
  }

  /** Bytes of arena one `gradients` call on `rows` rows allocates (found by running one). */
  arenaBytes(rows: number): number {
    this.gradients(new Float32Array(rows * this.sizes[0]), new Int32Array(rows), rows, rows);
    return this.core.top - this.#mark;
  }

  /** Sets both models from [W1, D1, W2, ...] (W [nOut, nIn] row-major, float64). */
  load(snn: Float64Array[], twin: Float64Array[]): void {
    const f = this.core.f32();
    [snn, twin].forEach((params, m) =>
      this.slots.forEach(({ wt, d, nIn, nOut }, l) => {
        const o = this.P / 4 + m * this.per, W = params[2 * l];
        for (let i = 0; i < nOut; i++) {
          for (let j = 0; j < nIn; j++) f[o + wt + j * nOut + i] = W[i * nIn + j];
        }
        f.set(params[2 * l + 1], o + d);
      })
    );
    for (const home of this.#homes) {
      if (home !== this.P) f.copyWithin(home / 4, this.P / 4, this.P / 4 + this.length);
    }
  }

  /** Copies both models out in `load`'s layout: the parameters, or the buffer at byte `from`
   * (G: the gradients of the last `gradients` call). */
  read(snn: Float64Array[], twin: Float64Array[], from: number = this.P): void {
    if (from === this.P) this.#mapTwin();
    const f = this.core.f32();
    [snn, twin].forEach((params, m) =>
      this.slots.forEach(({ wt, d, nIn, nOut }, l) => {
        const o = from / 4 + m * this.per, W = params[2 * l];
        for (let i = 0; i < nOut; i++) {
          for (let j = 0; j < nIn; j++) W[i * nIn + j] = f[o + wt + j * nOut + i];
        }
        params[2 * l + 1].set(f.subarray(o + d, o + d + nOut));
      })
    );
  }

  /**
   * With the twin off, sets the twin's block to the SNN's parameters: the twin is then the
   * SNN's ReLU map (W = w, D = b) at the current weights, for evaluation and `read`.
   */
  #mapTwin(): void {
    if (this.twin) return;
    const p = this.P / 4;
    this.core.f32().copyWithin(p + this.per, p, p + this.per);
  }

  /** A float32 view of `length` floats at byte offset p (valid until the memory grows). */
  view(p: number): Float32Array {
    return this.core.f32().subarray(p / 4, p / 4 + this.length);
  }

  /** Byte offset of parameter array `off` (a float offset in a model's block) of model m. */
  #at(base: number, m: number, off: number): number {
    return base + (m * this.per + off) * 4;
  }

  /** Both models' inputs (the twin's pixels, the SNN's decoded spike times) and scratch. */
  #prepare(x: ArrayLike<number>, rows: number, twin = true): { inputs: number[]; scratch: number } {
    const c = this.core, n = rows * this.sizes[0];
    c.reset(this.#mark);
    const p64 = c.alloc(n * 8), ps = c.alloc(n * 4), px = twin ? c.alloc(n * 4) : 0;
    const scratch = c.alloc(scratchBytes(c, this.slots, rows));
    const rows64 = new Float64Array(c.exports.memory.buffer, p64, n);
    if (x instanceof Float64Array) rows64.set(x.subarray(0, n));
    else for (let k = 0; k < n; k++) rows64[k] = x[k];
    // the SNN's input as the reference computes it, in float64: spike times t0 = 1 - x (A2),
    // then x = tmin(1) - t0 with tmin(1) = tmax(0) = 1; rounded to float32 once (the twin: x)
    c.exports.ttfsInputs(p64, ps, px, n);
    return { inputs: [ps, px], scratch };
  }

  /** Forward pass of model m: every layer's trace (the readout's a: the logits); the hidden
   * layers' max a into maxAct. */
  #forward(
    m: number,
    input: number,
    rows: number,
    scratch: number,
    maxAct: number[],
  ): LayerTrace[] {
    const L = this.slots.length, traces: LayerTrace[] = [];
    this.slots.forEach((slot, l) => {
      const W = this.#at(this.P, m, slot.wt), D = this.#at(this.P, m, slot.d);
      const x = l === 0 ? input : traces[l - 1].out;
      const { trace, max } = layerForward(this.core, slot, W, D, x, rows, scratch, l === L - 1);
      if (l < L - 1) maxAct.push(max);
      traces.push(trace);
    });
    return traces;
  }

  /**
   * Forward only, on `rows` images: both models' logits [rows, classes] and the SNN's hidden
   * activations a = tmax - t [rows, neurons] per layer, before pooling (a neuron spikes iff
   * a > 0).
   */
  forward(
    x: ArrayLike<number>,
    rows: number,
  ): { logits: Float64Array; twinLogits: Float64Array; activations: Float64Array[] } {
    this.#mapTwin();
    const { inputs, scratch } = this.#prepare(x, rows), L = this.slots.length;
    const [snn, twin] = inputs.map((input, m) => this.#forward(m, input, rows, scratch, []));
    const f = this.core.f32(),
      out = (p: number, n: number) => Float64Array.from(f.subarray(p / 4, p / 4 + rows * n));
    return {
      logits: out(snn[L - 1].a, this.sizes[L]),
      twinLogits: out(twin[L - 1].a, this.sizes[L]),
      activations: snn.slice(0, L - 1).map((t, l) => out(t.a, neuronsOf(this.slots[l].layer))),
    };
  }

  /**
   * Forward and backward of both models on `rows` images (pixels in [0, 1]) into G
   * (overwritten); the loss gradient is divided by `denom`, the size of the whole batch. With
   * `deferred` (a participant of a data-parallel step), the dense layers' weight gradients are
   * not formed: their operands are listed there (`wasm_ranges.ts`), and G is left as it is
   * for those layers.
   */
  gradients(
    x: ArrayLike<number>,
    labels: ArrayLike<number>,
    rows: number,
    denom: number,
    deferred?: DeferredGrad[],
  ): TwinShare {
    const c = this.core, ex = c.exports, L = this.slots.length, classes = this.sizes[L];
    const share: TwinShare = {
      loss: 0,
      twinLoss: 0,
      correct: 0,
      twinCorrect: 0,
      maxActivation: [],
    };
    zeroGradients(this, this.G, deferred !== undefined);
    if (rows === 0) return (share.maxActivation = new Array(L - 1).fill(0)), share;
    const { inputs: modelInputs, scratch } = this.#prepare(x, rows, this.twin);
    const plab = c.alloc(rows * 4), pc = c.alloc(16);
    const i32 = () => new Int32Array(ex.memory.buffer); // re-read: alloc may grow the memory
    const lab = i32();
    for (let b = 0; b < rows; b++) lab[plab / 4 + b] = labels[b];
    if (!this.twin) (share.twinLoss = NaN), (share.twinCorrect = NaN);
    modelInputs.forEach((input, m) => {
      if (m === 1 && !this.twin) return; // the twin off: only the SNN trains
      const traces = this.#forward(m, input, rows, scratch, m === 0 ? share.maxActivation : []);
      let dz = c.alloc(rows * classes * 4);
      i32()[pc / 4] = 0;
      const loss = ex.softmaxCrossEntropy(traces[L - 1].a, plab, dz, rows, classes, denom, pc);
      if (m === 0) (share.loss = loss), (share.correct = i32()[pc / 4]);
      else (share.twinLoss = loss), (share.twinCorrect = i32()[pc / 4]);
      // backward, readout first: dW^T += cols^T dA, then the gradient of the layer's input
      for (let l = L - 1; l >= 0; l--) {
        const slot = this.slots[l], G = (o: number) => this.#at(this.G, m, o);
        const W = this.#at(this.P, m, slot.wt), last = l === L - 1;
        const at = { W, gWt: G(slot.wt), gD: G(slot.d) }, defer = deferred && isDeferred(slot);
        if (defer) deferred.push({ m, l, cols: traces[l].cols, dA: dz, R: rows * slot.P });
        dz = layerBackward(c, slot, at, traces[l], dz, rows, scratch, last, l > 0, !defer);
      }
    });
    return share;
  }

  /**
   * One Adam step of the trained floats (default all: both models, or the SNN's block, which
   * comes first), or of the float ranges [lo, hi) given, with the gradients at byte offset `g`;
   * Adam is elementwise, so the participants of a data-parallel step each take their ranges.
   */
  adam(g: number, ranges: [number, number][] = [[0, this.trained]]): void {
    const { beta1: b1, beta2: b2, epsilon } = this.#hyper, ex = this.core.exports;
    const H = this.#homes.length, src = this.#homes[this.t % H], dst = this.#homes[++this.t % H];
    const lrT = adamStepSize(this.#hyper, this.t); // nn/optim.ts: the one lr_t
    for (const [lo, hi] of ranges) {
      const o = lo * 4, [m, v] = [this.#M + o, this.#V + o];
      ex.adamStepInto(src + o, dst + o, g + o, m, v, hi - lo, lrT, b1, b2, epsilon);
    }
  }
}
