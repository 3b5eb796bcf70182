/**
 * The fused float32 batches of the methods that update once per batch, on a `LifCore`: SAF-F
 * (SPEC B3, `safFGradients`), Spike Representation (B4, `spikeRepGradients`) and BPTT (B2.3,
 * `bpttGradients`), each the reference's forward and backward in float32, then one Adam step
 * on the gradients (kernels and equations: core-as/assembly/lif_batch.ts).
 *
 *   SAF-F:    the SAF forward (SAF-E's) for t = 1..T, the surrogate only at T; rates
 *             r_l = a_hat_l[T] / c[T]; L = mixedLoss(W_L r_{L-1} + b_L, scale 1); one backward
 *             with g_l = H'(u_l[T] - V_th), factors r_{l-1}, bias factor 1
 *   SpikeRep: the LIF forward and its traces, the rates; z_l = W_l r_{l-1} + b_l and
 *             g_l = [0 <= z_l <= V_th] / V_th; the loss and backward as SAF-F's
 *   BPTT:     the LIF forward with L[t] = mixedLoss(o[t], scale 1/T) at every step, keeping
 *             x[t], s_l[t], g_l[t] and dL/do[t] of all T steps; then for t = T..1 the backward
 *             through the layers with delta_l[t] += lambda delta_l[t+1], factors y_{l-1}[t];
 *             the first layer's two products run once over all steps (FirstLayer)
 *
 * Where every step's input is the same array (direct coding), the first layer's product runs
 * once per batch (`constantCurrent`, dense or conv): Z = W_1 x + b_1 is Spike Representation's
 * and BPTT's current at every step, and SAF-F's is U_1[t] = lambda U_1[t-1] + Z.
 *
 * Scores: the rate readout (SAF-F, SpikeRep) or sum_t o[t] (BPTT), as the reference's. The
 * reference's forwards also compute o[t] at every step for SAF-F and SpikeRep, and the traces
 * for BPTT, which their gradients never read; these batches skip them.
 *
 * @module
 */
import { constantTraces, type LifParams } from "../../lif/neuron.ts";
import type { LifStepFigures } from "./ref.ts";
import type { BatchBuffers, LifBatchOptions } from "./wasm_buffers.ts";
import type { LifCore } from "./wasm_core.ts";

/**
 * Z = W_1 x + b_1 [batch P, N] of the first layer (dense, or conv with P positions) where every
 * step's input is the same array (direct coding), or undefined: SAF-F, Spike Representation,
 * BPTT and OTTT_A then run that product once per batch instead of once per step (the weights do
 * not change within their batch). Writes xs[0] into `x` (float32).
 *
 * @example
 * ```ts ignore
 * const Z = constantCurrent(core, xs, bufs.x); // W_1 x + b_1 [batch P, N], or undefined
 * ```
 */
export function constantCurrent(
  core: LifCore,
  xs: Float64Array[],
  x: number,
): number | undefined {
  if (!xs.every((v) => v === xs[0])) return undefined;
  core.core.f32().set(xs[0], x / 4);
  const Z = core.core.alloc(4 * core.span(0)); // [batch P, N]: a conv layer's P positions too
  core.current(0, x, 1, Z);
  return Z;
}

/**
 * One SAF-F batch (module header) on `core`'s resident network.
 *
 * @example
 * ```ts
 * import { adamSettings } from "../../nn/optim.ts";
 * import { LifCore } from "./wasm_core.ts";
 * import { trainSafF } from "./wasm_batch.ts";
 * const core = new LifCore([2, 3, 2], adamSettings({ lr: 1e-2 })), x = new Float64Array([1, 1]);
 * const lif = { lambda: 0.5, vth: 1, surrogateSlope: 4 };
 * const opts = { forward: "saf-f", variant: "trace", update: "batch", mseWeight: 0.05, readout: "trace" } as const;
 * console.log(trainSafF(core, [x, x], [1], 1, lif, opts).loss > 0); // true
 * ```
 */
// spec B3
export function trainSafF(
  core: LifCore,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  net: LifParams,
  opts: LifBatchOptions,
): LifStepFigures {
  const ex = core.ex, T = xs.length, bufs = core.buffers(batch, labels, 1, false); // SAF: no v
  const { lambda, vth, surrogateSlope } = net, ct = constantTraces(lambda, T);
  const Z = constantCurrent(core, xs, bufs.x); // W_1 x + b_1, for one input array
  let spikes = 0;
  for (let t = 0; t < T; t++) {
    core.core.f32().set(xs[t], bufs.x / 4);
    ex.lifAccumulate(bufs.a0, bufs.x, batch * core.nIn, lambda); // A_0[t]
    let A = bufs.a0;
    bufs.acc.forEach((acc, l) => {
      const [U, s, g, n] = [bufs.U[l], bufs.s[l], bufs.g[l], core.span(l)];
      // U_1[t] = lambda U_1[t-1] + W_1 x + b_1: the same sum for A_0[t] = lambda A_0[t-1] + x
      if (l === 0 && Z !== undefined) ex.lifAccumulate(U, Z, n, lambda);
      else core.current(l, A, ct[t], U); // U_l[t] = W_l A_{l-1}[t] + b_l c[t]
      spikes += t < T - 1
        ? ex.safFire(U, acc, s, n, lambda, vth)
        : ex.safNeuron(U, acc, s, g, n, lambda, vth, surrogateSlope); // g = H'(u[T] - V_th)
      core.pool(l, acc, bufs.A[l]); // A_l[t] = pool(a_hat_l[t])
      A = bufs.A[l];
    });
    opts.probe?.(t, core.probed(bufs));
  }
  return rateBatch(core, bufs, batch, ct[T - 1], opts, spikes);
}

/**
 * One Spike Representation batch (module header) on `core`'s resident network.
 *
 * @example
 * ```ts
 * import { adamSettings } from "../../nn/optim.ts";
 * import { LifCore } from "./wasm_core.ts";
 * import { trainSpikeRep } from "./wasm_batch.ts";
 * const core = new LifCore([2, 3, 2], adamSettings({ lr: 1e-2 })), x = new Float64Array([1, 1]);
 * const lif = { lambda: 0.5, vth: 1, surrogateSlope: 4 };
 * const opts = { forward: "spikerep", variant: "trace", update: "batch", mseWeight: 0.05, readout: "trace" } as const;
 * console.log(trainSpikeRep(core, [x, x], [1], 1, lif, opts).loss > 0); // true
 * ```
 */
// spec B4
export function trainSpikeRep(
  core: LifCore,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  net: LifParams,
  opts: LifBatchOptions,
): LifStepFigures {
  const ex = core.ex, T = xs.length, bufs = core.buffers(batch, labels);
  const { lambda, vth } = net, Z = constantCurrent(core, xs, bufs.x);
  let spikes = 0;
  for (let t = 0; t < T; t++) {
    core.core.f32().set(xs[t], bufs.x / 4);
    ex.lifAccumulate(bufs.a0, bufs.x, batch * core.nIn, lambda); // a_hat_0[t]
    let sIn = bufs.x;
    bufs.acc.forEach((acc, l) => {
      const [U, s, n] = [bufs.U[l], bufs.s[l], core.span(l)];
      if (l === 0 && Z !== undefined) core.core.f32().copyWithin(U / 4, Z / 4, Z / 4 + n);
      else core.current(l, sIn, 1, U); // I_l[t] = W_l y_{l-1}[t] + b_l
      spikes += ex.lifNeuron(U, bufs.v[l], s, 0, n, lambda, vth, 0); // no surrogate
      ex.lifAccumulate(acc, s, n, lambda); // a_hat_l[t] (pooled at T: pool(a_hat_l[T]))
      core.pool(l, s, bufs.y[l]); // y_l[t] = pool(s_l[t])
      sIn = bufs.y[l];
    });
    opts.probe?.(t, core.probed(bufs));
  }
  const window = (r: number[]) =>
    bufs.acc.forEach((_, l) => {
      core.current(l, r[l], 1, bufs.U[l]); // z_l = W_l r_{l-1} + b_l
      ex.spikeRepWindow(bufs.U[l], bufs.g[l], core.span(l), vth); // d clamp(z / V_th, 0, 1) / dz
    });
  const cT = constantTraces(lambda, T)[T - 1];
  return rateBatch(core, bufs, batch, cT, opts, spikes, window);
}

/**
 * SAF-F's and Spike Representation's end of a batch: the rates r_l = pool(a_hat_l[T]) / c[T]
 * in place of the pooled accumulations, `window` (Spike Representation's g, whose products
 * leave the rates' patches in the layers' cols), the loss on W_L r_{L-1} + b_L, one backward
 * with the rates as factors, one Adam step.
 */
function rateBatch(
  core: LifCore,
  bufs: BatchBuffers,
  batch: number,
  cT: number,
  opts: LifBatchOptions,
  spikes: number,
  window?: (rates: number[]) => void,
): LifStepFigures {
  const ex = core.ex, L = core.slots.length - 1, rates = [bufs.a0, ...bufs.A];
  bufs.acc.forEach((acc, l) => core.pool(l, acc, bufs.A[l])); // pool(a_hat_l[T])
  rates.forEach((r, l) => ex.lifScale(r, batch * core.slots[l].nIn, 1 / cT)); // r_l
  window?.(rates);
  core.current(L, rates[L], 1, bufs.o); // W_L r_{L-1} + b_L
  const m = opts.mseWeight;
  const loss = ex.lifMixedLoss(
    bufs.o,
    bufs.labels,
    bufs.dO,
    bufs.scores,
    batch,
    core.classes,
    m,
    1,
  );
  const same = window !== undefined; // the window's products left the rates' patches in cols
  const hidden = bufs.acc.map((_, l) => ({ pre: rates[l], k: 1, g: bufs.g[l], same }));
  core.zeroGrads();
  core.backward(bufs.dO, { pre: rates[L], k: 1 }, hidden);
  core.adam();
  return { loss, correct: core.correct(bufs), spikes };
}

/**
 * BPTT's first layer (`firstLayer`): its input x[t] does not depend on the network's state, so
 * its currents for all T steps are one product before the time loop, over T batch rows where it
 * is dense (over the batch once, dense or conv, where every step's input is the same array:
 * direct coding), and its weight gradient one product after the backward loop, from the deltas
 * kept per step in the currents' place (or their sum over the steps, for one input).
 */
interface FirstLayer {
  /** I_1 [rows P, N]: the currents, then the deltas (or their sum). */
  I: number;
  /** Rows of I: T batch, or batch where every step's input is the same. */
  rows: number;
  /** Every step's input the same array. */
  same: boolean;
}

/** Computes the first layer's currents of all steps at once (FirstLayer), where it can. */
function firstLayer(
  core: LifCore,
  xs: Float64Array[],
  batch: number,
  x: number,
): FirstLayer | undefined {
  const s0 = core.slots[0], Z = constantCurrent(core, xs, x);
  if (Z !== undefined) return { I: Z, rows: batch, same: true };
  if (s0.conv) return undefined; // T steps' patches would need T times its cols buffer
  const rows = xs.length * batch, I = core.core.alloc(4 * rows * s0.N);
  core.current(0, x, 1, I, rows); // I_1[t] = W_1 x[t] + b_1 for every t (x[t] at x + t batch nIn)
  return { I, rows, same: false };
}

/**
 * One BPTT batch (module header) on `core`'s resident network: the forward keeps the history
 * of all T steps in the core (x, spikes, surrogate factors, dL/do), then the backward runs
 * through time. The first layer's products run over all steps' rows at once
 * (`FirstLayer`).
 *
 * @example
 * ```ts
 * import { adamSettings } from "../../nn/optim.ts";
 * import { LifCore } from "./wasm_core.ts";
 * import { trainBptt } from "./wasm_batch.ts";
 * const core = new LifCore([2, 3, 2], adamSettings({ lr: 1e-2 })), x = new Float64Array([1, 1]);
 * const lif = { lambda: 0.5, vth: 1, surrogateSlope: 4 };
 * const opts = { forward: "bptt", variant: "trace", update: "batch", mseWeight: 0.05, readout: "trace" } as const;
 * console.log(trainBptt(core, [x, x], [1], 1, lif, opts).loss > 0); // true
 * ```
 */
// spec B2.3
export function trainBptt(
  core: LifCore,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  net: LifParams,
  opts: LifBatchOptions,
): LifStepFigures {
  const ex = core.ex, T = xs.length, S = core.slots, L = S.length - 1, C = core.classes;
  const bufs = core.buffers(batch, labels, T), { lambda, vth, surrogateSlope } = net;
  const at = (p: number, t: number, n: number) => p + 4 * t * batch * n; // step t of a history
  xs.forEach((x, t) => core.core.f32().set(x, at(bufs.x, t, core.nIn) / 4)); // float32 inputs
  const first = firstLayer(core, xs, batch, bufs.x), n0 = core.span(0);
  const I0 = (t: number) => first!.same ? first!.I : at(first!.I, t, S[0].N);
  // y_{l-1}[t], the input of layer l at step t (x[t] for layer 1)
  const y = (l: number, t: number) =>
    l === 0 ? at(bufs.x, t, core.nIn) : at(bufs.y[l - 1], t, S[l - 1].nOut);
  let loss = 0, spikes = 0;
  for (let t = 0; t < T; t++) {
    bufs.U.forEach((U, l) => {
      const [s, g] = [at(bufs.s[l], t, S[l].neurons), at(bufs.g[l], t, S[l].neurons)];
      if (l === 0 && first) core.core.f32().copyWithin(U / 4, I0(t) / 4, I0(t) / 4 + n0);
      else core.current(l, y(l, t), 1, U); // I_l[t] = W_l y_{l-1}[t] + b_l
      spikes += ex.lifNeuron(U, bufs.v[l], s, g, core.span(l), lambda, vth, surrogateSlope);
      core.pool(l, s, y(l + 1, t)); // y_l[t] = pool(s_l[t])
    });
    core.current(L, y(L, t), 1, bufs.o); // o[t] = W_L y_{L-1}[t] + b_L
    opts.probe?.(t, core.probed(bufs, t));
    const dO = at(bufs.dO, t, C), m = opts.mseWeight;
    loss += ex.lifMixedLoss(bufs.o, bufs.labels, dO, bufs.scores, batch, C, m, 1 / T);
  }
  core.zeroGrads(); // bufs.acc (zero): the carry delta_l[t+1], none after T
  // the currents are spent: I_1 now takes the deltas delta_1[t] (or their sum), not yet added
  if (first) core.core.f32().fill(0, first.I / 4, first.I / 4 + first.rows * S[0].neurons);
  for (let t = T - 1; t >= 0; t--) {
    const hidden = bufs.g.map((g, l) => ({
      pre: y(l, t),
      k: 1,
      g: at(g, t, S[l].neurons),
      deferTo: l === 0 && first ? I0(t) : undefined, // delta_1[t] added into I_1, not into G
    }));
    core.backward(at(bufs.dO, t, C), { pre: y(L, t), k: 1 }, hidden, { at: bufs.acc, lambda });
  }
  if (first) core.weightGrad(0, first.I, bufs.x, 1, first.rows); // gW_1 += x^T delta_1, once
  core.adam();
  return { loss, correct: core.correct(bufs), spikes };
}
