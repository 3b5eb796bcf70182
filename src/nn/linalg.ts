/**
 * Dense linear algebra for Jacobian spectra, float64, row-major [rows, cols]:
 *
 * - `matmul`: C = A B.
 * - `singularValues`: one-sided Jacobi (Hestenes): rotate pairs of columns of a copy of A (or
 *   of A^T, whichever has fewer columns) until every pair is orthogonal to 1e-15 relative;
 *   the singular values are then the column norms. Accurate to about eps * sigma_max for
 *   every singular value (no squaring, unlike eig(A^T A)).
 * - eigenvalues: see `eigen.ts`.
 *
 * @module
 */
import { ShapeError, ValueError } from "../errors.ts";

/**
 * The Euclidean norm of a vector (or the Frobenius norm of a matrix).
 *
 * @example
 * ```ts
 * import { l2Norm } from "./linalg.ts";
 * console.log(l2Norm(new Float64Array([3, 4]))); // 5
 * ```
 */
export function l2Norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * a[k];
  return Math.sqrt(s);
}

/**
 * The largest |a - b| over matching entries of two lists of arrays (e.g. two networks' parameters).
 *
 * @example
 * ```ts
 * import { maxAbsDifference } from "./linalg.ts";
 * console.log(maxAbsDifference([new Float64Array([1, 2])], [new Float64Array([1, 2.5])])); // 0.5
 * ```
 */
export function maxAbsDifference(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  if (a.length !== b.length) throw new ShapeError(`${a.length} arrays against ${b.length}`);
  let m = 0;
  for (let p = 0; p < a.length; p++) {
    if (a[p].length !== b[p].length) {
      throw new ShapeError(`array ${p} has ${a[p].length} entries against ${b[p].length}`);
    }
    for (let k = 0; k < a[p].length; k++) m = Math.max(m, Math.abs(a[p][k] - b[p][k]));
  }
  return m;
}

/**
 * C = A B for A [m, k] and B [k, n].
 *
 * @example
 * ```ts
 * import { matmul } from "./linalg.ts";
 * console.log(matmul(new Float64Array([1, 2]), new Float64Array([3, 4]), 1, 2, 1)); // Float64Array [11]
 * ```
 */
export function matmul(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
): Float64Array {
  if (A.length !== m * k || B.length !== k * n) {
    throw new ShapeError(`matmul: [${m}x${k}] (${A.length}) times [${k}x${n}] (${B.length})`);
  }
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
    }
  }
  return C;
}

/**
 * Singular values of A [rows, cols], largest first (min(rows, cols) of them).
 *
 * @example
 * ```ts
 * import { singularValues } from "./linalg.ts";
 * console.log(singularValues(new Float64Array([3, 0, 0, -2]), 2, 2)); // Float64Array [3, 2]
 * ```
 */
export function singularValues(A: Float64Array, rows: number, cols: number): Float64Array {
  if (A.length !== rows * cols) {
    throw new ShapeError(`A has ${A.length} entries, not ${rows}x${cols}`);
  }
  for (const v of A) if (!Number.isFinite(v)) throw new ValueError(`singularValues: A has ${v}`);
  // work on column vectors stored contiguously: n columns of length m, n = min(rows, cols)
  const tall = rows >= cols, m = tall ? rows : cols, n = tall ? cols : rows;
  const U = new Float64Array(n * m);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) U[tall ? c * m + r : r * m + c] = A[r * cols + c];
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let a = 0, b = 0, g = 0;
        for (let k = 0; k < m; k++) {
          const x = U[p * m + k], y = U[q * m + k];
          a += x * x;
          b += y * y;
          g += x * y;
        }
        if (Math.abs(g) <= 1e-15 * Math.sqrt(a * b) || g === 0) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let k = 0; k < m; k++) {
          const x = U[p * m + k], y = U[q * m + k];
          U[p * m + k] = c * x - s * y;
          U[q * m + k] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += U[p * m + k] * U[p * m + k];
    sv[p] = Math.sqrt(s);
  }
  return sv.sort().reverse();
}
