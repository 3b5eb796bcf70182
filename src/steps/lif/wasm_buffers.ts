/**
 * What a batch of the fused wasm LIF step (`wasm_core.ts`) is told, and the buffers it lays out
 * above the core's resident block: the step's input x, the input trace A_0, per hidden layer
 * (sized by its neurons, before pooling) the trace a_hat (acc), U (or u), the post-reset
 * potential v, spikes s, surrogate factors g and the backward's delta (dy); per pooled layer
 * its pooled accumulation A, pooled spikes y and dL/dy (dyp) (aliases of acc, s and dy where
 * the layer pools nothing); per conv layer its patch matrix (cols), and one cols gradient;
 * then the logits o, dL/do, the summed scores, the labels, and the kernels' scratch.
 *
 * With `steps` = T (BPTT) x, s, y, g and dO hold every step's values, step t at float offset
 * t x (one step's size): the history the backward through time reads; acc is then BPTT's carry
 * delta_l[t+1]. The memory of a batch grows with T only there.
 *
 * @module
 */
import type { CoreExports, WasmCore } from "../../backend/wasm/core.ts";
import { type LifSlot, scratchBytes } from "./wasm_layers.ts";

/** The method, how a batch's loss and readout gradient are formed (`lif/method.ts`), a probe. */
export interface LifBatchOptions {
  /**
   * SAF-E's forward (U = W A + c b, the SAF neuron), OTTT's (I = W s + b, the LIF neuron), or
   * a method that updates once per batch: SAF-F, Spike Representation or BPTT.
   */
  forward: "saf" | "ottt" | "saf-f" | "spikerep" | "bptt";
  /** OTTT's variant: "official" gives layer 1 x[t] and every bias 1 as factors (`MethodOptions`). */
  variant: "trace" | "official";
  /** Adam after every step (SAF-E, OTTT_O) or once per batch on the summed gradients. */
  update: "step" | "batch";
  /** Weight m of the MSE term (SPEC B2). */
  mseWeight: number;
  /** SAF-E and OTTT: the readout's presynaptic factor, its input accumulation or spikes. */
  readout: "trace" | "spike";
  /**
   * OTTT: "lean" (default; one product per layer) or "replace", which also computes the
   * authors' Replace forward's W a_hat_in + k b per wrapped layer and step (`otttLinear` in
   * src/lif/ottt.ts), whose value no gradient reads: the same results at the authors' cost.
   */
  otttForward?: "replace" | "lean";
  /**
   * Called at every step after the forward with each hidden layer's spikes and U[t] (SAF: W A
   * + c b; the LIF neuron: the potential u[t]), for tests.
   */
  probe?: (t: number, layers: { U: Float32Array; s: Float32Array }[]) => void;
}

/** The kernels of core-as/assembly/lif_batch.ts and lif_conv.ts (their equations are there). */
export interface LifBatchKernels {
  /** (U, acc, s, n, lambda, vth): the SAF neuron's spikes and a_hat; returns the spikes. */
  safFire(...a: [number, number, number, number, number, number]): number;
  /**
   * (I, v, s, g, n, lambda, vth, slope): the LIF neuron, u into I, spikes into s, the soft
   * reset into v, surrogate factors into g unless g is 0; returns the spikes.
   */
  lifNeuron(...a: [number, number, number, number, number, number, number, number]): number;
  /** (a, n, c): a *= c. */
  lifScale(a: number, n: number, c: number): void;
  /** (z, g, n, vth): g = [0 <= z <= V_th] / V_th. */
  spikeRepWindow(z: number, g: number, n: number, vth: number): void;
  /**
   * (dz, p, dWt, dbias, rows, nIn, nOut, k, scratch): lifWeightGrad with the sum over the rows
   * in the GEMM's inner loop (core-as/assembly/lif_conv.ts), for a conv layer's patch rows.
   */
  lifWeightGradRows(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): void;
  /** (nIn, nOut): lifWeightGradRows' own scratch bytes (before the GEMM's). */
  weightGradRowsBytes(nIn: number, nOut: number): number;
}

/**
 * The core's exports with lif_batch.ts's kernels typed.
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { lifKernels } from "./wasm_buffers.ts";
 * console.log(typeof lifKernels(new WasmCore()).lifNeuron); // "function"
 * ```
 */
export function lifKernels(c: WasmCore): CoreExports & LifBatchKernels {
  return c.exports as CoreExports & LifBatchKernels;
}

/** A batch's buffers (byte offsets) above the resident block (module header). */
export interface BatchBuffers {
  x: number;
  a0: number;
  acc: number[];
  U: number[];
  /** OTTT's, Spike Representation's and BPTT's post-reset potentials (empty for SAF: its neuron
   * keeps only the accumulation, SPEC B3, which is SAF's memory saving). */
  v: number[];
  s: number[];
  g: number[];
  dy: number[];
  A: number[];
  y: number[];
  dyp: number[];
  cols: number[];
  dcols: number;
  o: number;
  dO: number;
  scores: number;
  labels: number;
  w: number;
  scratch: number;
}

/**
 * Allocates and zeroes a batch's buffers for the layers `slots` (`lifSlots`) at the core's top,
 * x, s, y, g and dO for `steps` steps (the module header), and writes the labels (int32).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { batchBuffers } from "./wasm_buffers.ts";
 * import { lifSlots } from "./wasm_layers.ts";
 * const { slots } = lifSlots([{ nIn: 4, nOut: 3 }, { nIn: 3, nOut: 2 }]);
 * const bufs = batchBuffers(new WasmCore(), slots, 2, [0, 1]);
 * console.log(bufs.acc.length); // 1 hidden layer
 * ```
 */
export function batchBuffers(
  c: WasmCore,
  slots: LifSlot[],
  batch: number,
  labels: ArrayLike<number>,
  steps = 1,
  potential = true,
): BatchBuffers {
  const zeros = (n: number) => {
    const p = c.alloc(n * 4);
    c.f32().fill(0, p / 4, p / 4 + n);
    return p;
  };
  const hidden = slots.slice(0, -1), top = slots[slots.length - 1];
  const layer = (k = 1) => hidden.map((s) => zeros(k * batch * s.neurons));
  const [acc, s, dy] = [layer(), layer(steps), layer()];
  const pooled = (own: number[], k = 1) =>
    hidden.map((h, l) => (h.pool ? zeros(k * batch * h.nOut) : own[l]));
  const cols = slots.map((h) => (h.conv ? zeros(batch * h.P * h.K) : 0));
  const patches = Math.max(0, ...slots.slice(1).map((h) => (h.conv ? batch * h.P * h.K : 0)));
  const bufs: BatchBuffers = {
    x: zeros(steps * batch * slots[0].nIn),
    a0: zeros(batch * slots[0].nIn),
    acc,
    U: layer(),
    v: potential ? layer() : [],
    s,
    g: layer(steps),
    dy,
    A: pooled(acc),
    y: pooled(s, steps),
    dyp: pooled(dy),
    cols,
    dcols: zeros(patches),
    o: zeros(batch * top.N),
    dO: zeros(steps * batch * top.N),
    scores: zeros(batch * top.N),
    labels: c.alloc(batch * 4),
    w: c.alloc(4 * Math.max(1, ...slots.map((h) => h.K * h.N))),
    scratch: c.alloc(scratchBytes(c.exports, slots, batch * steps)), // BPTT: all steps' rows
  };
  const i32 = new Int32Array(c.exports.memory.buffer, bufs.labels, batch);
  for (let b = 0; b < batch; b++) i32[b] = labels[b];
  return bufs;
}
