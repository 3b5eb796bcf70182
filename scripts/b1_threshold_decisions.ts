/**
 * The B = 1 threshold, checked on a trained network (docs/spec.md A5.1, proofs section 3): the
 * hidden neurons of results/ttfs-fc2.safetensors simulated event by event as A3 neurons
 * (J = W, alpha = 1 - sum W) on the first N embedded test images, counting the fire/silent
 * decisions that differ from the B = 1 closed form under three thresholds:
 *   as written before: theta = tmax(n) - tmin(n) - D, firing from tmin(n-1);
 *   corrected, no block: theta + alpha (tmin(n) - tmin(n-1)), firing from tmin(n-1);
 *   corrected, blocked:  the same, firing only from tmin(n) (b1AsGeneralLayer, simulateB1Neuron).
 *
 * Run: `npx tsx scripts/b1_threshold_decisions.ts [N]` (default 200: 68,000 decisions).
 *
 * @module
 */
import process from "node:process";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { b1Forward } from "../src/ttfs/b1.ts";
import { b1AsGeneralLayer, simulateB1Neuron } from "../src/ttfs/b1_neuron.ts";
import { loadB1Network } from "../src/ttfs/checkpoint.ts";
import { encodeInput } from "../src/ttfs/encoding.ts";
import { simulateSpike } from "../src/ttfs/neuron.ts";

const N = Number(process.argv[2] ?? 200);
const net = await loadB1Network(
  new URL("../results/ttfs-fc2.safetensors", import.meta.url).pathname,
);
const data = await loadFashionMnist({ dir: "embedded" });
const x = Float64Array.from(data.test.images.subarray(0, N * 784), (v) => v / 255);
const fwd = b1Forward(net, encodeInput(x), N), { tmin, tmax } = net.intervals;
const layer = b1AsGeneralLayer(net.layers[0], net.intervals, 1), nIn = layer.nIn;
const wrong = { asWritten: 0, correctedNoBlock: 0, correctedBlocked: 0 };
for (let b = 0; b < N; b++) {
  const tIn = fwd.spikeTimes[0].subarray(b * nIn, (b + 1) * nIn);
  for (let i = 0; i < layer.nOut; i++) {
    const fired = fwd.neuronTimes[1][b * layer.nOut + i] < tmax[1];
    const J = layer.J.subarray(i * nIn, (i + 1) * nIn), alpha = layer.alpha[i];
    const old = tmax[1] - tmin[1] - net.layers[0].D[i];
    const decide = (t: number) => t < tmax[1] !== fired;
    if (decide(simulateSpike(tIn, J, alpha, old, tmin[0], tmax[1]).t)) wrong.asWritten++;
    if (decide(simulateSpike(tIn, J, alpha, layer.theta[i], tmin[0], tmax[1]).t)) {
      wrong.correctedNoBlock++;
    }
    if (decide(simulateB1Neuron(layer, net.intervals, 1, i, tIn).t)) wrong.correctedBlocked++;
  }
}
console.log(JSON.stringify({ images: N, decisions: N * layer.nOut, wrong }));
