/**
 * Non-overlapping 2-D pooling on NHWC images (window = stride = size; rows and columns that do
 * not fill a window are dropped, as in PyTorch's default floor mode).
 *
 *   x  [batch, h, w, c]   ->   y  [batch, floor(h / size), floor(w / size), c]
 *
 * Max-pool in a TTFS network is the min over spike times (SPEC A8): the first spike in the
 * window passes. `poolArgmax` returns, for every output, the flat index into x of the winner,
 * so one function serves the ReLU twin (largest activation) and the SNN (earliest spike), and
 * the backward pass routes the gradient to that one input. Avg-pool serves the LIF networks.
 *
 * @module
 */
import { OptionError, ShapeError } from "../errors.ts";

/** The shape of a pooled image. */
export interface PoolGeometry {
  /** Input image height (before pooling). */
  h: number;
  /** Input image width (before pooling). */
  w: number;
  /** Channels (pooled separately). */
  c: number;
  /** Window side, equal to the stride. */
  size: number;
}

function pooledShape(g: PoolGeometry, n: number, batch: number): { ph: number; pw: number } {
  if (!Number.isInteger(g.size) || g.size < 1) throw new OptionError(`pool size ${g.size} < 1`);
  const ph = Math.floor(g.h / g.size), pw = Math.floor(g.w / g.size);
  if (ph < 1 || pw < 1) {
    throw new OptionError(`a ${g.size}x${g.size} pool does not fit ${g.h}x${g.w}`);
  }
  if (n !== batch * g.h * g.w * g.c) {
    throw new ShapeError(`pool input has ${n} values; expected ${batch}x${g.h}x${g.w}x${g.c}`);
  }
  return { ph, pw };
}

/**
 * For every pooled output, the flat index into x of its window's largest score; ties go to
 * the first in row-major window order.
 *
 * @example
 * ```ts
 * import { poolArgmax } from "./pool.ts";
 * const idx = poolArgmax(new Float64Array([1, 5, 3, 2]), 1, { h: 2, w: 2, c: 1, size: 2 });
 * console.log([...idx]); // [1]
 * ```
 */
// spec A8
export function poolArgmax(score: Float64Array, batch: number, g: PoolGeometry): Int32Array {
  const { ph, pw } = pooledShape(g, score.length, batch);
  const idx = new Int32Array(batch * ph * pw * g.c).fill(-1);
  forEachWindowEntry(batch, g, ph, pw, (o, k) => {
    if (idx[o] < 0 || score[k] > score[idx[o]]) idx[o] = k;
  });
  return idx;
}

/**
 * y[o] = x[idx[o]]: the pooled values chosen by `poolArgmax`.
 *
 * @example
 * ```ts
 * import { gatherAt } from "./pool.ts";
 * console.log([...gatherAt(new Float64Array([7, 8, 9]), new Int32Array([2, 0]))]); // [9, 7]
 * ```
 */
// spec A8
export function gatherAt(x: Float64Array, idx: Int32Array): Float64Array {
  const y = new Float64Array(idx.length);
  for (let o = 0; o < idx.length; o++) y[o] = x[idx[o]];
  return y;
}

/**
 * The max-pool backward: dx (length n, zero elsewhere) with dx[idx[o]] += dy[o].
 *
 * @example
 * ```ts
 * import { scatterAt } from "./pool.ts";
 * console.log([...scatterAt(new Float64Array([5]), new Int32Array([1]), 3)]); // [0, 5, 0]
 * ```
 */
// spec A8
export function scatterAt(dy: Float64Array, idx: Int32Array, n: number): Float64Array {
  const dx = new Float64Array(n);
  for (let o = 0; o < idx.length; o++) dx[idx[o]] += dy[o];
  return dx;
}

/**
 * Average pool: y = mean of each window.
 *
 * @example
 * ```ts
 * import { avgPoolForward } from "./pool.ts";
 * console.log([...avgPoolForward(new Float64Array([1, 2, 3, 6]), 1, { h: 2, w: 2, c: 1, size: 2 })]); // [3]
 * ```
 */
// spec B1
export function avgPoolForward(x: Float64Array, batch: number, g: PoolGeometry): Float64Array {
  const { ph, pw } = pooledShape(g, x.length, batch);
  const y = new Float64Array(batch * ph * pw * g.c), inv = 1 / (g.size * g.size);
  forEachWindowEntry(batch, g, ph, pw, (o, k) => (y[o] += x[k] * inv));
  return y;
}

/**
 * Average-pool backward: every input of a window gets dy / size^2.
 *
 * @example
 * ```ts
 * import { avgPoolBackward } from "./pool.ts";
 * console.log([...avgPoolBackward(new Float64Array([4]), 1, { h: 2, w: 2, c: 1, size: 2 })]); // [1, 1, 1, 1]
 * ```
 */
// spec B2
export function avgPoolBackward(dy: Float64Array, batch: number, g: PoolGeometry): Float64Array {
  const dx = new Float64Array(batch * g.h * g.w * g.c);
  const { ph, pw } = pooledShape(g, dx.length, batch), inv = 1 / (g.size * g.size);
  if (dy.length !== batch * ph * pw * g.c) {
    throw new ShapeError(
      `pool gradient has ${dy.length} values; expected ${batch}x${ph}x${pw}x${g.c}`,
    );
  }
  forEachWindowEntry(batch, g, ph, pw, (o, k) => (dx[k] += dy[o] * inv));
  return dx;
}

/** Calls f(output index, input index) for every input of every window. */
function forEachWindowEntry(
  batch: number,
  { h, w, c, size }: PoolGeometry,
  ph: number,
  pw: number,
  f: (o: number, k: number) => void,
): void {
  for (let b = 0, o = 0; b < batch; b++) {
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        for (let ch = 0; ch < c; ch++, o++) {
          for (let dy = 0; dy < size; dy++) {
            for (let dx = 0; dx < size; dx++) {
              f(o, ((b * h + py * size + dy) * w + px * size + dx) * c + ch);
            }
          }
        }
      }
    }
  }
}
