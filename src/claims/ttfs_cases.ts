/**
 * The random TTFS cases several claims share: a ReLU conv net with its data, mapped exactly
 * onto general neurons or onto B = 1 neurons.
 *
 * @module
 */
import { layerSizes } from "../nn/architecture.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import type { B1Network } from "../ttfs/b1.ts";
import { encodeInput } from "../ttfs/encoding.ts";
import { b1FromRelu, calibrateIntervals, mapReluExactly } from "../ttfs/mapping.ts";
import type { GeneralNetwork } from "../ttfs/general.ts";
import { type ConvSpec, randomInputs, randomRelu } from "./nets.ts";

/** A ReLU conv net, its inputs x, encoded inputs t0 and class count. */
export interface ConvCase {
  relu: ReluMlp;
  x: Float64Array;
  t0: Float64Array;
  classes: number;
}

/**
 * A random ReLU conv net, its data, and its exact image on general neurons (SPEC A4, A8).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { convSpec } from "./nets.ts";
 * import { mappedConvGeneral } from "./ttfs_cases.ts";
 * console.log(mappedConvGeneral(fc.sample(convSpec(), 1)[0]).snn.hidden.length > 0); // true
 * ```
 */
export function mappedConvGeneral(
  spec: ConvSpec,
): ConvCase & { snn: GeneralNetwork; rescaled: ReluMlp } {
  const relu = randomRelu(spec), sizes = layerSizes(spec.layers);
  const x = randomInputs(spec.seed, spec.batch, sizes[0]);
  const { snn, rescaled } = mapReluExactly(relu, x, spec.batch);
  return { relu, x, t0: encodeInput(x), classes: sizes[sizes.length - 1], snn, rescaled };
}

/**
 * A random ReLU conv net, its data, and the B = 1 SNN with intervals from that data (SPEC A5).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { convSpec } from "./nets.ts";
 * import { mappedConvB1 } from "./ttfs_cases.ts";
 * console.log(mappedConvB1(fc.sample(convSpec(), 1)[0]).snn.layers.length > 1); // true
 * ```
 */
export function mappedConvB1(spec: ConvSpec): ConvCase & { snn: B1Network } {
  const relu = randomRelu(spec), sizes = layerSizes(spec.layers);
  const x = randomInputs(spec.seed, spec.batch, sizes[0]);
  const snn = b1FromRelu(relu, calibrateIntervals(relu, x, spec.batch));
  return { relu, snn, x, t0: encodeInput(x), classes: sizes[sizes.length - 1] };
}
