/**
 * Benchmark cases, shared by the mitata (Bun, Deno) and tinybench (Node) runners. Each case is
 * a row (`group`) and a column: "ref" (float64 TypeScript), "wasm" (the WASM backend through
 * the Backend interface, float64 in and out), "wasm f32" (float32 operands resident in the
 * core: the kernel alone for matmul, the backend-owned step for the twin step), "wasm f32 x2"
 * (the owned step over two workers), "peer" (tfjs-backend-wasm, XNNPACK, one thread). Inputs are
 * built once, with seeds, outside the timed functions; the training steps use real images
 * (the embedded Fashion-MNIST subset), since the kernels skip zeros as the reference does.
 */
import type { Backend } from "../src/backend/backend.ts";
import { refBackend } from "../src/backend/ref.ts";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { WasmCore } from "../src/backend/wasm/core.ts";
import { gatherBatch } from "../src/data/batching.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { softmaxCrossEntropy } from "../src/nn/loss.ts";
import { Adam } from "../src/nn/optim.ts";
import { Rng } from "../src/nn/rng.ts";
import { b1Backward, b1Forward, b1Params, initB1Network } from "../src/ttfs/b1.ts";
import { encodeInput } from "../src/ttfs/encoding.ts";
import { TwinTrainer } from "../src/experiments/twin_trainer.ts";
import { widenIntervals } from "../src/ttfs/intervals.ts";
import { lifStepCases } from "./lif_cases.ts";
import { loadPeer, type Tf } from "./peer.ts";

/** A named function to time. */
export interface BenchCase {
  group: string;
  column: "ref" | "wasm" | "wasm f32" | "wasm f32 x2" | "peer";
  fn: () => void;
  /** Floating-point operations per call, to report GFLOP/s. */
  flops?: number;
}

export const MATMUL_SIZES = [128, 256, 512];
export const STEP = "ttfs-fc2 training step, batch 64";
export const TWIN_STEP = "ttfs-fc2 twin step (train's), batch 64";

function randomArray(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform());
}

function matmulCases(tf: Tf | undefined): BenchCase[] {
  const rng = new Rng(1),
    wasm = createWasmBackend(),
    core = new WasmCore(),
    cases: BenchCase[] = [];
  for (const n of MATMUL_SIZES) {
    const x = randomArray(rng, n * n), W = randomArray(rng, n * n), b = new Float64Array(n);
    const z = new Float64Array(n * n), group = `matmul ${n}`, flops = 2 * n * n * n;
    cases.push({
      group,
      column: "ref",
      fn: () => refBackend.denseForward(x, W, b, z, n, n, n),
      flops,
    });
    cases.push({ group, column: "wasm", fn: () => wasm.denseForward(x, W, b, z, n, n, n), flops });
    const px = core.put(x, n * n), pW = core.put(W, n * n), pb = core.put(b, n);
    const pz = core.alloc(n * n * 4), ps = core.alloc(core.exports.denseScratchBytes(n, n, n, 1));
    const ex = core.exports;
    cases.push({
      group,
      column: "wasm f32",
      fn: () => ex.denseForward2(px, pW, pb, pz, n, n, n, ps),
      flops,
    });
    if (tf) {
      // tfjs keeps a dense kernel as [nIn, nOut]: z = x k, its fast (untransposed) path
      const tx = tf.tensor2d(Float32Array.from(x), [n, n]),
        tk = tf.tensor2d(Float32Array.from(W), [n, n]);
      cases.push({ group, column: "peer", fn: () => tf.matMul(tx, tk).dispose(), flops });
    }
  }
  return cases;
}

/** One SNN training step: forward, softmax cross-entropy, backward, Adam, widening. */
function snnStep(backend: Backend, x: Float64Array, labels: Int32Array, B: number): () => void {
  const net = initB1Network([784, 340, 10], new Rng(2)),
    opt = new Adam(b1Params(net), { lr: 1e-3 });
  return () => {
    const f = b1Forward(net, encodeInput(x), B, backend);
    const loss = softmaxCrossEntropy(f.logits, labels, B, 10);
    opt.step(b1Backward(net, f, loss.dLogits, backend));
    net.intervals = widenIntervals(net.intervals, f.maxActivation);
  };
}

/**
 * The step `train` takes: the SNN and its ReLU twin (TwinTrainer), on the reference, on the
 * wasm backend's float64-API kernels (the reference step), and on its fused float32 step with one
 * thread and with two workers.
 */
function twinStepCases(x: Float64Array, labels: Int32Array, B: number): BenchCase[] {
  const trainer = (backend: Backend, step: "fused" | "ref" = "fused") => {
    const t = new TwinTrainer([784, 340, 10], { seed: 2, lr: 1e-3, backend, step });
    return () => void t.step(x, labels, B);
  };
  return [
    { group: TWIN_STEP, column: "ref", fn: trainer(refBackend) },
    { group: TWIN_STEP, column: "wasm", fn: trainer(createWasmBackend(), "ref") },
    { group: TWIN_STEP, column: "wasm f32", fn: trainer(createWasmBackend()) },
    { group: TWIN_STEP, column: "wasm f32 x2", fn: trainer(createWasmBackend({ workers: 2 })) },
  ];
}

/**
 * The peer's equivalent: a 784-340-10 ReLU MLP, softmax cross-entropy, Adam. The gradients are
 * written out with tfjs ops (tfjs-core's Node bundle registers no gradient functions, so
 * `minimize` cannot run); tfjs's own Adam applies them.
 */
function peerStep(tf: Tf, x: Float64Array, labels: Int32Array, B: number): () => void {
  const v = (t: ReturnType<Tf["zeros"]>, name: string) => tf.variable(t, true, name);
  const w1 = v(tf.randomUniform([784, 340], -0.07, 0.07), "w1"), b1 = v(tf.zeros([340]), "b1");
  const w2 = v(tf.randomUniform([340, 10], -0.12, 0.12), "w2"), b2 = v(tf.zeros([10]), "b2");
  const xs = tf.tensor2d(Float32Array.from(x), [B, 784]);
  const ys = tf.oneHot(tf.tensor1d(labels, "int32"), 10), opt = tf.train.adam(1e-3);
  return () =>
    tf.tidy(() => {
      const z1 = tf.add(tf.matMul(xs, w1), b1), h = tf.relu(z1);
      const logits = tf.add(tf.matMul(h, w2), b2);
      const dl = tf.div(tf.sub(tf.softmax(logits), ys), B); // d(mean CE)/d logits
      const dz1 = tf.mul(tf.matMul(dl, w2, false, true), tf.step(z1));
      opt.applyGradients({
        w1: tf.matMul(xs, dz1, true, false),
        b1: tf.sum(dz1, 0),
        w2: tf.matMul(h, dl, true, false),
        b2: tf.sum(dl, 0),
      });
    });
}

/** Every case; the peer's columns are left out where tfjs cannot start. */
export async function benchCases(): Promise<BenchCase[]> {
  const tf = await loadPeer(), B = 64;
  const data = await loadFashionMnist({ dir: "embedded" });
  const order = new Rng(4).permutation(data.train.count),
    batch = gatherBatch(data.train, order, 0, B);
  const labels = Int32Array.from(batch.labels);
  const cases = matmulCases(tf);
  cases.push({ group: STEP, column: "ref", fn: snnStep(refBackend, batch.x, labels, B) });
  cases.push({ group: STEP, column: "wasm", fn: snnStep(createWasmBackend(), batch.x, labels, B) });
  if (tf) cases.push({ group: STEP, column: "peer", fn: peerStep(tf, batch.x, labels, B) });
  cases.push(...twinStepCases(batch.x, labels, B));
  cases.push(...lifStepCases(batch.x, labels, B));
  return cases;
}

/** The core's f32x4 multiply-add limit in this engine, GFLOP/s (see core-as/assembly/peak.ts). */
export function measurePeak(seconds: number): number {
  const core = new WasmCore(), buf = core.alloc(1024), ex = core.exports;
  for (let i = 0; i < 3000; i++) ex.peakFlops(buf, 100); // past the baseline tier
  const iters = 20000, t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < seconds * 1000) (ex.peakFlops(buf, iters), calls++);
  return (calls * iters * 64) / ((performance.now() - t0) * 1e6);
}
