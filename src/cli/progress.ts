/**
 * A progress bar on stderr: epoch, a bar, loss, accuracy and an ETA. On a terminal it redraws
 * one line (at most ten times a second); otherwise it prints one line per epoch, so logs stay
 * readable.
 *
 * @module
 */
import process from "node:process";
import type { EpochRecord } from "../experiments/train_ttfs.ts";
import type { TrainProgress } from "../experiments/training_run.ts";

/**
 * Format seconds as `1h02m`, `3m05s` or `42s`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./progress.ts";
 * console.log(formatDuration(185)); // "3m05s"
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (v: number) => String(v).padStart(2, "0");
  if (s >= 3600) return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${s}s`;
}

/**
 * One line of progress text.
 *
 * @example
 * ```ts
 * import { progressLine } from "./progress.ts";
 * const p = { epoch: 1, epochs: 2, step: 5, stepsPerEpoch: 10, loss: 0.5, accuracy: 0.8, elapsedSeconds: 1, etaSeconds: 3 };
 * console.log(progressLine(p, 10)); // "epoch 1/2 [#####.....]  50% loss 0.5000 acc 80.00% ETA 3s"
 * ```
 */
export function progressLine(p: TrainProgress, width = 24): string {
  const frac = p.step / p.stepsPerEpoch, filled = Math.round(frac * width);
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ` +
    `loss ${p.loss.toFixed(4)} acc ${(p.accuracy * 100).toFixed(2)}% ETA ${
      formatDuration(p.etaSeconds)
    }`;
}

/**
 * A progress callback that draws on stderr.
 *
 * @example
 * ```ts ignore
 * import { stderrProgress } from "./progress.ts";
 * const onProgress = stderrProgress();
 * ```
 */
export function stderrProgress(): (p: TrainProgress) => void {
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  return (p) => {
    const end = p.step === p.stepsPerEpoch, now = performance.now();
    if (tty && (end || now - last > 100)) {
      last = now;
      process.stderr.write(`\r${progressLine(p)}\x1b[K${end ? "\n" : ""}`);
    } else if (!tty && end) {
      process.stderr.write(`${progressLine(p)}\n`);
    }
  };
}

/**
 * Print an epoch's test accuracies on stderr, under its progress line.
 *
 * @example
 * ```ts ignore
 * import { stderrEpoch } from "./progress.ts";
 * stderrEpoch({ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, reluTwinTrainLoss: 0.5, testAccuracy: 0.85, reluTwinTestAccuracy: 0.85, seconds: 60 });
 * ```
 */
export function stderrEpoch(r: EpochRecord): void {
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  process.stderr.write(
    `  test accuracy ${pct(r.testAccuracy)} (ReLU twin ${pct(r.reluTwinTestAccuracy)}), ` +
      `epoch took ${formatDuration(r.seconds)}\n`,
  );
}
