/**
 * The cost table of the LIF training methods (the SAF paper's headline claims, made
 * checkable): for one batch of one model, every method's counted multiply-accumulates
 * (forward, backward), floats of state per neuron and per synapse, measured wall time and
 * measured peak memory, at T and over a sweep of T.
 *
 * Peak memory: in a separate run, process.memoryUsage() (heapUsed + external, which holds the
 * typed arrays) is read after a full gc whenever the method allocates state or starts a weight
 * gradient (`CostCounter.probe`), minus the value before the call: the live memory, garbage
 * excluded. That needs a gc the runtime exposes (node --expose-gc, deno
 * --v8-flags=--expose-gc); without one the samples include garbage and are noisy.
 *
 * @module
 */
import process from "node:process";
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import { codeInput } from "../lif/coding.ts";
import { CostCounter } from "../lif/cost.ts";
import { LIF_METHODS } from "../lif/methods.ts";
import { initLifNetwork, layerMacs, lifParams } from "../lif/network.ts";
import { type LayerGeometry, neuronsOf } from "../nn/layer.ts";
import { Rng } from "../nn/rng.ts";

/** Options of {@link lifCostTable}. */
export interface LifCostOptions {
  /** The model: layer sizes [nIn, hidden..., classes], or layer geometries. */
  layers: LayerGeometry[] | number[];
  /** Time steps per sample for the main figures. */
  T: number;
  /** Further values of T for the memory sweep. */
  sweep?: number[];
  /** Samples in the measured batch (default 64). */
  batch?: number;
  /** Timed repetitions per method (the median is reported). */
  repeats?: number;
  /** Seeds the weights, and (seed + 1) the random batch (default 0). */
  seed?: number;
  /** Kernels for the linear maps (default: the float64 reference backend). */
  backend?: Backend;
  /** Methods to run (default all). */
  methods?: string[];
  /** OTTT forwards to run, a row each (default both; see `MethodOptions.otttForward`). */
  otttForwards?: ("replace" | "lean")[];
  /**
   * OTTT variants to run, a row each with every forward (default both: "trace" wraps every
   * layer, "official" is the authors' code with layer 1 unwrapped; `MethodOptions.variant`).
   */
  otttVariants?: ("trace" | "official")[];
}

/** One method's row. */
export interface LifCostRow {
  /** The method's command-line name, a key of `LIF_METHODS`. */
  method: string;
  /** OTTT's forward (OTTT rows only). */
  otttForward?: "replace" | "lean";
  /** OTTT's variant (OTTT rows only). */
  variant?: "trace" | "official";
  /** Forward MACs per sample over all T steps. */
  macsForward: number;
  /** Backward MACs per sample over all T steps. */
  macsBackward: number;
  /** Forward linear maps per layer per step (MACs / (T x one pass through every layer)). */
  forwardMatmulsPerLayerStep: number;
  /** State floats per hidden neuron, per sample. */
  stateFloatsPerNeuron: number;
  /** State floats per input unit, per sample. */
  stateFloatsPerInput: number;
  /** State floats per weight or bias (gradient accumulators; not divided by the batch). */
  stateFloatsPerSynapse: number;
  /** Median wall time of one batch, in seconds (after a warm-up run). */
  seconds: number;
  /** Peak live memory above the starting value, sampled after a gc at every allocation of state. */
  peakMemoryBytes: number;
  /** Over the sweep of T: state floats per neuron and measured peak memory. */
  sweep: { T: number; stateFloatsPerNeuron: number; peakMemoryBytes: number }[];
}

const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * Run every method on one random batch and count, time and measure it.
 *
 * @example
 * ```ts
 * import { lifCostTable } from "./lif_cost.ts";
 * const rows = lifCostTable({ layers: [16, 8, 4], T: 2, sweep: [], batch: 2, repeats: 1 });
 * console.log(rows.map((r) => r.method).includes("saf-e")); // true
 * ```
 */
export function lifCostTable(options: LifCostOptions): LifCostRow[] {
  const { T, batch = 64, repeats = 3, seed = 0, backend = refBackend } = options;
  const net = initLifNetwork(options.layers, new Rng(seed));
  const rng = new Rng(seed + 1), nIn = net.layers[0].nIn;
  const x = Float64Array.from({ length: batch * nIn }, () => rng.uniform());
  const labels = Int32Array.from(
    { length: batch },
    () => rng.int(net.layers[net.layers.length - 1].nOut),
  );
  const hidden = net.layers.slice(0, -1).reduce((n, l) => n + neuronsOf(l), 0);
  const synapses = lifParams(net).reduce((n, p) => n + p.length, 0);
  const onePass = net.layers.reduce((n, l) => n + layerMacs(l), 0);
  const gc = (globalThis as { gc?: () => void }).gc;
  /** One batch: counted, timed, and (with `probeMemory`) its live memory sampled after a gc. */
  const measure = (
    { method: name, otttForward, variant }: Pick<LifCostRow, "method" | "otttForward" | "variant">,
    steps: number,
    probeMemory: boolean,
  ) => {
    const m = LIF_METHODS[name], cost = new CostCounter(), xs = codeInput(x, steps);
    for (let k = 0; k < 3; k++) gc?.(); // array buffers are released over more than one gc
    const before = memory();
    let peak = before;
    if (probeMemory) cost.probe = () => (gc?.(), gc?.(), (peak = Math.max(peak, memory())));
    const t0 = performance.now();
    m.gradients(net, xs, labels, batch, { backend, cost, otttForward, variant });
    const seconds = (performance.now() - t0) / 1000;
    return { count: cost.snapshot(), seconds, peakMemoryBytes: peak - before };
  };
  const median = (v: number[]) => v.sort((p, q) => p - q)[v.length >> 1];
  const forwards = options.otttForwards ?? ["replace", "lean"];
  const variants = options.otttVariants ?? ["trace", "official"];
  const plan = (options.methods ?? Object.keys(LIF_METHODS)).flatMap((method) =>
    method.startsWith("ottt")
      ? variants.flatMap((variant) =>
        forwards.map((otttForward) => ({ method, variant, otttForward }))
      )
      : [{ method }]
  );
  return plan.map((run) => {
    measure(run, T, false); // warm-up: compile before timing
    const at = (steps: number) => {
      const runs = Array.from({ length: repeats }, () => measure(run, steps, false));
      const { count, peakMemoryBytes } = measure(run, steps, true);
      return {
        count,
        stateFloatsPerNeuron: count.neuronStateFloats / batch / hidden,
        seconds: median(runs.map((r) => r.seconds)),
        peakMemoryBytes,
      };
    };
    const main = at(T), { count } = main;
    return {
      ...run,
      macsForward: count.macsForward / batch,
      macsBackward: count.macsBackward / batch,
      forwardMatmulsPerLayerStep: count.macsForward / batch / (T * onePass),
      stateFloatsPerNeuron: main.stateFloatsPerNeuron,
      stateFloatsPerInput: count.inputStateFloats / batch / nIn,
      stateFloatsPerSynapse: count.synapseStateFloats / synapses,
      seconds: main.seconds,
      peakMemoryBytes: main.peakMemoryBytes,
      sweep: (options.sweep ?? []).map((steps) => {
        const { stateFloatsPerNeuron, peakMemoryBytes } = at(steps);
        return { T: steps, stateFloatsPerNeuron, peakMemoryBytes };
      }),
    };
  });
}
