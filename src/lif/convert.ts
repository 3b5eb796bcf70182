/**
 * SAF to LIF conversion for inference (SPEC B3). By the identity
 *
 *   u_l[t] = U_l[t] - V_th lambda a_hat_l[t-1]
 *
 * the LIF neuron with the SAF layer's W, b, lambda and V_th fires exactly the SAF spikes, so
 * the conversion keeps every parameter: it copies the network, checks that it is a LIF
 * network the simulator can run, and marks nothing else. `safOutputs` runs the SAF forward
 * for comparison with `lifForward` (the tests check that they agree).
 *
 * @module
 */
import { ShapeError } from "../errors.ts";
import { checkLayerArrays } from "../nn/layer.ts";
import type { LifNetwork } from "./network.ts";
import { checkLifParams } from "./neuron.ts";
import { SafForward } from "./saf.ts";

/**
 * The LIF network that runs SAF-trained weights: the same parameters, copied.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { safToLif } from "./convert.ts";
 * const saf = initLifNetwork([2, 3, 2], new Rng(0));
 * console.log(safToLif(saf).layers[0].w[0] === saf.layers[0].w[0]); // true
 * ```
 */
// spec B3
export function safToLif(net: LifNetwork): LifNetwork {
  checkLifParams(net);
  net.layers.forEach((l, k) => {
    checkLayerArrays(l, l.w, l.b, `layer ${k + 1}`);
    if (k > 0 && l.nIn !== net.layers[k - 1].nOut) {
      throw new ShapeError(
        `layer ${k + 1} takes ${l.nIn} inputs; layer ${k} gives ${net.layers[k - 1].nOut}`,
      );
    }
  });
  const { lambda, vth, surrogateSlope } = net;
  const layers = net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() }));
  return { lambda, vth, surrogateSlope, layers };
}

/**
 * The SAF forward's readout o[t] and hidden spikes s_l[t] at every step.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initLifNetwork } from "./network.ts";
 * import { safOutputs } from "./convert.ts";
 * const net = initLifNetwork([2, 2], new Rng(0));
 * console.log(safOutputs(net, [new Float64Array(2)], 1).outputs.length); // 1
 * ```
 */
// spec B3
export function safOutputs(
  net: LifNetwork,
  xs: Float64Array[],
  batch: number,
): { outputs: Float64Array[]; spikes: Float64Array[][] } {
  const saf = new SafForward(net, batch, xs.length), outputs = [], spikes = [];
  for (const x of xs) {
    const f = saf.step(x);
    outputs.push(f.o), spikes.push(f.spikes);
  }
  return { outputs, spikes };
}
