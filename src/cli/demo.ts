/**
 * `spikeproof demo` (also `npm run demo`): train ttfs-fc2 on the embedded Fashion-MNIST subset
 * in about a minute and say what happened.
 *
 * @module
 */
import { loadFashionMnist } from "../data/fashion_mnist.ts";
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
  console.log(
    "Training the spiking network (B = 1) and an ordinary ReLU twin from the same init, on the " +
      "float64 reference backend...\n",
  );
  const data = await loadFashionMnist({ dir: "embedded" });
  const { network: _, ...r } = trainTtfs(data.train, data.test, {
    layers: ttfsModelLayers("ttfs-fc2", { h: 28, w: 28, c: 1 }, 10),
    ...TTFS_SUBSET_TRAINING, // the subset is small: the rate decays every 100 steps
    epochs: numberOption(o, "epochs", { integer: true, min: 1 }),
    seed: numberOption(o, "seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    onProgress: stderrProgress(),
    onEpoch: stderrEpoch,
  });
  console.log(summarize({ model: "ttfs-fc2", data: data.source, runtime: runtimeName(), ...r }));
  const diff = r.maxAbsWeightDiffVsReluTwin;
  console.log(
    `\nThe SNN and its ReLU twin trained along the same trajectory: their weights differ by at most ${
      diff.toExponential(1)
    },\nfloat64 round-off. Each hidden neuron fired at most once; ${
      (r.spikesPerNeuron * 100).toFixed(1)
    }% of them fired per image.\nFor the full set: npm run cli -- train --data DIR (see README).`,
  );
}
