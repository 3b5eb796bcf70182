/**
 * The divergence guard of the training drivers: a run stops with a {@link NumericalError} at
 * its first non-finite loss (checked after every step) or parameter (checked at every epoch's
 * end, before the evaluation), and hands finite copies of the network to
 * `TrainingRunOptions.onCheckpoint` (the starting network as epoch 0, then each epoch that
 * passed the check), so that a caller can keep the last good state.
 *
 * Parameters are named as in the checkpoints ("fc1.weight[123]", "conv1.bias[4]"), flat
 * row-major indices; a TTFS network's coding intervals are "intervals.tmax[n]".
 *
 * @module
 */
import { NumericalError, ValueError } from "../errors.ts";
import { firstNonFinite } from "../io/finite.ts";
import { lifTensors } from "../lif/checkpoint.ts";
import type { LifNetwork } from "../lif/network.ts";
import { layerTensors } from "../nn/layer_tensors.ts";
import type { ReluMlp } from "../nn/mlp.ts";
import type { B1Network } from "../ttfs/b1.ts";

/**
 * Where a run is, for messages: "epoch 2, step 17" (`step` 0-based) or "end of epoch 2".
 *
 * @example
 * ```ts
 * import { runAt } from "./divergence.ts";
 * console.log(runAt(2, 16), runAt(2)); // "epoch 2, step 17" "end of epoch 2"
 * ```
 */
export function runAt(epoch: number, step?: number): string {
  return step === undefined ? `end of epoch ${epoch}` : `epoch ${epoch}, step ${step + 1}`;
}

/**
 * Throws a NumericalError "`where`: `what` is NaN; training stopped" unless `loss` is finite.
 *
 * @example
 * ```ts
 * import { checkLoss } from "./divergence.ts";
 * checkLoss(0.7, "the SNN's training loss", "epoch 1, step 1"); // fine
 * ```
 */
export function checkLoss(loss: number, what: string, where: string): void {
  if (!Number.isFinite(loss)) {
    throw new NumericalError(`${where}: ${what} is ${loss}; training stopped`);
  }
}

/**
 * Runs one training step at `where`: a NumericalError it throws (a logit that overflowed, say)
 * comes back naming `where` and saying that training stopped; other errors pass unchanged.
 * A step that returns a Promise is handled the same way.
 *
 * @example
 * ```ts
 * import { stepAt } from "./divergence.ts";
 * console.log(stepAt("epoch 1, step 1", () => 0.5)); // 0.5
 * ```
 */
export function stepAt<T>(where: string, step: () => T): T {
  const named = (e: unknown) =>
    e instanceof NumericalError
      ? new NumericalError(`${where}: ${e.message}; training stopped`)
      : e;
  try {
    const out = step();
    if (!(out instanceof Promise)) return out;
    return out.catch((e) => {
      throw named(e);
    }) as T;
  } catch (e) {
    throw named(e);
  }
}

/** The first non-finite parameter of a B = 1 network (intervals included), as "fc1.weight[3] is NaN". */
function badB1(net: B1Network): string | undefined {
  const layers = net.layers.map(({ W, D, ...geometry }) => ({ geometry, weight: W, bias: D }));
  const bad = firstNonFinite(layerTensors(layers));
  if (bad) return `${bad.tensor}[${bad.index}] is ${bad.value}`;
  for (const key of ["tmin", "tmax"] as const) {
    const k = net.intervals[key].findIndex((v) => !Number.isFinite(v));
    if (k >= 0) return `intervals.${key}[${k}] is ${net.intervals[key][k]}`;
  }
  return undefined;
}

/** The first non-finite parameter of a ReLU MLP or a LIF network. */
function badLayers(net: ReluMlp | LifNetwork): string | undefined {
  const bad = "lambda" in net ? firstNonFinite(lifTensors(net)) : firstNonFinite(
    layerTensors(net.layers.map(({ w, b, ...geometry }) => ({ geometry, weight: w, bias: b }))),
  );
  return bad && `${bad.tensor}[${bad.index}] is ${bad.value}`;
}

/**
 * Throws a NumericalError naming `where` and the first non-finite parameter of the SNN (its
 * weights, biases and coding intervals) or, if given, of its ReLU twin.
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initB1Network } from "../ttfs/b1.ts";
 * import { checkB1Parameters } from "./divergence.ts";
 * checkB1Parameters(initB1Network([4, 3, 2], new Rng(0)), undefined, "end of epoch 1"); // fine
 * ```
 */
export function checkB1Parameters(net: B1Network, twin: ReluMlp | undefined, where: string): void {
  const snn = badB1(net), relu = twin && badLayers(twin);
  if (snn) throw new NumericalError(`${where}: the SNN's ${snn}; training stopped`);
  if (relu) throw new NumericalError(`${where}: the ReLU twin's ${relu}; training stopped`);
}

/**
 * Throws a NumericalError naming `where` and the first non-finite weight or bias of `net`.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../lif/network.ts";
 * import { Rng } from "../nn/rng.ts";
 * import { checkLifParameters } from "./divergence.ts";
 * checkLifParameters(initLifNetwork([4, 3, 2], new Rng(0)), "end of epoch 1"); // fine
 * ```
 */
export function checkLifParameters(net: LifNetwork, where: string): void {
  const bad = badLayers(net);
  if (bad) throw new NumericalError(`${where}: the network's ${bad}; training stopped`);
}

/**
 * Throws a ValueError unless every parameter of a network to start training from is finite.
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../lif/network.ts";
 * import { Rng } from "../nn/rng.ts";
 * import { checkInitialNetwork } from "./divergence.ts";
 * checkInitialNetwork(initLifNetwork([4, 3, 2], new Rng(0))); // fine
 * ```
 */
export function checkInitialNetwork(net: B1Network | LifNetwork): void {
  const bad = "lambda" in net ? badLayers(net) : badB1(net);
  if (bad) throw new ValueError(`the initial network's ${bad}; expected finite numbers`);
}

/**
 * A deep copy of a B = 1 network (weights, biases and intervals).
 *
 * @example
 * ```ts
 * import { Rng } from "../nn/rng.ts";
 * import { initB1Network } from "../ttfs/b1.ts";
 * import { cloneB1 } from "./divergence.ts";
 * const net = initB1Network([4, 3, 2], new Rng(0));
 * console.log(cloneB1(net).layers[0].W !== net.layers[0].W); // true
 * ```
 */
export function cloneB1(net: B1Network): B1Network {
  return {
    layers: net.layers.map((l) => ({ ...l, W: l.W.slice(), D: l.D.slice() })),
    intervals: { tmin: [...net.intervals.tmin], tmax: [...net.intervals.tmax] },
  };
}

/**
 * A deep copy of a LIF network (weights and biases; the geometry is shared).
 *
 * @example
 * ```ts
 * import { initLifNetwork } from "../lif/network.ts";
 * import { Rng } from "../nn/rng.ts";
 * import { cloneLif } from "./divergence.ts";
 * const net = initLifNetwork([4, 3, 2], new Rng(0));
 * console.log(cloneLif(net).layers[1].b !== net.layers[1].b); // true
 * ```
 */
export function cloneLif(net: LifNetwork): LifNetwork {
  return { ...net, layers: net.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })) };
}
