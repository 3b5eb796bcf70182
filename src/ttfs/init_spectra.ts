/**
 * The layer Jacobians of three initializations of one Glorot-uniform ReLU network (the paper's
 * Figure 2a), at one input sample:
 *
 *   "b1"      the B = 1 network, W = w (SPEC A5):            Jac(n) = M W
 *   "mapped"  the 2023 mapping, alpha = 1, J = w / (1 - sum w) (A4): Jac(n) = M B^-1 J = M w'
 *   "naive"   alpha = 1, J = w itself (`naive_init.ts`):          Jac(n) = M B^-1 J_C
 *
 * "b1" and "naive" use the from-scratch intervals (X(n) = 1000, SPEC A1) and differ in alpha
 * alone; "mapped" calibrates its intervals on the data (`mapReluExactly`). A square layer's
 * eigenvalue lies outside the unit circle when |lambda| > 1.
 *
 * @module
 */
import { OptionError } from "../errors.ts";
import { hypot } from "../nn/math/mod.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import { encodeInput } from "./encoding.ts";
import { scratchIntervals } from "./intervals.ts";
import { b1Jacobians, generalJacobians, type LayerJacobians, prefixSigmaMax } from "./jacobian.ts";
import { b1FromRelu, mapReluExactly } from "./mapping.ts";
import { naiveInit } from "./naive_init.ts";

/** An initialization of the TTFS network of a ReLU network. */
export type TtfsInit = "b1" | "mapped" | "naive" | "naive-scratch";

/**
 * The initializations, in the order reports list them.
 *
 * @example
 * ```ts
 * import { TTFS_INITS } from "./init_spectra.ts";
 * console.log(TTFS_INITS.join(",")); // "b1,mapped,naive,naive-scratch"
 * ```
 */
export const TTFS_INITS: readonly TtfsInit[] = ["b1", "mapped", "naive", "naive-scratch"];

/**
 * Checks that `name` is an initialization; an OptionError naming the known ones otherwise.
 *
 * @example
 * ```ts
 * import { parseTtfsInit } from "./init_spectra.ts";
 * console.log(parseTtfsInit("naive")); // "naive"
 * ```
 */
export function parseTtfsInit(name: string): TtfsInit {
  const init = TTFS_INITS.find((i) => i === name);
  if (!init) {
    throw new OptionError(`unknown init '${name}'; expected one of ${TTFS_INITS.join(", ")}`);
  }
  return init;
}

/**
 * The layer Jacobians of `relu` under `init` at one input x [nIn] (values in [0, 1]).
 * "mapped" calibrates its intervals on `calibration` [count, nIn] (default: x itself).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initReluMlp } from "../nn/mlp.ts";
 * import { initJacobians } from "./init_spectra.ts";
 * const relu = initReluMlp([4, 3, 3, 2], new Rng(0));
 * console.log(initJacobians("naive", relu, new Float64Array(4).fill(0.5)).shapes); // [[3, 4], [3, 3]]
 * ```
 */
// spec A7.1
export function initJacobians(
  init: TtfsInit,
  relu: ReluMlp,
  x: Float64Array,
  calibration: Float64Array = x,
  count = 1,
): LayerJacobians {
  const t0 = encodeInput(x), hidden = relu.layers.length - 1;
  switch (init) {
    case "b1":
      return b1Jacobians(b1FromRelu(relu, scratchIntervals(hidden)), t0);
    case "mapped":
      return generalJacobians(mapReluExactly(relu, calibration, count).snn, t0);
    case "naive":
    case "naive-scratch": {
      const intervals = init === "naive" ? "calibrated" : "scratch";
      return generalJacobians(naiveInit(relu, calibration, count, { intervals }).snn, t0);
    }
  }
}

/**
 * The fraction of eigenvalues with |lambda| > 1, over all square layers of `spectra`
 * (NaN if none is square).
 *
 * @example
 * ```ts
 * import { fractionOutsideUnitCircle } from "./init_spectra.ts";
 * const e = { re: new Float64Array([2, 0.5]), im: new Float64Array([0, 0]) };
 * console.log(fractionOutsideUnitCircle([e, undefined])); // 0.5
 * ```
 */
export function fractionOutsideUnitCircle(
  spectra: ({ re: ArrayLike<number>; im: ArrayLike<number> } | undefined)[],
): number {
  let outside = 0, total = 0;
  for (const e of spectra) {
    if (!e) continue;
    for (let k = 0; k < e.re.length; k++) {
      total++;
      if (hypot(e.re[k], e.im[k]) > 1) outside++;
    }
  }
  return total ? outside / total : NaN;
}

/**
 * sigma_max of dt(k)/dt(0) under `init` over the same under "b1", at each depth k of `depths`
 * (ascending, within 1..hidden layers), for `relu` at one input x [nIn].
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initReluMlp } from "../nn/mlp.ts";
 * import { sigmaRatioToB1 } from "./init_spectra.ts";
 * const relu = initReluMlp([4, 4, 4, 2], new Rng(0));
 * console.log(sigmaRatioToB1("naive", relu, new Float64Array(4).fill(0.5), [1, 2]).length); // 2
 * ```
 */
// spec A7.1
export function sigmaRatioToB1(
  init: TtfsInit,
  relu: ReluMlp,
  x: Float64Array,
  depths: number[],
): number[] {
  const b1 = prefixSigmaMax(initJacobians("b1", relu, x), depths);
  return prefixSigmaMax(initJacobians(init, relu, x), depths).map((s, k) => s / b1[k]);
}
