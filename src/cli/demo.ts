/**
 * `spikeproof demo` (also `npm run demo`): train ttfs-fc2 on the embedded Fashion-MNIST subset
 * in about a minute and say what happened.
 *
 * @module
 */
import { backendByName, CLI_BACKEND } from "../backend/select.ts";
import { loadFashionMnist } from "../data/fashion_mnist.ts";
import { OptionError } from "../errors.ts";
import { trainTtfs } from "../experiments/train_ttfs.ts";
import { TTFS_SUBSET_TRAINING, ttfsModelLayers } from "../ttfs/models.ts";
import { type CommandSpec, numberOption, optionsOf, type ParsedOptions } from "./args.ts";
import { stderrEpoch, stderrProgress } from "./progress.ts";
import { runtimeName, summarize } from "./train.ts";

/** `demo`'s options and help. */
export const demoSpec: CommandSpec = {
  name: "demo",
  summary: "Train ttfs-fc2 (784-340-10) and its ReLU twin on the embedded Fashion-MNIST subset " +
    "(2,500 train / 1,000 test images) and print accuracy and spikes per neuron.",
  options: {
    epochs: {
      type: "string",
      value: "N",
      default: String(TTFS_SUBSET_TRAINING.epochs),
      help: "epochs",
    },
    seed: { type: "string", value: "N", default: "0", help: "seed" },
    backend: {
      type: "string",
      value: "wasm|ref",
      default: CLI_BACKEND,
      help: "wasm: the fused float32 step (fast); ref: float64, the twin trained beside the SNN",
    },
  },
};

/** What the demo says about the backend before training, and about the twin after. */
const BACKEND_WORDS: Record<string, { before: string; after: (diff: number) => string }> = {
  wasm: {
    before: "the wasm backend (the fused float32 WASM SIMD step; the ReLU twin is the SNN's " +
      "ReLU map, checked each epoch by a float64 replay)",
    after: (diff) =>
      "The float32 step trained the SNN; its ReLU twin follows the same trajectory: after " +
      `each epoch two float64\nreference steps of both from the same state kept their weights within ${
        diff.toExponential(1)
      } (round-off).`,
  },
  ref: {
    before: "the float64 reference backend (SNN and twin trained side by side)",
    after: (diff) =>
      "The SNN and its ReLU twin trained along the same trajectory: their weights differ by at " +
      `most ${diff.toExponential(1)},\nfloat64 round-off.`,
  },
};

/**
 * Run the demo.
 *
 * @example
 * ```ts ignore
 * import { runDemo } from "./demo.ts";
 * await runDemo([]);
 * ```
 */
export async function runDemo(argv: string[] | ParsedOptions): Promise<void> {
  const o = optionsOf(demoSpec, argv);
  console.log(
    "spikeproof demo: a time-to-first-spike network whose spike times are ReLU activations.",
  );
  const name = String(o.backend), words = BACKEND_WORDS[name];
  if (!words) throw new OptionError(`--backend must be wasm or ref, got '${name}'`);
  const backend = backendByName(name);
  console.log(
    "Training the spiking network (B = 1) and an ordinary ReLU twin from the same init, on " +
      `${words.before}...\n`,
  );
  const data = await loadFashionMnist({ dir: "embedded" });
  const { network: _, ...r } = trainTtfs(data.train, data.test, {
    backend,
    layers: ttfsModelLayers("ttfs-fc2", { h: 28, w: 28, c: 1 }, 10),
    ...TTFS_SUBSET_TRAINING, // the subset is small: the rate decays every 100 steps
    epochs: numberOption(o, "epochs", { integer: true, min: 1 }),
    seed: numberOption(o, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    onProgress: stderrProgress(),
    onEpoch: stderrEpoch,
  });
  const report = { model: "ttfs-fc2", data: data.source, runtime: runtimeName(), backend: name };
  console.log(summarize({ ...report, ...r }));
  const diff = r.reluTwin === "trained"
    ? r.maxAbsWeightDiffVsReluTwin
    : Math.max(...r.history.map((e) => e.replayMaxAbsWeightDiff ?? NaN));
  console.log(
    `\n${words.after(diff)} Each hidden neuron fired at most once; ${
      (r.spikesPerNeuron * 100).toFixed(1)
    }% of them fired per image.\nFor the full set: npm run cli -- train --data DIR (see README).`,
  );
}
