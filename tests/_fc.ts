/**
 * Shared fast-check settings and random models for the claim tests. Every property runs with
 * a fixed seed unless SPIKEPROOF_FC_SEED is set, so a failure replays exactly.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import process from "node:process";
import { buildLayers, denseLayers, type LayerSpec } from "../src/nn/architecture.ts";
import { biasLength, type LayerGeometry, weightShape } from "../src/nn/layer.ts";
import { type ReluMlp, reluMlpForward } from "../src/nn/mlp.ts";
import type { B1Forward } from "../src/ttfs/b1.ts";
import type { GeneralForward } from "../src/ttfs/general.ts";
import type { CodingIntervals } from "../src/ttfs/intervals.ts";
import { Rng } from "../src/nn/rng.ts";

/** fast-check parameters: at least `runs` runs, a fixed (or given) seed. */
export function fcParams(runs = 100): fc.Parameters<unknown> {
  const env = process.env.SPIKEPROOF_FC_SEED;
  return {
    numRuns: runs,
    seed: env ? Number(env) : 20241123,
    endOnFailure: false,
    includeErrorInReport: true,
  };
}

/** A random network shape: depth (weight layers) 1..maxDepth, widths 1..maxWidth. */
export interface NetSpec {
  sizes: number[];
  seed: number;
  weightScale: number;
  biasScale: number;
  batch: number;
}

/** Arbitrary network specs; the output layer gets at least `minClasses` units. */
export function netSpec(
  { maxDepth = 6, maxWidth = 32, minClasses = 1, minDepth = 1, minWidth = 1 } = {},
): fc.Arbitrary<NetSpec> {
  return fc.record({
    sizes: fc.integer({ min: minDepth, max: maxDepth }).chain((d) =>
      fc.tuple(
        fc.array(fc.integer({ min: minWidth, max: maxWidth }), { minLength: d, maxLength: d }),
        fc.integer({ min: Math.max(minClasses, minWidth), max: maxWidth }),
      ).map(([hidden, out]) => [...hidden, out])
    ),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    weightScale: fc.double({ min: 0.1, max: 3, noNaN: true }),
    biasScale: fc.double({ min: 0, max: 1, noNaN: true }),
    batch: fc.integer({ min: 1, max: 8 }),
  });
}

/**
 * A random ReLU MLP from a spec: w_ij uniform in +-weightScale * sqrt(3 / nIn) around a random
 * per-row offset (so row sums of either sign occur), b uniform in +-biasScale.
 */
export function randomRelu(
  spec: Omit<NetSpec, "sizes"> & { sizes?: number[]; layers?: LayerGeometry[] },
): ReluMlp {
  const rng = new Rng(spec.seed);
  return {
    layers: (spec.layers ?? denseLayers(spec.sizes!)).map((geometry) => {
      const rows = biasLength(geometry),
        w = new Float64Array(
          weightShape(geometry).reduce((a, b) => a * b, 1),
        );
      const fan = w.length / rows, b = new Float64Array(rows);
      const lim = spec.weightScale * Math.sqrt(3 / fan);
      for (let i = 0; i < rows; i++) {
        const offset = rng.uniformIn(-0.5, 0.5) * lim;
        for (let j = 0; j < fan; j++) w[i * fan + j] = offset + rng.uniformIn(-lim, lim);
        b[i] = rng.uniformIn(-spec.biasScale, spec.biasScale);
      }
      return { ...geometry, w, b };
    }),
  };
}

/** A random small conv net: 1-2 conv layers (pads, pools) on a small image, then dense ones. */
export interface ConvSpec extends Omit<NetSpec, "sizes"> {
  layers: LayerGeometry[];
}

/** Arbitrary conv-net specs (only those whose kernels and pools fit). */
export function convSpec(): fc.Arbitrary<ConvSpec> {
  const convLayer = fc.record({
    conv: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 3 }),
    same: fc.boolean(),
    pool: fc.integer({ min: 1, max: 2 }),
  });
  return fc.record({
    image: fc.record({
      h: fc.integer({ min: 3, max: 8 }),
      w: fc.integer({ min: 3, max: 8 }),
      c: fc.integer({ min: 1, max: 3 }),
    }),
    convs: fc.array(convLayer, { minLength: 1, maxLength: 2 }),
    dense: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
    classes: fc.integer({ min: 2, max: 5 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    weightScale: fc.double({ min: 0.1, max: 3, noNaN: true }),
    biasScale: fc.double({ min: 0, max: 1, noNaN: true }),
    batch: fc.integer({ min: 1, max: 4 }),
  }).map(({ image, convs, dense, classes, ...rest }) => {
    const specs: LayerSpec[] = [
      ...convs.map(({ conv, k, same, pool }) => ({
        conv,
        k: same ? 2 * Math.floor(k / 2) + 1 : k, // "same" needs an odd kernel
        pad: same ? "same" as const : "valid" as const,
        pool,
      })),
      ...dense.map((d) => ({ dense: d })),
      { dense: classes },
    ];
    try {
      return { ...rest, layers: buildLayers(image, specs) };
    } catch {
      return undefined;
    }
  }).filter((s): s is ConvSpec => s !== undefined);
}

/** Random inputs in [0, 1], [batch, n]; about a quarter are exactly 0 (like dark pixels). */
export function randomInputs(seed: number, batch: number, n: number): Float64Array {
  const rng = new Rng(seed ^ 0x5bd1e995);
  return Float64Array.from({ length: batch * n }, () => (rng.uniform() < 0.25 ? 0 : rng.uniform()));
}

/** Random integer labels in 0..classes-1. */
export function randomLabels(seed: number, batch: number, classes: number): Int32Array {
  const rng = new Rng(seed ^ 0x27d4eb2f);
  return Int32Array.from({ length: batch }, () => rng.int(classes));
}

/** max |a - b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** max |a| over an array. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

/** The pre-activations z(n) = w(n) h(n-1) + b(n) of every hidden layer, [batch, size]. */
export function preActivations(net: ReluMlp, x: Float64Array, batch: number): Float64Array[] {
  const fwd = reluMlpForward(net, x, batch);
  return net.layers.slice(0, -1).map(({ nIn, nOut, w, b }, k) => {
    const z = new Float64Array(batch * nOut), h = fwd.inputs[k];
    for (let s = 0; s < batch; s++) {
      for (let i = 0; i < nOut; i++) {
        let v = b[i];
        for (let j = 0; j < nIn; j++) v += w[i * nIn + j] * h[s * nIn + j];
        z[s * nOut + i] = v;
      }
    }
    return z;
  });
}

/**
 * The piecewise region of a B = 1 forward pass: which hidden neurons fire. A derivative
 * exists only where a small perturbation leaves this unchanged.
 */
export function b1Region(f: B1Forward, intervals: CodingIntervals): string {
  return f.neuronTimes.slice(1)
    .map((t, n) =>
      Array.from(t, (ti) => +(ti < intervals.tmax[n + 1])).join("") +
      (f.poolIndex[n + 1] ? `/${f.poolIndex[n + 1]!.join(",")}` : "")
    )
    .join("|");
}

/** The piecewise region of a general forward pass: causal-set sizes and firing neurons. */
export function generalRegion(f: GeneralForward): string {
  return f.causal
    .map((c, n) =>
      `${c.join(",")}/${Array.from(f.slopes[n], (s) => +(s > 0)).join("")}/${
        f.poolIndex[n + 1]?.join(",") ?? ""
      }`
    )
    .join("|");
}

/**
 * Compare hand-written gradients with central finite differences on up to `perArray` random
 * entries of every parameter array. `signature` describes the piecewise region (which neurons
 * fire, which inputs are causal); entries whose +-h perturbation leaves the region sit at a
 * kink, where no derivative exists, and are skipped. Returns how many entries were compared.
 */
export function checkGradients(
  params: Float64Array[],
  grads: Float64Array[],
  loss: () => number,
  signature: () => string,
  rng: Rng,
  perArray = 6,
): number {
  const base = signature();
  let compared = 0;
  params.forEach((p, a) => {
    for (let r = 0; r < Math.min(perArray, p.length); r++) {
      const k = rng.int(p.length), v = p[k], h = 1e-6 * Math.max(1, Math.abs(v));
      p[k] = v + h;
      const up = loss(), sUp = signature();
      p[k] = v - h;
      const down = loss(), sDown = signature();
      p[k] = v;
      if (sUp !== base || sDown !== base) continue;
      const fd = (up - down) / (2 * h), g = grads[a][k];
      assert.ok(
        Math.abs(fd - g) <= 1e-6 + 1e-5 * Math.abs(g),
        `param array ${a} entry ${k}: hand-written ${g}, finite difference ${fd}`,
      );
      compared++;
    }
  });
  return compared;
}
