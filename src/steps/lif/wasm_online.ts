/**
 * The fused float32 SAF-E (SPEC B3), OTTT_O and OTTT_A (SPEC B2) batches on a `LifCore`: per
 * time step the forward, the loss of that step (scale 1/T) and the backward through the layers
 * at that step, into G; Adam after every step (update "step", as `safEGradients` or
 * `otttGradients` with `onStep` Adam) or once on G summed over the steps (update "batch").
 *
 *   SAF-E: A_0[t] = lambda A_0[t-1] + x[t],  U_l = W_l A_{l-1}[t] + b_l c[t], the SAF neuron
 *   OTTT:  I_l = W_l y_{l-1}[t] + b_l, the LIF neuron (lean forward: `wasm.ts`; with
 *          `otttForward` "replace", also the Replace forward's unread W_l a_hat_{l-1} + k b_l)
 *   A_l = pool(a_hat_l), y_l = pool(s_l) (A_l = a_hat_l, y_l = s_l for a layer without a pool)
 *   o[t] = W_L y_{L-1}[t] + b_L;  presynaptic factors A_{l-1}[t] (x[t] for layer 1 in OTTT's
 *   official variant), bias factor c[t] (1 in the official variant); the readout's A_{L-1}[t]
 *   (or y_{L-1}[t] with the "spike" readout)
 *
 * OTTT_A with one input array at every step runs its first layer's two products once per batch
 * (`hoisted`): its weights do not change within the batch.
 *
 * @module
 */
import type { LifParams } from "../../lif/neuron.ts";
import { constantTraces } from "../../lif/neuron.ts";
import type { LifStepFigures } from "./ref.ts";
import type { BatchBuffers, LifBatchOptions } from "./wasm_buffers.ts";
import type { Factor, LifCore } from "./wasm_core.ts";
import { constantCurrent } from "./wasm_batch.ts";

/**
 * One SAF-E or OTTT batch (module header) on `core`'s resident network.
 *
 * @example
 * ```ts
 * import { adamSettings } from "../../nn/optim.ts";
 * import { LifCore } from "./wasm_core.ts";
 * import { trainOnline } from "./wasm_online.ts";
 * const core = new LifCore([2, 3, 2], adamSettings({ lr: 1e-2 })), x = new Float64Array([1, 1]);
 * const lif = { lambda: 0.5, vth: 1, surrogateSlope: 4 };
 * const opts = { forward: "saf", variant: "trace", update: "step", mseWeight: 0.05, readout: "trace" } as const;
 * console.log(trainOnline(core, [x, x], [1], 1, lif, opts).loss > 0); // true
 * ```
 */
// spec B2, B3
export function trainOnline(
  core: LifCore,
  xs: Float64Array[],
  labels: ArrayLike<number>,
  batch: number,
  net: LifParams,
  opts: LifBatchOptions,
): LifStepFigures {
  const ex = core.ex, L = core.slots.length - 1, T = xs.length;
  const ottt = opts.forward === "ottt", official = ottt && opts.variant === "official";
  const bufs = core.buffers(batch, labels, 1, ottt), ct = constantTraces(net.lambda, T); // SAF: no v
  const classes = core.classes, perStep = opts.update === "step";
  const replace = ottt && opts.otttForward === "replace";
  const hoist = ottt && !perStep && !replace ? hoisted(core, xs, bufs.x) : undefined;
  let loss = 0, spikes = 0;
  core.zeroGrads();
  for (let t = 0; t < T; t++) {
    core.core.f32().set(xs[t], bufs.x / 4); // the step's input, float32
    const k = official ? 1 : ct[t]; // the bias factor (the trace of a constant 1, or 1)
    const hidden: (Factor & { g: number })[] = bufs.acc.map((_, l) => ({
      pre: l === 0 ? (official ? bufs.x : bufs.a0) : bufs.A[l - 1], // layer 1 sees x[t]
      k,
      g: bufs.g[l],
      // the factor is the input of the layer's last product (its patches are in cols)
      same: !ottt || replace || (official && l === 0),
      // layer 1's k delta summed, its product once after the steps (hoisted)
      deferTo: l === 0 ? hoist?.D : undefined,
    }));
    const o = ottt ? { replace, hidden, Z: hoist?.Z } : undefined;
    const f = forward(core, bufs, batch, net, ct[t], o);
    spikes += f.spikes;
    core.current(L, f.sIn, 1, bufs.o); // o[t] = W_L y_{L-1}[t] + b_L
    opts.probe?.(t, core.probed(bufs));
    const readout = opts.readout === "spike" ? { pre: f.sIn, k: 1 } : { pre: f.A, k };
    if (replace && readout.pre !== f.sIn) core.current(L, f.A, k, bufs.dO); // unread W A + k b
    const m = opts.mseWeight;
    loss += ex.lifMixedLoss(bufs.o, bufs.labels, bufs.dO, bufs.scores, batch, classes, m, 1 / T);
    core.backward(bufs.dO, readout, hidden); // hoisted: D += k delta_1[t] (A_0[t] = c[t] x)
    if (perStep) core.adam(true); // G zeroed as Adam reads it: the next step's sums start at 0
  }
  if (hoist) core.weightGrad(0, hoist.D, bufs.x, 1, batch); // gW_1 += x^T D, gb_1 += colsum D
  if (!perStep) core.adam();
  return { loss, correct: core.correct(bufs), spikes };
}

/**
 * OTTT_A's first layer with one input array at every step (direct coding) and the weights
 * fixed for the batch: its current Z = W_1 x + b_1 once (`constantCurrent`), and its weight
 * gradient once after the steps from D = sum_t k_t delta_1[t] (the factor k_t x: x in the
 * official variant, A_0[t] = c[t] x in the trace one), which `backward` adds up
 * (`Factor.deferTo`).
 */
function hoisted(
  core: LifCore,
  xs: Float64Array[],
  x: number,
): { Z: number; D: number } | undefined {
  const Z = constantCurrent(core, xs, x);
  if (Z === undefined) return undefined;
  const n = core.span(0), D = core.core.alloc(4 * n);
  core.core.f32().fill(0, D / 4, D / 4 + n);
  return { Z, D };
}

/**
 * The forward of one step through the hidden layers: the input trace A_0[t], then per layer
 * SAF-E's U_l = W_l A_{l-1}[t] + b_l c[t] and SAF neuron, or (with `ottt`) OTTT's I_l = W_l
 * y_{l-1}[t] + b_l and LIF neuron, then the pooled accumulation A_l = pool(a_hat_l) and spikes
 * y_l = pool(s_l) (SAF-E: only the last layer's). With `ottt.replace`, a wrapped layer (factor
 * other than its input) also runs the Replace forward's W_l p_l + k b_l, into dy (unread).
 * Returns the last hidden layer's A and y (sIn) (A_0 and x for none).
 */
function forward(
  core: LifCore,
  bufs: BatchBuffers,
  batch: number,
  net: LifParams,
  ct: number,
  ottt?: { replace: boolean; hidden: Factor[]; Z?: number },
): { A: number; sIn: number; spikes: number } {
  const ex = core.ex, { lambda, vth, surrogateSlope } = net;
  ex.lifAccumulate(bufs.a0, bufs.x, batch * core.nIn, lambda); // A_0[t]
  let A = bufs.a0, sIn = bufs.x, spikes = 0;
  for (let l = 0; l < bufs.acc.length; l++) {
    const [U, acc, s, g] = [bufs.U[l], bufs.acc[l], bufs.s[l], bufs.g[l]], n = core.span(l);
    if (ottt) {
      if (l === 0 && ottt.Z !== undefined) {
        core.core.f32().copyWithin(U / 4, ottt.Z / 4, ottt.Z / 4 + n);
      } else core.current(l, sIn, 1, U); // I_l[t] = W_l y_{l-1}[t] + b_l
      spikes += ex.otttNeuron(U, bufs.v[l], acc, s, g, n, lambda, vth, surrogateSlope);
      const { pre, k } = ottt.hidden[l];
      if (ottt.replace && !(pre === sIn && k === 1)) core.current(l, pre, k, bufs.dy[l]);
    } else {
      core.current(l, A, ct, U); // U_l[t] = W_l A_{l-1}[t] + b_l c[t]
      spikes += ex.safNeuron(U, acc, s, g, n, lambda, vth, surrogateSlope);
    }
    core.pool(l, acc, bufs.A[l]); // A_l = pool(a_hat_l)
    // y_l = pool(s_l): OTTT's next input; SAF-E reads only the last one (the readout's input)
    if (ottt || l === bufs.acc.length - 1) core.pool(l, s, bufs.y[l]);
    (A = bufs.A[l]), (sIn = bufs.y[l]);
  }
  return { A, sIn, spikes };
}
