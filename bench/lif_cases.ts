/**
 * lif-mlp training-step cases: one batch of 64 real images through a 784-512-10 LIF network at
 * T = 6 (direct coding), gradients and Adam, for OTTT_O, SAF-E (Adam after every time step),
 * OTTT_A and SAF-F (Adam once per batch), on the float64 reference ("ref") and on the wasm
 * backend's float32 kernels through the Backend interface ("wasm"). OTTT runs its default
 * trace variant with the Replace (two-matmul) forward in every layer: 2x SAF's forward MACs,
 * not the authors' code, which leaves layer 1 unwrapped (0.988x on this net). `lifOnlineThroughput` times SAF-E and OTTT_O in images/s
 * on ref, wasm and the GPU-owned WebGPU step ("webgpu", weights and Adam state resident on
 * the GPU; only where WebGPU exists), a few batches each (bench/lif_webgpu.ts runs it).
 *
 * @module
 */
import type { Backend } from "../src/backend/backend.ts";
import { refBackend } from "../src/backend/ref.ts";
import { createWasmBackend } from "../src/backend/wasm.ts";
import { webGpuAvailable } from "../src/backend/webgpu/device.ts";
import { createWebGpuLifStep } from "../src/steps/lif/webgpu.ts";
import { codeInput } from "../src/lif/coding.ts";
import { lifMethod } from "../src/lif/methods.ts";
import { initLifNetwork, lifParams } from "../src/lif/network.ts";
import { Adam } from "../src/nn/optim.ts";
import { Rng } from "../src/nn/rng.ts";
import type { BenchCase } from "./cases.ts";

/**
 * The methods timed, by display name and command-line name.
 *
 * @example
 * ```ts
 * import { LIF_BENCH_METHODS } from "./lif_cases.ts";
 * console.log(LIF_BENCH_METHODS[1]); // ["SAF-E", "saf-e"]
 * ```
 */
export const LIF_BENCH_METHODS = [
  ["OTTT_O trace", "ottt-o"],
  ["SAF-E", "saf-e"],
  ["OTTT_A trace", "ottt-a"],
  ["SAF-F", "saf-f"],
] as const;

/**
 * The ratios reported: [numerator, denominator] display names.
 *
 * @example
 * ```ts
 * import { LIF_RATIOS } from "./lif_cases.ts";
 * console.log(LIF_RATIOS[0].join("/")); // "SAF-E/OTTT_O trace"
 * ```
 */
export const LIF_RATIOS = [["SAF-E", "OTTT_O trace"], ["SAF-F", "OTTT_A trace"]] as const;

/**
 * The row name of a method's lif-mlp step.
 *
 * @example
 * ```ts
 * import { lifStepGroup } from "./lif_cases.ts";
 * console.log(lifStepGroup("SAF-E")); // "lif-mlp step T=6 SAF-E, batch 64"
 * ```
 */
export function lifStepGroup(method: string): string {
  return `lif-mlp step T=6 ${method}, batch 64`;
}

/** One training step of `method` (gradients and Adam) on a fixed batch. */
function lifStep(
  method: string,
  backend: Backend,
  x: Float64Array,
  labels: Int32Array,
  B: number,
): () => void {
  const m = lifMethod(method), net = initLifNetwork([784, 512, 10], new Rng(2));
  const adam = new Adam(lifParams(net), { lr: 3e-4 }), xs = codeInput(x, 6, "direct", 0);
  return () => {
    const r = m.gradients(net, xs, labels, B, {
      backend,
      onStep: m.update === "step" ? (g) => adam.step(g) : undefined,
    });
    if (m.update === "batch") adam.step(r.grads);
  };
}

/**
 * The lif-mlp step cases, ref and wasm columns, for every method of {@link LIF_BENCH_METHODS}.
 *
 * @example
 * ```ts ignore
 * const cases = lifStepCases(batch.x, labels, 64);
 * ```
 */
export function lifStepCases(x: Float64Array, labels: Int32Array, B: number): BenchCase[] {
  const wasm = createWasmBackend();
  return LIF_BENCH_METHODS.flatMap(([shown, name]) => [
    {
      group: lifStepGroup(shown),
      column: "ref" as const,
      fn: lifStep(name, refBackend, x, labels, B),
    },
    { group: lifStepGroup(shown), column: "wasm" as const, fn: lifStep(name, wasm, x, labels, B) },
  ]);
}

/** One method's throughput on one column. */
export interface LifThroughput {
  /** "SAF-E" or "OTTT_O trace". */
  method: string;
  /** The backend. */
  column: "ref" | "wasm" | "webgpu";
  /** Training images per second (batches of B, T = 6, Adam after every step). */
  imagesPerSecond: number;
  /** Batches timed (after one untimed warm-up batch). */
  batches: number;
}

/**
 * SAF-E and OTTT_O lif-mlp (784-512-10, T = 6, Adam every step) training throughput on ref,
 * wasm and (where WebGPU exists) webgpu: one warm-up batch, then `batches` timed batches of
 * the same images.
 *
 * @example
 * ```ts ignore
 * const rows = await lifOnlineThroughput(batch.x, labels, 64, 3);
 * ```
 */
export async function lifOnlineThroughput(
  x: Float64Array,
  labels: Int32Array,
  B: number,
  batches = 3,
): Promise<LifThroughput[]> {
  const time = async (run: () => void | Promise<unknown>) => {
    await run();
    const t0 = performance.now();
    for (let k = 0; k < batches; k++) await run();
    return (B * batches) / ((performance.now() - t0) / 1000);
  };
  const rows: LifThroughput[] = [], gpu = await webGpuAvailable();
  const methods = [["SAF-E", "saf-e", "saf"], ["OTTT_O trace", "ottt-o", "ottt"]] as const;
  for (const [method, name, forward] of methods) {
    for (const [column, backend] of [["ref", refBackend], ["wasm", createWasmBackend()]] as const) {
      const imagesPerSecond = await time(lifStep(name, backend, x, labels, B));
      rows.push({ method, column, imagesPerSecond, batches });
    }
    if (!gpu) continue;
    const net = initLifNetwork([784, 512, 10], new Rng(2)), xs = codeInput(x, 6, "direct", 0);
    const step = await createWebGpuLifStep({
      net,
      adam: { lr: 3e-4 },
      method: forward,
      timeoutMs: 600000,
    });
    try {
      const imagesPerSecond = await time(() => step.step(xs, labels, B));
      rows.push({ method, column: "webgpu", imagesPerSecond, batches });
    } finally {
      step.close();
    }
  }
  return rows;
}
