/**
 * `train --save FILE` when training diverges: the run stops with a NumericalError (a
 * non-finite loss or parameter, see `experiments/divergence.ts`), and FILE receives the last
 * finite network the run reported (`onCheckpoint`: the starting one, or the one after the
 * last good epoch), never the diverged one. The error, re-thrown, says what FILE holds.
 *
 * @module
 */
import { NumericalError } from "../errors.ts";

/**
 * Runs `train` with an `onCheckpoint` callback that keeps the last finite network (only when
 * there is a `save` path: the copies cost a network per epoch); on a NumericalError, writes
 * that network to `save` with `write` and re-throws the error, naming the file and the epoch
 * it holds.
 *
 * @example
 * ```ts ignore
 * import { keepLastGood } from "./last_good.ts";
 * const result = await keepLastGood(
 *   (onCheckpoint) => trainTtfs(train, test, { ...options, onCheckpoint }),
 *   "model.safetensors",
 *   saveB1Network,
 * );
 * ```
 */
export async function keepLastGood<N, R>(
  train: (onCheckpoint?: (net: N, epoch: number) => void) => R | Promise<R>,
  save: string | undefined,
  write: (path: string, net: N) => Promise<void>,
): Promise<R> {
  if (save === undefined) return await train(); // nothing to keep: no copy of every epoch
  let good: { net: N; epoch: number } | undefined;
  try {
    return await train((net, epoch) => (good = { net, epoch }));
  } catch (e) {
    if (!(e instanceof NumericalError) || good === undefined) throw e;
    await write(save, good.net);
    const which = good.epoch === 0
      ? "the starting network"
      : `the network after epoch ${good.epoch}`;
    throw new NumericalError(`${e.message}; ${save} holds ${which}, the last finite one`);
  }
}
