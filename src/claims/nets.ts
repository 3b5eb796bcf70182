/**
 * Random networks and data for the TTFS claims: dense ReLU MLPs of depth 1..6 and width 1..32
 * with row sums of both signs, small conv nets, inputs in [0, 1] with exact zeros.
 *
 * @module
 */
import fc from "fast-check";
import { buildLayers, denseLayers, type LayerSpec } from "../nn/architecture.ts";
import { biasLength, type LayerGeometry, weightShape } from "../nn/layer.ts";
import { type ReluMlp, reluMlpForward } from "../nn/mlp.ts";
import { Rng } from "../nn/rng.ts";

/**
 * A random network shape: depth (weight layers) 1..maxDepth, widths 1..maxWidth.
 *
 * @example
 * ```ts
 * import type { NetSpec } from "./nets.ts";
 * const s: NetSpec = { sizes: [4, 3, 2], seed: 1, weightScale: 1, biasScale: 0.5, batch: 2 };
 * ```
 */
export interface NetSpec {
  sizes: number[];
  seed: number;
  weightScale: number;
  biasScale: number;
  batch: number;
}

/**
 * Arbitrary network specs; the output layer gets at least `minClasses` units.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { netSpec } from "./nets.ts";
 * console.log(fc.sample(netSpec({ maxDepth: 2 }), 1)[0].sizes.length <= 3); // true
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { randomRelu } from "./nets.ts";
 * const net = randomRelu({ sizes: [4, 3, 2], seed: 1, weightScale: 1, biasScale: 0.5, batch: 2 });
 * console.log(net.layers.length); // 2
 * ```
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

/**
 * A random small conv net: 1-2 conv layers (pads, pools) on a small image, then dense ones.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { type ConvSpec, convSpec } from "./nets.ts";
 * const s: ConvSpec = fc.sample(convSpec(), 1)[0];
 * ```
 */
export interface ConvSpec extends Omit<NetSpec, "sizes"> {
  layers: LayerGeometry[];
}

/**
 * Arbitrary conv-net specs (only those whose kernels and pools fit).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { convSpec } from "./nets.ts";
 * console.log(fc.sample(convSpec(), 1)[0].layers[0].conv !== undefined); // true
 * ```
 */
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

/**
 * Random inputs in [0, 1], [batch, n]; about a quarter are exactly 0 (like dark pixels).
 *
 * @example
 * ```ts
 * import { randomInputs } from "./nets.ts";
 * console.log(randomInputs(1, 2, 3).length); // 6
 * ```
 */
export function randomInputs(seed: number, batch: number, n: number): Float64Array {
  const rng = new Rng(seed ^ 0x5bd1e995);
  return Float64Array.from({ length: batch * n }, () => (rng.uniform() < 0.25 ? 0 : rng.uniform()));
}

/**
 * Random integer labels in 0..classes-1.
 *
 * @example
 * ```ts
 * import { randomLabels } from "./nets.ts";
 * console.log(randomLabels(1, 4, 3).every((y) => y < 3)); // true
 * ```
 */
export function randomLabels(seed: number, batch: number, classes: number): Int32Array {
  const rng = new Rng(seed ^ 0x27d4eb2f);
  return Int32Array.from({ length: batch }, () => rng.int(classes));
}

/**
 * The pre-activations z(n) = w(n) h(n-1) + b(n) of every hidden layer, [batch, size].
 *
 * @example
 * ```ts
 * import { preActivations, randomInputs, randomRelu } from "./nets.ts";
 * const net = randomRelu({ sizes: [4, 3, 2], seed: 1, weightScale: 1, biasScale: 0.5, batch: 1 });
 * console.log(preActivations(net, randomInputs(1, 1, 4), 1)[0].length); // 3
 * ```
 */
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
