/**
 * Random LIF networks and inputs for the SAF / OTTT claims (SPEC B): depth 1..3 hidden layers
 * of width 1..8 (or a small conv net with avg-pool), T 1..16, lambda in (0, 1], V_th in
 * [0.25, 2], weights scaled so that neurons both fire and stay silent, inputs in [0, 1].
 *
 * @module
 */
import fc from "fast-check";
import { buildLayers, denseLayers } from "../nn/architecture.ts";
import { Rng } from "../nn/rng.ts";
import { initLifNetwork, type LifNetwork } from "../lif/network.ts";

/**
 * A random LIF setting.
 *
 * @example
 * ```ts
 * import type { LifSpec } from "./lif_nets.ts";
 * const s: LifSpec = {
 *   sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3,
 * };
 * ```
 */
export interface LifSpec {
  sizes: number[];
  conv: boolean;
  T: number;
  lambda: number;
  vth: number;
  slope: number;
  gain: number;
  batch: number;
  seed: number;
}

/**
 * Arbitrary LIF settings; `conv` adds conv nets (8x8x1 input, conv + avg-pool).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { lifSpec } from "./lif_nets.ts";
 * console.log(fc.sample(lifSpec({ maxT: 4 }), 1)[0].T <= 4); // true
 * ```
 */
export function lifSpec(
  {
    conv = false,
    maxT = 16,
    minHidden = 1,
    maxHidden = 3,
    lambda = undefined as
      | number
      | undefined,
  } = {},
): fc.Arbitrary<LifSpec> {
  return fc.record({
    sizes: fc.integer({ min: minHidden, max: maxHidden }).chain((d) =>
      fc.tuple(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: d, maxLength: d }),
        fc.integer({ min: 2, max: 5 }),
      ).map(([nIn, hidden, out]) => [nIn, ...hidden, out])
    ),
    conv: conv ? fc.boolean() : fc.constant(false),
    T: fc.integer({ min: 1, max: maxT }),
    lambda: lambda !== undefined
      ? fc.constant(lambda)
      : fc.double({ min: 0.01, max: 1, noNaN: true }),
    vth: fc.double({ min: 0.25, max: 2, noNaN: true }),
    slope: fc.double({ min: 0.5, max: 8, noNaN: true }),
    gain: fc.double({ min: 0.5, max: 4, noNaN: true }),
    batch: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}

/**
 * The network of a spec: Glorot weights times gain x V_th, biases uniform in +-V_th / 2.
 *
 * @example
 * ```ts
 * import { lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * console.log(lifNet(spec).layers.length); // 2
 * ```
 */
export function lifNet(spec: LifSpec): LifNetwork {
  const rng = new Rng(spec.seed);
  const layers = spec.conv
    ? buildLayers({ h: 8, w: 8, c: 1 }, [
      { conv: 2, k: 3, pad: "same", pool: 2 },
      { conv: 2, k: 3, pool: 1 },
      { dense: spec.sizes[spec.sizes.length - 1] },
    ])
    : denseLayers(spec.sizes);
  const net = initLifNetwork(layers, rng, {
    lambda: spec.lambda,
    vth: spec.vth,
    surrogateSlope: spec.slope,
  }, spec.gain * spec.vth * 2);
  for (const l of net.layers) {
    for (let i = 0; i < l.b.length; i++) l.b[i] = spec.vth * rng.uniformIn(-0.5, 0.5);
  }
  return net;
}

/**
 * T steps of input in [0, 1] (a fresh random current each step), [batch, nIn] each.
 *
 * @example
 * ```ts
 * import { lifInputs, lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * console.log(lifInputs(spec, lifNet(spec)).length); // 4
 * ```
 */
export function lifInputs(spec: LifSpec, net: LifNetwork): Float64Array[] {
  const rng = new Rng(spec.seed ^ 0x5bd1e995), n = spec.batch * net.layers[0].nIn;
  return Array.from(
    { length: spec.T },
    () => Float64Array.from({ length: n }, () => rng.uniform()),
  );
}

/**
 * Random labels for a spec's network.
 *
 * @example
 * ```ts
 * import { lifLabels, lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * console.log(lifLabels(spec, lifNet(spec)).length); // 2
 * ```
 */
export function lifLabels(spec: LifSpec, net: LifNetwork): Int32Array {
  const rng = new Rng(spec.seed ^ 0x27d4eb2f), classes = net.layers[net.layers.length - 1].nOut;
  return Int32Array.from({ length: spec.batch }, () => rng.int(classes));
}

/**
 * A constant input current (the direct code): x[t] = x at every one of T steps.
 *
 * @example
 * ```ts
 * import { directInput, lifNet } from "./lif_nets.ts";
 * const spec = { sizes: [4, 6, 3], conv: false, T: 4, lambda: 0.5, vth: 1, slope: 4, gain: 1, batch: 2, seed: 3 };
 * console.log(directInput(spec, lifNet(spec), 8).length); // 8
 * ```
 */
export function directInput(spec: LifSpec, net: LifNetwork, T: number = spec.T): Float64Array[] {
  const x = Float64Array.from(
    { length: spec.batch * net.layers[0].nIn },
    (_, i) => ((i * 7919 + spec.seed) % 1000) / 1000,
  );
  return Array.from({ length: T }, () => x);
}
