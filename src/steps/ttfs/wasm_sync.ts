/**
 * The control buffer of a data-parallel TTFS step (`wasm_workers.ts`): one SharedArrayBuffer
 * holding the control words, each participant's figures and the workers' rows, the waits and
 * barriers on it, and the step's result from the participants' shares. Layout:
 *
 *   [0, 64)         Int32 control words: SEQ (step number, -1: stop), ARRIVED, SUMS and DONE
 *                   (counters: backward passes done, norm terms posted, Adam steps taken),
 *                   READY (workers started), FAILED, BATCH (rows)
 *   [64, x)         Float64 figures, one row per participant: loss, twin loss, correct, twin
 *                   correct, the max activation per hidden layer, then its range's sums of
 *                   squares of the weight gradients per layer (`formRange`, wasm_ranges.ts)
 *   [x, labels)     Float64 rows of the batch (float64: decoded as the caller decodes its own)
 *   [labels, parts) Int32 labels
 *   [parts, end)    Int32 (cols, dA, R) per participant, model and layer: where its dense
 *                   layers' operands of the weight gradient lie (`wasm_ranges.ts`)
 *
 * @module
 */
import { SpikeproofError } from "../../errors.ts";
import type { TwinStepResult } from "./step.ts";
import type { DeferredGrad } from "./wasm_ranges.ts";

/** Summed (not mean) losses and counts over the rows a core ran, and the SNN's max a. */
export interface TwinShare {
  loss: number;
  twinLoss: number;
  correct: number;
  twinCorrect: number;
  /** Per hidden layer, the largest activation tmax - t (0 if none fired). */
  maxActivation: number[];
}

/** The control words' indices (module doc). */
export const SEQ = 0, ARRIVED = 1, READY = 2, FAILED = 3, BATCH = 4, DONE = 5, SUMS = 6;

/**
 * Typed views of the control buffer for n participants, batches up to `cap` rows of
 * `sizes[0]` inputs, and `sums` sums of squares per participant (or its size in bytes alone).
 */
export function views(
  sab: SharedArrayBuffer | null,
  n: number,
  cap: number,
  sizes: number[],
  sums: number,
) {
  const nIn = sizes[0], hidden = sizes.length - 2, per = 4 + hidden + sums;
  const statsAt = 64, xAt = statsAt + n * per * 8;
  const labelsAt = xAt + Math.ceil((cap * nIn * 8) / 16) * 16, partsAt = labelsAt + cap * 4;
  const slots = 2 * (sizes.length - 1), bytes = partsAt + n * slots * 3 * 4;
  if (!sab) return { bytes };
  return {
    bytes,
    ctl: new Int32Array(sab, 0, 16),
    stats: new Float64Array(sab, statsAt, n * per),
    per,
    hidden,
    x: new Float64Array(sab, xAt, cap * nIn), // float64: decoded as the caller decodes its rows
    labels: new Int32Array(sab, labelsAt, cap),
    parts: new Int32Array(sab, partsAt, n * slots * 3),
    slots,
  };
}
export type Views = Required<ReturnType<typeof views>>;

/**
 * Milliseconds a wait spins before it sleeps: a step's barriers are a fraction of a millisecond
 * apart, and waking a thread from Atomics.wait (a futex) costs about as much on a virtual
 * machine's cores. A spin counted in loads ran out at different times in V8 and JavaScriptCore.
 */
const SPIN_MS = 2;

/** Waits until ctl[i] satisfies `ok` (spinning first, then sleeping); throws if a worker failed. */
export function waitFor(ctl: Int32Array, i: number, ok: (v: number) => boolean): number {
  const until = performance.now() + SPIN_MS;
  for (let k = 0;; k++) {
    const v = Atomics.load(ctl, i);
    if (ok(v)) return v;
    if ((k & 1023) === 1023 && performance.now() > until) break;
  }
  for (;;) {
    const v = Atomics.load(ctl, i);
    if (ok(v)) return v;
    if (Atomics.load(ctl, FAILED)) {
      throw new SpikeproofError("a training worker failed (see its error above)");
    }
    Atomics.wait(ctl, i, v, 20);
  }
}

/** Participant w's rows [r0, r1) of a batch of B over n participants. */
export const rowsOf = (w: number, n: number, B: number) => [
  Math.floor((w * B) / n),
  Math.floor(((w + 1) * B) / n),
];

/** Arrives at counter i (and wakes whoever sleeps on it), without waiting. */
export function arrive(ctl: Int32Array, i: number): void {
  Atomics.add(ctl, i, 1);
  Atomics.notify(ctl, i);
}

/** Arrives at counter i and waits until all n participants of step k have. */
export function barrier(ctl: Int32Array, i: number, n: number, k: number): void {
  arrive(ctl, i);
  waitFor(ctl, i, (a) => a >= n * k);
}

/** Participant w's figures (its share of the losses and counts, its max activations). */
export function writeShare(v: Views, w: number, s: TwinShare): void {
  v.stats.set([s.loss, s.twinLoss, s.correct, s.twinCorrect, ...s.maxActivation], w * v.per);
}

/** Participant w's sums of squares over its range of the summed gradients. */
export function writeSums(v: Views, w: number, sums: number[]): void {
  v.stats.set(sums, w * v.per + 4 + v.hidden);
}

/** Participant w's operands of the dense layers' weight gradients (none: R = 0). */
export function writeParts(v: Views, w: number, parts: DeferredGrad[]): void {
  const at = w * v.slots * 3, L = v.slots / 2;
  v.parts.fill(0, at, at + v.slots * 3);
  for (const p of parts) v.parts.set([p.cols, p.dA, p.R], at + (p.m * L + p.l) * 3);
}

/** Every participant's operands of model m's dense layer l, in participant order. */
export function readParts(v: Views, n: number, m: number, l: number): DeferredGrad[] {
  const L = v.slots / 2;
  return Array.from({ length: n }, (_, w) => {
    const at = w * v.slots * 3 + (m * L + l) * 3;
    return { m, l, cols: v.parts[at], dA: v.parts[at + 1], R: v.parts[at + 2] };
  });
}

/** Participant w's share (its figures) from the control buffer. */
export function readShare(v: Views, w: number): TwinShare {
  const r = v.stats.subarray(w * v.per, (w + 1) * v.per);
  return {
    loss: r[0],
    twinLoss: r[1],
    correct: r[2],
    twinCorrect: r[3],
    maxActivation: [...r.subarray(4, 4 + v.hidden)],
  };
}

/** The sums of squares of all n participants' ranges, added in participant order. */
export function readSums(v: Views, n: number): number[] {
  const at = 4 + v.hidden, total = new Array<number>(v.per - at).fill(0);
  for (let w = 0; w < n; w++) {
    const r = v.stats.subarray(w * v.per + at, (w + 1) * v.per);
    r.forEach((x, i) => (total[i] += x));
  }
  return total;
}

/** Means over the batch from the summed shares, and the gradient norms. */
export function stepResult(
  shares: TwinShare[],
  batch: number,
  norms: { snn: number[]; twin: number[] },
): TwinStepResult {
  const sum = (k: "loss" | "twinLoss" | "correct" | "twinCorrect") =>
    shares.reduce((s, r) => s + r[k], 0);
  return {
    loss: sum("loss") / batch,
    twinLoss: sum("twinLoss") / batch,
    correct: sum("correct"),
    twinCorrect: sum("twinCorrect"),
    gradNorms: norms.snn,
    twinGradNorms: norms.twin,
    maxActivation: shares[0].maxActivation.map((_, n) =>
      Math.max(...shares.map((s) => s.maxActivation[n]))
    ),
  };
}
