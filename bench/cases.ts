/**
 * Benchmark cases, shared by the mitata (Bun, Deno) and tinybench (Node) runners. Each case
 * is a name and a function; inputs are built once, with seeds, outside the timed function.
 * Reference backend only for now: the WASM core and the peer join these cases later.
 */
import { refBackend } from "../src/backend/ref.ts";
import { TwinTrainer } from "../src/experiments/twin_trainer.ts";
import { Rng } from "../src/nn/rng.ts";
import { b1Backward, b1Forward, initB1Network } from "../src/ttfs/b1.ts";
import { encodeInput } from "../src/ttfs/encoding.ts";
import { softmaxCrossEntropy } from "../src/nn/loss.ts";

/** A named function to time. */
export interface BenchCase {
  name: string;
  fn: () => void;
  /** Floating-point operations per call, to report GFLOP/s. */
  flops?: number;
}

function randomArray(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform());
}

/** The cases: dense forward at three sizes and a ttfs-fc2 training step, batch 64. */
export function benchCases(): BenchCase[] {
  const rng = new Rng(1), cases: BenchCase[] = [];
  for (const n of [128, 256, 512]) {
    const x = randomArray(rng, n * n), W = randomArray(rng, n * n), b = new Float64Array(n);
    const z = new Float64Array(n * n);
    cases.push({
      name: `ref matmul ${n}x${n}x${n}`,
      fn: () => refBackend.denseForward(x, W, b, z, n, n, n),
      flops: 2 * n * n * n,
    });
  }
  const B = 64,
    x = randomArray(rng, B * 784),
    labels = Int32Array.from({ length: B }, () => rng.int(10));
  const net = initB1Network([784, 340, 10], new Rng(2)), t0 = encodeInput(x);
  cases.push({
    name: "ref ttfs-fc2 SNN step (fwd+bwd), batch 64",
    fn: () => {
      const f = b1Forward(net, t0, B);
      b1Backward(net, f, softmaxCrossEntropy(f.logits, labels, B, 10).dLogits);
    },
  });
  const trainer = new TwinTrainer([784, 340, 10], { seed: 3 });
  cases.push({
    name: "ref ttfs-fc2 twin training step (SNN + ReLU + Adam), batch 64",
    fn: () => void trainer.step(x, labels, B),
  });
  return cases;
}
