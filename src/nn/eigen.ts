/**
 * Eigenvalues of a dense square matrix, float64, row-major [n, n], for Jacobian spectra:
 * balance (scale rows and columns by powers of 2 so their norms match, the EISPACK `balanc`
 * step, which leaves eigenvalues unchanged and helps badly scaled matrices such as M B^-1 J),
 * reduce to upper Hessenberg form by Householder reflections, then the Francis double-shift QR
 * iteration (the EISPACK `hqr` scheme, with an exceptional shift every 10 iterations) deflates
 * 1x1 and 2x2 blocks; returns real and imaginary parts, complex pairs adjacent.
 *
 * @module
 */
import { ShapeError, ValueError } from "../errors.ts";

/** Eigenvalues of a square matrix: real and imaginary parts. */
export interface Eigenvalues {
  /** Real parts, one per eigenvalue (n of them). */
  re: Float64Array;
  /** Imaginary parts, aligned with `re` (0 for a real eigenvalue). */
  im: Float64Array;
}

/**
 * Eigenvalues of A [n, n], in no particular order; complex ones come in adjacent conjugate pairs.
 *
 * @example
 * ```ts
 * import { eigenvalues } from "./eigen.ts";
 * const e = eigenvalues(new Float64Array([0, -1, 1, 0]), 2); // rotation by 90 degrees
 * console.log([...e.im].map(Math.abs)); // [1, 1]
 * ```
 */
export function eigenvalues(A: Float64Array, n: number): Eigenvalues {
  if (A.length !== n * n) throw new ShapeError(`A has ${A.length} entries, not ${n}x${n}`);
  for (const v of A) if (!Number.isFinite(v)) throw new ValueError(`eigenvalues: A has ${v}`);
  const H = A.slice(), at = (i: number, j: number) => i * n + j;
  balance(H, n);
  // Householder reduction to upper Hessenberg form
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += H[at(i, k)] ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    if (H[at(k + 1, k)] > 0) alpha = -alpha;
    const v = new Float64Array(n);
    v[k + 1] = H[at(k + 1, k)] - alpha;
    for (let i = k + 2; i < n; i++) v[i] = H[at(i, k)];
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) { // H <- (I - 2vv^T/vv) H
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * H[at(i, j)];
      s = (2 * s) / vv;
      for (let i = k + 1; i < n; i++) H[at(i, j)] -= s * v[i];
    }
    for (let i = 0; i < n; i++) { // H <- H (I - 2vv^T/vv)
      let s = 0;
      for (let j = k + 1; j < n; j++) s += H[at(i, j)] * v[j];
      s = (2 * s) / vv;
      for (let j = k + 1; j < n; j++) H[at(i, j)] -= s * v[j];
    }
  }
  return hessenbergQr(H, n);
}

/** Balance a square matrix in place by diagonal similarity with powers of 2 (EISPACK balanc). */
function balance(a: Float64Array, n: number): void {
  const RADIX = 2, sqrdx = RADIX * RADIX;
  for (let done = false; !done;) {
    done = true;
    for (let i = 0; i < n; i++) {
      let r = 0, c = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      let g = r / RADIX, f = 1;
      const s = c + r;
      while (c < g) (f *= RADIX), (c *= sqrdx);
      g = r * RADIX;
      while (c > g) (f /= RADIX), (c /= sqrdx);
      if ((c + r) / f < 0.95 * s) {
        done = false;
        g = 1 / f;
        for (let j = 0; j < n; j++) a[i * n + j] *= g;
        for (let j = 0; j < n; j++) a[j * n + i] *= f;
      }
    }
  }
}

/** Francis double-shift QR on an upper Hessenberg matrix (EISPACK hqr), in place. */
function hessenbergQr(a: Float64Array, n: number): Eigenvalues {
  const re = new Float64Array(n), im = new Float64Array(n), h = (i: number, j: number) => i * n + j;
  let anorm = 0;
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(a[h(i, j)]);
  }
  let nn = n - 1, t = 0;
  while (nn >= 0) {
    let its = 0, l: number;
    do {
      for (l = nn; l >= 1; l--) {
        const s = Math.abs(a[h(l - 1, l - 1)]) + Math.abs(a[h(l, l)]);
        if (Math.abs(a[h(l, l - 1)]) <= Number.EPSILON * (s === 0 ? anorm : s)) {
          a[h(l, l - 1)] = 0;
          break;
        }
      }
      const x = a[h(nn, nn)];
      if (l === nn) { // one root found
        re[nn] = x + t;
        im[nn--] = 0;
      } else {
        const y = a[h(nn - 1, nn - 1)], w = a[h(nn, nn - 1)] * a[h(nn - 1, nn)];
        if (l === nn - 1) { // two roots found
          const p = 0.5 * (y - x), q = p * p + w, z = Math.sqrt(Math.abs(q));
          const xs = x + t;
          if (q >= 0) {
            const zz = p + (p >= 0 ? z : -z);
            re[nn - 1] = re[nn] = xs + zz;
            if (zz !== 0) re[nn] = xs - w / zz;
            im[nn - 1] = im[nn] = 0;
          } else {
            re[nn - 1] = re[nn] = xs + p;
            im[nn - 1] = -z;
            im[nn] = z;
          }
          nn -= 2;
        } else {
          if (its === 300) throw new ValueError("eigenvalues: QR iteration did not converge");
          let xx = x, yy = y, ww = w;
          if (its % 10 === 0 && its > 0) { // exceptional shift
            t += xx;
            for (let i = 0; i <= nn; i++) a[h(i, i)] -= xx;
            const s = Math.abs(a[h(nn, nn - 1)]) + Math.abs(a[h(nn - 1, nn - 2)]);
            yy = xx = 0.75 * s;
            ww = -0.4375 * s * s;
          }
          its++;
          francisStep(a, n, l, nn, xx, yy, ww);
        }
      }
    } while (l < nn - 1);
  }
  return { re, im };
}

/** One double-shift QR sweep on rows/columns l..nn with shifts from x, y, w. */
function francisStep(
  a: Float64Array,
  n: number,
  l: number,
  nn: number,
  x: number,
  y: number,
  w: number,
) {
  const h = (i: number, j: number) => i * n + j;
  let m: number, p = 0, q = 0, r = 0, z: number;
  for (m = nn - 2; m >= l; m--) {
    z = a[h(m, m)];
    const rr = x - z, s0 = y - z;
    p = (rr * s0 - w) / a[h(m + 1, m)] + a[h(m, m + 1)];
    q = a[h(m + 1, m + 1)] - z - rr - s0;
    r = a[h(m + 2, m + 1)];
    const s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m === l) break;
    const u = Math.abs(a[h(m, m - 1)]) * (Math.abs(q) + Math.abs(r));
    const v = Math.abs(p) *
      (Math.abs(a[h(m - 1, m - 1)]) + Math.abs(z) + Math.abs(a[h(m + 1, m + 1)]));
    if (u <= Number.EPSILON * v) break;
  }
  for (let i = m + 2; i <= nn; i++) {
    a[h(i, i - 2)] = 0;
    if (i !== m + 2) a[h(i, i - 3)] = 0;
  }
  for (let k = m; k <= nn - 1; k++) {
    if (k !== m) {
      p = a[h(k, k - 1)];
      q = a[h(k + 1, k - 1)];
      r = k !== nn - 1 ? a[h(k + 2, k - 1)] : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x === 0) continue;
      p /= x;
      q /= x;
      r /= x;
    }
    const s = (p >= 0 ? 1 : -1) * Math.sqrt(p * p + q * q + r * r);
    if (s === 0) continue;
    if (k === m) {
      if (l !== m) a[h(k, k - 1)] = -a[h(k, k - 1)];
    } else a[h(k, k - 1)] = -s * x;
    p += s;
    x = p / s;
    y = q / s;
    z = r / s;
    q /= p;
    r /= p;
    for (let j = k; j <= nn; j++) {
      p = a[h(k, j)] + q * a[h(k + 1, j)];
      if (k !== nn - 1) {
        p += r * a[h(k + 2, j)];
        a[h(k + 2, j)] -= p * z;
      }
      a[h(k + 1, j)] -= p * y;
      a[h(k, j)] -= p * x;
    }
    const mmin = nn < k + 3 ? nn : k + 3;
    for (let i = l; i <= mmin; i++) {
      p = x * a[h(i, k)] + y * a[h(i, k + 1)];
      if (k !== nn - 1) {
        p += z * a[h(i, k + 2)];
        a[h(i, k + 2)] -= p * r;
      }
      a[h(i, k + 1)] -= p * q;
      a[h(i, k)] -= p;
    }
  }
}
