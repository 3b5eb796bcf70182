/**
 * The piecewise regions of TTFS forward passes: a derivative exists only where a small
 * perturbation leaves the region (firing pattern, causal sets, pool winners) unchanged, so
 * the finite-difference claims skip the entries whose perturbation changes it.
 *
 * @module
 */
import type { B1Forward } from "../ttfs/b1.ts";
import type { GeneralForward } from "../ttfs/general.ts";
import type { CodingIntervals } from "../ttfs/intervals.ts";

/**
 * The region of a B = 1 forward pass: which hidden neurons fire, and the pool winners.
 *
 * @example
 * ```ts
 * import { b1Region } from "./regions.ts";
 * import { b1Forward } from "../ttfs/b1.ts";
 * import { b1FromRelu, calibrateIntervals } from "../ttfs/mapping.ts";
 * import { encodeInput } from "../ttfs/encoding.ts";
 * import { randomInputs, randomRelu } from "./nets.ts";
 * const relu = randomRelu({ sizes: [3, 4, 2], seed: 1, weightScale: 1, biasScale: 0.5, batch: 1 });
 * const x = randomInputs(1, 1, 3), snn = b1FromRelu(relu, calibrateIntervals(relu, x, 1));
 * console.log(b1Region(b1Forward(snn, encodeInput(x), 1), snn.intervals).length); // 4
 * ```
 */
export function b1Region(f: B1Forward, intervals: CodingIntervals): string {
  return f.neuronTimes.slice(1)
    .map((t, n) =>
      Array.from(t, (ti) => +(ti < intervals.tmax[n + 1])).join("") +
      (f.poolIndex[n + 1] ? `/${f.poolIndex[n + 1]!.join(",")}` : "")
    )
    .join("|");
}

/**
 * The region of a general forward pass: causal-set sizes, firing neurons, pool winners.
 *
 * @example
 * ```ts
 * import { generalRegion } from "./regions.ts";
 * import { generalForward } from "../ttfs/general.ts";
 * import { mapReluExactly } from "../ttfs/mapping.ts";
 * import { encodeInput } from "../ttfs/encoding.ts";
 * import { randomInputs, randomRelu } from "./nets.ts";
 * const relu = randomRelu({ sizes: [3, 4, 2], seed: 1, weightScale: 1, biasScale: 0.5, batch: 1 });
 * const x = randomInputs(1, 1, 3), { snn } = mapReluExactly(relu, x, 1);
 * console.log(typeof generalRegion(generalForward(snn, encodeInput(x), 1))); // "string"
 * ```
 */
export function generalRegion(f: GeneralForward): string {
  return f.causal
    .map((c, n) =>
      `${c.join(",")}/${Array.from(f.slopes[n], (s) => +(s > 0)).join("")}/${
        f.poolIndex[n + 1]?.join(",") ?? ""
      }`
    )
    .join("|");
}
