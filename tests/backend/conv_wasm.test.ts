/**
 * The wasm core's conv and pool kernels (core-as/assembly/conv.ts, and conv_step.ts: the fused
 * step's conv product from the padded image and its pooled backward) against the float64
 * reference functions of src/nn/conv.ts and src/nn/pool.ts, on random shapes: odd sizes, pad 0,
 * "same" and other pads, kernels as large as the padded image, and pool windows that drop rows
 * and columns. The inputs are float32 values (Math.fround), so im2col, the max-pool's winners
 * (ties included: the inputs are drawn from a few levels) and its scatter are exact; col2im
 * and the avg-pool sum n float32 terms, within gamma_n = n u / (1 - n u) of the sum of their
 * magnitudes (u = 2^-24), which the bounds below take from the reference on |x| (a product of
 * K terms plus a bias: gamma_{K+1}; the pooled backward sums at most m + k^2 products).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmCore } from "../../src/backend/wasm/core.ts";
import { refBackend } from "../../src/backend/ref.ts";
import {
  col2im,
  convBackwardInput,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
  convOutSize,
  im2col,
} from "../../src/nn/conv.ts";
import {
  avgPoolBackward,
  avgPoolForward,
  gatherAt,
  poolArgmax,
  type PoolGeometry,
  scatterAt,
} from "../../src/nn/pool.ts";
import { Rng } from "../../src/nn/rng.ts";

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

/** n float32 values: uniform in [-1, 1), or one of `levels` levels (ties), some zeros. */
function values(rng: Rng, n: number, levels = 0): Float64Array {
  return Float64Array.from({ length: n }, () => {
    if (rng.uniform() < 0.2) return 0;
    return levels ? Math.floor(rng.uniform() * levels) / 4 : Math.fround(2 * rng.uniform() - 1);
  });
}

/** A random conv geometry: sizes 1-9, k 1-5, pad 0, same or anything below k, output >= 1. */
function convGeometry(rng: Rng): ConvGeometry {
  for (;;) {
    const k = 1 + Math.floor(rng.uniform() * 5), pick = rng.uniform();
    const pad = pick < 0.4 ? 0 : pick < 0.8 ? (k - 1) >> 1 : Math.floor(rng.uniform() * k);
    const g = {
      inH: 1 + Math.floor(rng.uniform() * 9),
      inW: 1 + Math.floor(rng.uniform() * 9),
      inC: 1 + Math.floor(rng.uniform() * 7),
      outC: 1,
      k,
      pad,
    };
    const { outH, outW } = convOutSize(g);
    if (outH >= 1 && outW >= 1) return g;
  }
}

/** A random pool geometry: h, w 1-9, window 1-4 that fits at least once. */
function poolGeometry(rng: Rng): PoolGeometry {
  for (;;) {
    const g = {
      h: 1 + Math.floor(rng.uniform() * 9),
      w: 1 + Math.floor(rng.uniform() * 9),
      c: 1 + Math.floor(rng.uniform() * 9),
      size: 1 + Math.floor(rng.uniform() * 4),
    };
    if (g.h >= g.size && g.w >= g.size) return g;
  }
}

const f32 = (core: WasmCore, p: number, n: number) =>
  Float64Array.from(core.f32().subarray(p / 4, p / 4 + n));

test("wasm im2col equals nn/conv's im2col exactly on 200 random geometries (pads 0, same and others)", () => {
  const rng = new Rng(11), core = new WasmCore();
  for (let s = 0; s < 200; s++) {
    const g = convGeometry(rng), batch = 1 + Math.floor(rng.uniform() * 3);
    const { inH, inW, inC, k, pad } = g, x = values(rng, batch * inH * inW * inC);
    const want = im2col(x, batch, g);
    core.reset();
    const px = core.put(x, x.length), pc = core.alloc(want.length * 4);
    core.f32().fill(NaN, pc / 4, pc / 4 + want.length); // every entry must be written
    core.exports.im2col(px, pc, batch, inH, inW, inC, k, pad);
    assert.deepEqual(f32(core, pc, want.length), want, JSON.stringify({ g, batch }));
  }
});

test("wasm col2im equals nn/conv's col2im within gamma_{k^2} of the summed magnitudes on 200 random geometries", () => {
  const rng = new Rng(12), core = new WasmCore();
  for (let s = 0; s < 200; s++) {
    const g = convGeometry(rng), batch = 1 + Math.floor(rng.uniform() * 3);
    const { inH, inW, inC, k, pad } = g, { outH, outW } = convOutSize(g);
    const cols = values(rng, batch * outH * outW * k * k * inC), n = batch * inH * inW * inC;
    const want = new Float64Array(n), mag = new Float64Array(n);
    col2im(cols, batch, g, want);
    col2im(cols.map(Math.abs), batch, g, mag);
    core.reset();
    const pc = core.put(cols, cols.length), pd = core.alloc(n * 4);
    core.f32().fill(NaN, pd / 4, pd / 4 + n); // overwritten, padding entries dropped
    core.exports.col2im(pc, pd, batch, inH, inW, inC, k, pad);
    const got = f32(core, pd, n);
    got.forEach((v, i) =>
      assert.ok(
        Math.abs(v - want[i]) <= gamma(k * k) * mag[i],
        `${JSON.stringify(g)} entry ${i}: ${v} vs ${want[i]}`,
      )
    );
  }
});

test("wasm max-pool picks poolArgmax's winners (ties to the first in window order) and scatters as scatterAt, on 200 random geometries", () => {
  const rng = new Rng(13), core = new WasmCore();
  for (let s = 0; s < 200; s++) {
    const g = poolGeometry(rng), batch = 1 + Math.floor(rng.uniform() * 3);
    const n = batch * g.h * g.w * g.c, a = values(rng, n, s % 2 ? 3 : 0); // odd s: many ties
    const idx = poolArgmax(a, batch, g), m = idx.length, dy = values(rng, m);
    core.reset();
    const pa = core.put(a, n), py = core.alloc(m * 4), pi = core.alloc(m * 4);
    const pdy = core.put(dy, m), pdx = core.alloc(n * 4);
    core.f32().fill(NaN, pdx / 4, pdx / 4 + n);
    core.exports.maxPoolForward(pa, py, pi, batch, g.h, g.w, g.c, g.size);
    const got = new Int32Array(core.exports.memory.buffer, pi, m).slice();
    assert.deepEqual(got, idx, JSON.stringify({ g, batch }));
    assert.deepEqual(f32(core, py, m), gatherAt(a, idx));
    core.exports.maxPoolBackward(pdy, pi, pdx, m, n);
    assert.deepEqual(f32(core, pdx, n), scatterAt(dy, idx, n));
  }
});

test("wasm avg-pool forward and backward equal nn/pool's within gamma of the summed magnitudes on 200 random geometries", () => {
  const rng = new Rng(14), core = new WasmCore();
  for (let s = 0; s < 200; s++) {
    const g = poolGeometry(rng), batch = 1 + Math.floor(rng.uniform() * 3);
    const n = batch * g.h * g.w * g.c, a = values(rng, n);
    const want = avgPoolForward(a, batch, g), mag = avgPoolForward(a.map(Math.abs), batch, g);
    const m = want.length, dy = values(rng, m), wantDx = avgPoolBackward(dy, batch, g);
    core.reset();
    const pa = core.put(a, n), py = core.alloc(m * 4), pdy = core.put(dy, m);
    const pdx = core.alloc(n * 4);
    core.f32().fill(NaN, pdx / 4, pdx / 4 + n); // dropped rows and columns must read 0
    core.exports.avgPoolForward(pa, py, batch, g.h, g.w, g.c, g.size);
    core.exports.avgPoolBackward(pdy, pdx, batch, g.h, g.w, g.c, g.size);
    const terms = g.size * g.size, got = f32(core, py, m), gotDx = f32(core, pdx, n);
    got.forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]) <= gamma(2 * terms + 1) * mag[i], `${v} vs ${want[i]}`)
    );
    gotDx.forEach((v, i) =>
      assert.ok(Math.abs(v - wantDx[i]) <= gamma(2) * Math.abs(wantDx[i]), `${v} vs ${wantDx[i]}`)
    );
  }
});

/** A conv geometry with outC 1-12 (partial and whole panels of 8 channels). */
function stepGeometry(rng: Rng): ConvGeometry {
  return { ...convGeometry(rng), outC: 1 + Math.floor(rng.uniform() * 12) };
}

test("wasm convForwardT (from the padded image, no patch matrix) equals nn/conv's convForward, with and without ReLU, within gamma_{K+1} of the summed magnitudes on 150 random geometries", () => {
  const rng = new Rng(15), core = new WasmCore(), ex = core.exports;
  for (let s = 0; s < 150; s++) {
    const g = stepGeometry(rng), batch = 1 + Math.floor(rng.uniform() * 3), relu = s % 2;
    const { inH, inW, inC, outC, k, pad } = g, { outH, outW } = convOutSize(g), kk = k * k * inC;
    const x = values(rng, batch * inH * inW * inC),
      W = values(rng, outC * kk),
      D = values(rng, outC);
    const n = batch * outH * outW * outC, want = new Float64Array(n), mag = new Float64Array(n);
    convForward(x, W, D, want, batch, g, refBackend);
    convForward(x.map(Math.abs), W.map(Math.abs), D.map(Math.abs), mag, batch, g, refBackend);
    const Wt = new Float64Array(kk * outC); // W^T [kk, outC], the step's resident layout
    for (let o = 0; o < outC; o++) for (let j = 0; j < kk; j++) Wt[j * outC + o] = W[o * kk + j];
    core.reset();
    const Hp = inH + 2 * pad, Wp = inW + 2 * pad, px = core.put(x, x.length);
    const pxp = core.alloc(batch * Hp * Wp * inC * 4), pw = core.put(Wt, Wt.length);
    const pd = core.put(D, outC),
      pa = core.alloc(n * 4),
      scratch = core.alloc(ex.convScratchBytes(kk, outC));
    core.f32().fill(NaN, pxp / 4, pxp / 4 + batch * Hp * Wp * inC); // the border must be zeroed
    ex.padImage(px, pxp, batch, inH, inW, inC, pad);
    const max = ex.convForwardT(pxp, pw, pd, pa, batch, Hp, Wp, inC, outC, k, relu, scratch);
    const got = f32(core, pa, n), r = (v: number) => (relu ? Math.max(v, 0) : v);
    got.forEach((v, i) =>
      assert.ok(
        Math.abs(v - r(want[i])) <= gamma(kk + 1) * mag[i],
        `${JSON.stringify(g)} ${i}: ${v} vs ${want[i]}`,
      )
    );
    assert.equal(max, relu ? Math.max(0, ...got) : 0);
  }
});

/** W [outC, kk] -> W^T [kk, outC] (the step's resident layout). */
function transposed(W: Float64Array, outC: number, kk: number): Float64Array<ArrayBuffer> {
  const t = new Float64Array(W.length);
  for (let o = 0; o < outC; o++) for (let j = 0; j < kk; j++) t[j * outC + o] = W[o * kk + j];
  return t;
}

test("wasm convPoolBackward (pool winners only, kernel rows padded to 4) gives nn/conv's weight, bias and input gradients of the scattered pooled gradient within gamma_n of the summed magnitudes, on 150 random geometries", () => {
  const rng = new Rng(16), core = new WasmCore(), ex = core.exports;
  for (let s = 0; s < 150; s++) {
    const g = stepGeometry(rng), { outH, outW } = convOutSize(g);
    const size = 1 + Math.floor(rng.uniform() * 3), batch = 1 + Math.floor(rng.uniform() * 3);
    if (outH < size || outW < size) continue;
    const { inH, inW, inC, outC, k, pad } = g, kk = k * k * inC, run = k * inC;
    const nA = batch * outH * outW * outC, pool = { h: outH, w: outW, c: outC, size };
    const x = values(rng, batch * inH * inW * inC), W = values(rng, outC * kk);
    const idx = poolArgmax(values(rng, nA, s % 2 ? 3 : 0), batch, pool), m = idx.length;
    const dy = values(rng, m), dz = scatterAt(dy, idx, nA);
    const want = [W, g.outC, x].map((a) => new Float64Array(typeof a === "number" ? a : a.length));
    const mag = want.map((a) => new Float64Array(a.length));
    convBackwardWeights(dz, x, want[0], want[1], batch, g, refBackend);
    convBackwardInput(dz, W, want[2], batch, g, refBackend);
    const dzAbs = dz.map(Math.abs);
    convBackwardWeights(dzAbs, x.map(Math.abs), mag[0], mag[1], batch, g, refBackend);
    convBackwardInput(dzAbs, W.map(Math.abs), mag[2], batch, g, refBackend);
    [want[0], mag[0]] = [transposed(want[0], outC, kk), transposed(mag[0], outC, kk)];
    core.reset();
    const Hp = inH + 2 * pad, Wp = inW + 2 * pad, nxp = batch * Hp * Wp * inC;
    const padded = outC * k * (Math.ceil(run / 4) * 4),
      zeros = (n: number) => core.put(new Float64Array(n), n);
    const pxp = core.alloc(nxp * 4),
      px = core.put(x, x.length),
      pWt = core.put(transposed(W, outC, kk), kk * outC);
    const pWr = core.alloc(padded * 4),
      pdWr = zeros(padded),
      pdWt = zeros(kk * outC),
      pdD = zeros(outC);
    const pg = core.put(dy, m),
      pi = core.alloc(m * 4),
      pdxp = zeros(nxp),
      pdx = core.alloc(x.length * 4);
    new Int32Array(ex.memory.buffer, pi, m).set(idx);
    core.f32().fill(NaN, pWr / 4, pWr / 4 + padded); // the padding must be zeroed
    ex.padImage(px, pxp, batch, inH, inW, inC, pad);
    ex.convRowsT(pWt, pWr, outC, k, run);
    ex.convPoolBackward(
      pg,
      pi,
      batch,
      size,
      pxp,
      pdxp,
      pWr,
      pdWr,
      pdD,
      Hp,
      Wp,
      inC,
      outC,
      k,
      core.alloc(m * 12),
    );
    ex.addConvRowsT(pdWr, pdWt, outC, k, run);
    ex.cropImage(pdxp, pdx, batch, inH, inW, inC, pad);
    const bound = gamma(m + k * k);
    [pdWt, pdD, pdx].forEach((p, n) =>
      f32(core, p, want[n].length).forEach((v, i) =>
        assert.ok(
          Math.abs(v - want[n][i]) <= bound * mag[n][i],
          `${JSON.stringify({ g, size })} ${n}/${i}: ${v} vs ${want[n][i]}`,
        )
      )
    );
  }
});
