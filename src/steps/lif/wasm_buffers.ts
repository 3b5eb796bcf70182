/**
 * What a batch of the fused wasm LIF step (`wasm_core.ts`) is told, and the buffers it lays out
 * above the core's resident block: the step's input x, the input trace A_0, per hidden layer
 * the trace a_hat (acc), U (or u), OTTT's post-reset potential v, spikes s, surrogate factors g
 * and the backward's dL/dy, then the logits o, dL/do, the summed scores, the labels, and the
 * kernels' scratch.
 *
 * @module
 */
import type { WasmCore } from "../../backend/wasm/core.ts";

/** The method, how a batch's loss and readout gradient are formed (`lif/method.ts`), a probe. */
export interface LifBatchOptions {
  /** SAF-E's forward (U = W A + c b, the SAF neuron) or OTTT's (I = W s + b, the LIF neuron). */
  forward: "saf" | "ottt";
  /** OTTT's variant: "official" gives layer 1 x[t] and every bias 1 as factors (`MethodOptions`). */
  variant: "trace" | "official";
  /** Adam after every step (SAF-E, OTTT_O) or once per batch on the summed gradients (OTTT_A). */
  update: "step" | "batch";
  /** Weight m of the MSE term (SPEC B2). */
  mseWeight: number;
  /** The readout's presynaptic factor: its input accumulation or its input spikes. */
  readout: "trace" | "spike";
  /**
   * Called at every step after the forward with each hidden layer's spikes and U[t] (SAF-E:
   * W A + c b; OTTT: the potential u[t]), for tests.
   */
  probe?: (t: number, layers: { U: Float32Array; s: Float32Array }[]) => void;
}

/** A batch's buffers (byte offsets) above the resident block. */
export interface BatchBuffers {
  x: number;
  a0: number;
  acc: number[];
  U: number[];
  v: number[];
  s: number[];
  g: number[];
  dy: number[];
  o: number;
  dO: number;
  scores: number;
  labels: number;
  w: number;
  scratch: number;
}

/**
 * Allocates and zeroes a batch's buffers for dense layer `sizes` (input first) at the core's
 * top, and writes the labels (int32).
 *
 * @example
 * ```ts
 * import { WasmCore } from "../../backend/wasm/core.ts";
 * import { batchBuffers } from "./wasm_buffers.ts";
 * const bufs = batchBuffers(new WasmCore(), [4, 3, 2], 2, [0, 1]);
 * console.log(bufs.acc.length); // 1 hidden layer
 * ```
 */
export function batchBuffers(
  c: WasmCore,
  S: number[],
  batch: number,
  labels: ArrayLike<number>,
): BatchBuffers {
  const ex = c.exports, L = S.length - 1;
  const zeros = (n: number) => {
    const p = c.alloc(n * 4);
    c.f32().fill(0, p / 4, p / 4 + n);
    return p;
  };
  const hidden = S.slice(1, L), layer = () => hidden.map((n) => zeros(batch * n));
  const classes = S[L], widest = Math.max(batch, ...S);
  const weights = Math.max(1, ...S.slice(1).map((n, l) => S[l] * n));
  const bufs: BatchBuffers = {
    x: zeros(batch * S[0]),
    a0: zeros(batch * S[0]),
    acc: layer(),
    U: layer(),
    v: layer(),
    s: layer(),
    g: layer(),
    dy: layer(),
    o: zeros(batch * classes),
    dO: zeros(batch * classes),
    scores: zeros(batch * classes),
    labels: c.alloc(batch * 4),
    w: c.alloc(4 * weights),
    scratch: c.alloc(ex.denseScratchBytes(widest, 0, 0, 0) + ex.gemmScratchBytes(widest, widest)),
  };
  const i32 = new Int32Array(ex.memory.buffer, bufs.labels, batch);
  for (let b = 0; b < batch; b++) i32[b] = labels[b];
  return bufs;
}
