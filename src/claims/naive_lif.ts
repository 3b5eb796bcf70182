/**
 * Independent, loop-by-loop implementations of the methods' own definitions (SPEC B2, B3),
 * for dense networks only, written from the equations and sharing no code with src/lif but
 * the loss: the tests compare the library's methods with these where no objective exists
 * whose finite differences would check them. They ship with the claims because
 * `spikeproof verify` runs the same checks as the tests.
 *
 * @module
 */
import { LIF_MSE_WEIGHT, mixedLoss } from "../lif/loss.ts";
import type { LifNetwork } from "../lif/network.ts";
import { exp } from "../nn/math/mod.ts";

const sg = (net: LifNetwork, u: number) => {
  const e = 1 / (1 + exp(-net.surrogateSlope * (u - net.vth)));
  return net.surrogateSlope * e * (1 - e);
};

/** z = W x + b * k for one sample (dense). */
function affine(W: Float64Array, b: Float64Array, x: number[], k: number): number[] {
  const n = b.length, m = x.length;
  return Array.from({ length: n }, (_, i) => {
    let v = b[i] * k;
    for (let j = 0; j < m; j++) v += W[i * m + j] * x[j];
    return v;
  });
}

/**
 * OTTT as defined in B2, sample by sample: per step, delta = dL[t]/du[t] through the layers
 * at that step; gW += delta (outer) p with p the trace (or x[t] for layer 1, "official"),
 * gb += delta times c[t] ("trace") or 1 ("official"); the readout uses the trace or the spike.
 *
 * @example
 * ```ts
 * import { naiveOttt } from "./naive_lif.ts";
 * import { lifInputs, lifLabels, lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * const net = lifNet(spec);
 * const g = naiveOttt(net, lifInputs(spec, net), lifLabels(spec, net), 2, "trace", "trace");
 * console.log(g.length); // 4
 * ```
 */
export function naiveOttt(
  net: LifNetwork,
  xs: Float64Array[],
  labels: Int32Array,
  batch: number,
  variant: "trace" | "official",
  readout: "trace" | "spike",
): Float64Array[] {
  const Ls = net.layers, L = Ls.length - 1, lam = net.lambda, T = xs.length;
  const grads = Ls.flatMap((l) => [new Float64Array(l.w.length), new Float64Array(l.b.length)]);
  for (let b = 0; b < batch; b++) {
    const v = Ls.slice(0, L).map((l) => new Array(l.nOut).fill(0));
    const tr = Ls.map((l) => new Array(l.nIn).fill(0));
    let c = 0;
    for (let t = 0; t < T; t++) {
      c = lam * c + 1;
      const x = Array.from(xs[t].subarray(b * Ls[0].nIn, (b + 1) * Ls[0].nIn));
      const ys = [x], us: number[][] = [];
      for (let l = 0; l <= L; l++) {
        tr[l] = tr[l].map((a, j) => lam * a + ys[l][j]);
        if (l === L) break;
        const u = affine(Ls[l].w, Ls[l].b, ys[l], 1).map((I, i) => lam * v[l][i] + I);
        const s = u.map((ui) => (ui >= net.vth ? 1 : 0));
        v[l] = u.map((ui, i) => ui - net.vth * s[i]);
        us.push(u), ys.push(s);
      }
      const o = affine(Ls[L].w, Ls[L].b, ys[L], 1);
      const classes = o.length;
      // the batch mean is part of the loss: one sample's share
      const full = mixedLoss(Float64Array.from(o), [labels[b]], 1, classes, LIF_MSE_WEIGHT, 1 / T);
      let delta = Array.from(full.dO, (d) => d / batch);
      for (let l = L; l >= 0; l--) {
        const pre = l === L
          ? (readout === "spike" ? ys[L] : tr[L])
          : variant === "official" && l === 0
          ? ys[0]
          : tr[l];
        const k = (l === L && readout === "spike") || variant === "official" ? 1 : c;
        const nIn = Ls[l].nIn;
        delta.forEach((d, i) => {
          for (let j = 0; j < nIn; j++) grads[2 * l][i * nIn + j] += d * pre[j];
          grads[2 * l + 1][i] += d * k;
        });
        if (l === 0) break;
        const ds = Array.from(
          { length: nIn },
          (_, j) => delta.reduce((a, d, i) => a + d * Ls[l].w[i * nIn + j], 0),
        );
        delta = ds.map((d, j) => d * sg(net, us[l - 1][j]));
      }
    }
  }
  return grads;
}

/**
 * SAF-F as defined in B3 with the surrogate at T, sample by sample: the LIF forward, the rate
 * readout o = W_L (a_hat[T] / c[T]) + b_L, then delta_l = dL/da_hat_l[T] H'(u_l[T] - V_th),
 * gW_l = delta_l (outer) a_hat_{l-1}[T], gb_l = c[T] delta_l.
 *
 * @example
 * ```ts
 * import { naiveSafF } from "./naive_lif.ts";
 * import { lifInputs, lifLabels, lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * const net = lifNet(spec);
 * console.log(naiveSafF(net, lifInputs(spec, net), lifLabels(spec, net), 2).length); // 4
 * ```
 */
export function naiveSafF(
  net: LifNetwork,
  xs: Float64Array[],
  labels: Int32Array,
  batch: number,
): Float64Array[] {
  const Ls = net.layers, L = Ls.length - 1, lam = net.lambda, T = xs.length;
  const grads = Ls.flatMap((l) => [new Float64Array(l.w.length), new Float64Array(l.b.length)]);
  for (let b = 0; b < batch; b++) {
    const v = Ls.slice(0, L).map((l) => new Array(l.nOut).fill(0));
    const acc = Ls.map((l) => new Array(l.nIn).fill(0)), us: number[][] = [];
    let c = 0;
    for (let t = 0; t < T; t++) {
      c = lam * c + 1;
      let y = Array.from(xs[t].subarray(b * Ls[0].nIn, (b + 1) * Ls[0].nIn));
      for (let l = 0; l <= L; l++) {
        acc[l] = acc[l].map((a, j) => lam * a + y[j]);
        if (l === L) break;
        const u = affine(Ls[l].w, Ls[l].b, y, 1).map((I, i) => lam * v[l][i] + I);
        us[l] = u;
        y = u.map((ui) => (ui >= net.vth ? 1 : 0));
        v[l] = u.map((ui, i) => ui - net.vth * y[i]);
      }
    }
    const o = affine(Ls[L].w, Ls[L].b, acc[L].map((a) => a / c), 1);
    const r = mixedLoss(Float64Array.from(o), [labels[b]], 1, o.length, LIF_MSE_WEIGHT, 1);
    let dA = Ls[L].w.length ? Array.from({ length: Ls[L].nIn }, () => 0) : [];
    r.dO.forEach((d0, i) => {
      const d = d0 / batch;
      for (let j = 0; j < Ls[L].nIn; j++) {
        grads[2 * L][i * Ls[L].nIn + j] += (d * acc[L][j]) / c;
        dA[j] += (d * Ls[L].w[i * Ls[L].nIn + j]) / c; // dL/da_hat[T] = W^T dO / c[T]
      }
      grads[2 * L + 1][i] += d;
    });
    for (let l = L - 1; l >= 0; l--) {
      const nIn = Ls[l].nIn, delta = dA.map((d, i) => d * sg(net, us[l][i]));
      dA = new Array(nIn).fill(0);
      delta.forEach((d, i) => {
        for (let j = 0; j < nIn; j++) {
          grads[2 * l][i * nIn + j] += d * acc[l][j];
          dA[j] += d * Ls[l].w[i * nIn + j];
        }
        grads[2 * l + 1][i] += d * c;
      });
    }
  }
  return grads;
}
