/**
 * The GPU buffers of the LIF step (layout in lif_wgsl.ts): the parameters, their gradients and
 * Adam's moments, one f32 buffer each holding every layer ([W_l | b_l] at offset off_w of
 * layer l), which live as long as the runner; and the activations, sized for the largest
 * batch seen so far (re-allocated when a larger one comes). Each set is allocated on a GpuPlan
 * (backend/webgpu/plan.ts) that owns it: closing the plan frees the set.
 *
 * @module
 */
import type { LifNetwork } from "../../lif/network.ts";
import type { GpuPlan } from "../../backend/webgpu/plan.ts";

/** The GPU buffers of a runner (activations sized for its largest batch so far). */
export interface LifBuffers {
  /** Every layer's [W | b], f32. */
  theta: GPUBuffer;
  /** Their gradients (same layout). */
  grad: GPUBuffer;
  /** Adam's first moments (same layout). */
  m1: GPUBuffer;
  /** Adam's second moments (same layout). */
  m2: GPUBuffer;
  /** The input: T steps of [batch, n_0], or one for direct coding. */
  x: GPUBuffer;
  /** The input accumulation A_0 [batch, n_0]. */
  a0: GPUBuffer;
  /** Per hidden layer: a_hat, g, s and delta, [batch, n]. */
  acc: GPUBuffer[];
  /** Per hidden layer: the surrogate derivative g_l [batch, n_l]. */
  deriv: GPUBuffer[];
  /** Per hidden layer: the step's spikes s_l [batch, n_l]. */
  spikes: GPUBuffer[];
  /** Per hidden layer: delta_l [batch, n_l]. */
  delta: GPUBuffer[];
  /** OTTT only: per hidden layer the post-reset potential v [batch, n] (empty for SAF). */
  vpot: GPUBuffer[];
  /** OTTT only: the Replace forward's unread gradient path [batch, max n_l] (4 bytes for SAF). */
  scratch: GPUBuffer;
  /** The readout's logits o[t] [batch, classes]. */
  o: GPUBuffer;
  /** dL[t]/do [batch, classes]. */
  dO: GPUBuffer;
  /** sum_t o[t] [batch, classes]. */
  scores: GPUBuffer;
  /** Each sample's share of the loss, summed over steps [batch]. */
  lossRows: GPUBuffer;
  /** The labels, u32 [batch]. */
  labels: GPUBuffer;
  /** The spike count (atomic u32). */
  stats: GPUBuffer;
  /** (loss, correct, spikes): f32, f32, u32. */
  result: GPUBuffer;
}

/** The parameter buffers and where each layer sits in them. */
export interface LifParamBuffers {
  /** Every layer's [W | b], f32. */
  theta: GPUBuffer;
  /** Their gradients (same layout). */
  grad: GPUBuffer;
  /** Adam's first moments (same layout). */
  m1: GPUBuffer;
  /** Adam's second moments (same layout). */
  m2: GPUBuffer;
  /** The spike count (atomic u32). */
  stats: GPUBuffer;
  /** (loss, correct, spikes): f32, f32, u32. */
  result: GPUBuffer;
}

/**
 * Float offsets of each layer's [W | b] block, and the floats in all of them.
 *
 * @example
 * ```ts
 * import { lifParamOffsets } from "./webgpu_buffers.ts";
 * const l = { w: new Float64Array(6), b: new Float64Array(2) };
 * console.log(lifParamOffsets({ layers: [l, l] })); // { offsets: [ 0, 8 ], total: 16 }
 * ```
 */
export function lifParamOffsets(
  net: { layers: { w: ArrayLike<number>; b: ArrayLike<number> }[] },
): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const l of net.layers) offsets.push(total), (total += l.w.length + l.b.length);
  return { offsets, total };
}

/**
 * The parameter buffers of `net` on `plan`, its weights uploaded as float32, Adam's moments
 * zero.
 *
 * @example
 * ```ts ignore
 * const params = lifParamBuffers(new GpuPlan(ctx, "lif parameters"), net);
 * ```
 */
export function lifParamBuffers(plan: GpuPlan, net: LifNetwork): LifParamBuffers {
  const { offsets, total } = lifParamOffsets(net), theta = new Float32Array(total);
  net.layers.forEach((l, i) => {
    theta.set(l.w, offsets[i]);
    theta.set(l.b, offsets[i] + l.w.length);
  });
  return {
    theta: plan.storage(theta, "lif theta"),
    grad: plan.storage(total * 4, "lif grad"),
    m1: plan.storage(total * 4, "lif adam m"),
    m2: plan.storage(total * 4, "lif adam v"),
    stats: plan.storage(4, "lif stats"),
    result: plan.storage(12, "lif result"),
  };
}

/** The activation buffers: those of {@link LifBuffers} that depend on the batch. */
export type LifActivations = Omit<LifBuffers, keyof LifParamBuffers>;

/**
 * Activation buffers on `plan` for `batch` samples of a net of `sizes` [n_0, ..., n_L], with
 * room for `xFloats` input floats (T steps, or one for direct coding); `ottt` adds OTTT's state.
 *
 * @example
 * ```ts ignore
 * const acts = lifActivations(new GpuPlan(ctx, "lif activations"), [784, 512, 10], 64, 64 * 784);
 * ```
 */
export function lifActivations(
  plan: GpuPlan,
  sizes: number[],
  batch: number,
  xFloats: number,
  ottt = false,
): LifActivations {
  const K = sizes[sizes.length - 1], s = (n: number, label: string) => plan.storage(n * 4, label);
  const hid = (label: string) => sizes.slice(1, -1).map((n) => s(batch * n, label));
  return {
    x: s(xFloats, "lif x"),
    a0: s(batch * sizes[0], "lif A0"),
    acc: hid("lif a_hat"),
    deriv: hid("lif g"),
    spikes: hid("lif s"),
    delta: hid("lif delta"),
    vpot: ottt ? hid("lif v") : [],
    scratch: s(ottt ? batch * Math.max(...sizes.slice(1)) : 1, "lif grad path"),
    o: s(batch * K, "lif o"),
    dO: s(batch * K, "lif dO"),
    scores: s(batch * K, "lif scores"),
    lossRows: s(batch, "lif loss rows"),
    labels: s(batch, "lif labels"),
  };
}

/**
 * Float32 parameters in the buffers' layout to [W_1, b_1, W_2, b_2, ...] float64 arrays.
 *
 * @example
 * ```ts
 * import { splitLifParams } from "./webgpu_buffers.ts";
 * const net = { layers: [{ w: new Float64Array(2), b: new Float64Array(1) }] };
 * console.log(splitLifParams(new Float32Array([1, 2, 3]), net)[1][0]); // 3
 * ```
 */
export function splitLifParams(
  flat: Float32Array,
  net: { layers: { w: ArrayLike<number>; b: ArrayLike<number> }[] },
): Float64Array[] {
  const { offsets } = lifParamOffsets(net);
  return net.layers.flatMap((l, i) => {
    const o = offsets[i], n = l.w.length;
    return [
      Float64Array.from(flat.subarray(o, o + n)),
      Float64Array.from(flat.subarray(o + n, o + n + l.b.length)),
    ];
  });
}
