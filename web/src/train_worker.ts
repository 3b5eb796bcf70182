/// <reference lib="dom" />
// The training worker: trains ttfs-fc2 and its ReLU twin on the embedded Fashion-MNIST subset
// with the library's own loop (`trainTtfsAsync`), on WebGPU where the worker has
// `navigator.gpu` and an adapter, else on the wasm core; and a small lif-mlp with SAF-E and
// OTTT_O from the same init on the same batches, whose spikes it compares.
import { openBackend } from "../../src/backend/select.ts";
import type { AsyncBackend } from "../../src/backend/backend.ts";
import { gatherBatch } from "../../src/data/batching.ts";
import { loadFashionMnist } from "../../src/data/fashion_mnist.ts";
import { trainLif } from "../../src/experiments/train_lif.ts";
import { trainTtfsAsync } from "../../src/experiments/train_ttfs.ts";
import { codeInput } from "../../src/lif/coding.ts";
import { safOutputs } from "../../src/lif/convert.ts";
import type { LifNetwork } from "../../src/lif/network.ts";
import { otttGradients } from "../../src/lif/ottt.ts";
import { safEGradients } from "../../src/lif/saf.ts";
import { maxAbsDifference } from "../../src/nn/linalg.ts";
import { lifForward } from "../../src/lif/simulate.ts";
import { b1Forward } from "../../src/ttfs/b1.ts";
import { encodeInput } from "../../src/ttfs/encoding.ts";
import { TTFS_SUBSET_TRAINING, ttfsModelLayers } from "../../src/ttfs/models.ts";
import type { TrainMessage, TrainRequest } from "./messages.ts";

const post = (m: TrainMessage) => (self as unknown as Worker).postMessage(m);

/** WebGPU where asked for or available, else wasm; with the reason, for the page. */
async function pickBackend(want: string): Promise<{ backend: AsyncBackend; why: string }> {
  const gpu = (navigator as Navigator & { gpu?: unknown }).gpu;
  if (want !== "wasm" && gpu) {
    try {
      return { backend: await openBackend("webgpu"), why: "navigator.gpu gave an adapter" };
    } catch (e) {
      if (want === "webgpu") throw e;
      return { backend: await openBackend("wasm"), why: `no WebGPU device (${e}), so wasm` };
    }
  }
  if (want === "webgpu") throw new Error("this browser has no navigator.gpu");
  const why = want === "wasm" ? "asked for" : "no navigator.gpu in this browser";
  return { backend: await openBackend("wasm"), why };
}

async function trainTtfsPage(r: Extract<TrainRequest, { kind: "ttfs" }>): Promise<void> {
  const data = await loadFashionMnist({ dir: "embedded" });
  const { backend, why } = await pickBackend(r.backend);
  post({ kind: "backend", name: backend.name, why });
  let last = 0;
  const res = await trainTtfsAsync(data.train, data.test, {
    layers: ttfsModelLayers("ttfs-fc2", { h: 28, w: 28, c: 1 }, 10),
    ...TTFS_SUBSET_TRAINING,
    epochs: r.epochs,
    seed: 0,
    backend,
    onEpoch: (record) => post({ kind: "epoch", record }),
    onProgress: (p) => {
      const now = performance.now();
      if (now - last > 100 || p.step === p.stepsPerEpoch) {
        (last = now), post({ kind: "progress", progress: p });
      }
    },
  });
  backend.close();
  const one = gatherBatch(data.test, [0], 0, 1), f = b1Forward(res.network, encodeInput(one.x), 1);
  post({
    kind: "ttfs-done",
    testAccuracy: res.testAccuracy,
    reluTwinTestAccuracy: res.reluTwinTestAccuracy,
    agreement: res.agreementWithReluTwin,
    reluTwin: res.reluTwin,
    maxAbsWeightDiff: res.reluTwin === "trained"
      ? res.maxAbsWeightDiffVsReluTwin
      : res.history[res.history.length - 1].replayMaxAbsWeightDiff ?? NaN,
    spikesPerNeuron: res.spikesPerNeuron,
    seconds: res.seconds,
    raster: { times: f.neuronTimes, ...res.intervals, label: one.labels[0] },
  });
}

async function trainLifPage(r: Extract<TrainRequest, { kind: "lif" }>): Promise<void> {
  const data = await loadFashionMnist({ dir: "embedded" });
  const runs = ["saf-e", "ottt-o"].map((method) =>
    trainLif(data.train, data.test, {
      layers: [784, r.hidden, 10],
      method,
      T: r.T,
      epochs: r.epochs,
      batch: 64,
      lr: 1e-3,
      seed: 0,
      onProgress: (progress) => {
        if (progress.step % 10 === 0) post({ kind: "lif-progress", method, progress });
      },
    })
  );
  const [saf, ottt] = runs, count = 100;
  const b = gatherBatch(data.test, Array.from({ length: count }, (_, k) => k), 0, count);
  const xs = codeInput(b.x, r.T, "direct", 0);
  post({
    kind: "lif-done",
    methods: runs.map((x) => ({
      method: x.method,
      testAccuracy: x.testAccuracy,
      seconds: x.seconds,
    })),
    sameWeights: sameWeights(saf.network, xs, b.labels, count),
    trained: {
      ...compareSpikes(
        lifForward(saf.network, xs, count, { record: true }).spikeTrains,
        lifForward(ottt.network, xs, count, { record: true }).spikeTrains,
      ),
      maxAbsWeightDiff: Math.max(
        ...saf.network.layers.map((l, k) => maxAbsDifference([l.w], [ottt.network.layers[k].w])),
      ),
    },
  });
}

/** Spikes equal entry by entry, over every [layer][step] of two records. */
function compareSpikes(a: Float64Array[][], o: Float64Array[][]) {
  let spikesCompared = 0, spikesEqual = 0;
  a.forEach((layer, l) =>
    layer.forEach((s, t) =>
      s.forEach((v, i) => ((spikesCompared += 1), (spikesEqual += +Object.is(v, o[l][t][i]))))
    )
  );
  return { spikesEqual, spikesCompared };
}

/** At one net's weights: SAF's spikes vs LIF's (SPEC B3 claim 1), SAF-E's vs OTTT's gradient. */
function sameWeights(net: LifNetwork, xs: Float64Array[], labels: Int32Array, count: number) {
  const saf = safOutputs(net, xs, count), lif = lifForward(net, xs, count, { record: true });
  const bySteps = saf.spikes[0].map((_, l) => saf.spikes.map((step) => step[l]));
  const gs = safEGradients(net, xs, labels, count).grads;
  const go = otttGradients(net, xs, labels, count).grads;
  const scale = Math.max(...go.map((g) => maxAbsDifference([g], [new Float64Array(g.length)])));
  return {
    ...compareSpikes(bySteps, lif.spikeTrains),
    gradientRelDiff: maxAbsDifference(gs, go) / scale,
  };
}

self.onmessage = async (e: MessageEvent<TrainRequest>) => {
  try {
    await (e.data.kind === "ttfs" ? trainTtfsPage(e.data) : trainLifPage(e.data));
  } catch (err) {
    post({
      kind: "error",
      message: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
};
