// The messages between the page (main.ts) and its two workers (train_worker.ts,
// verify_worker.ts). Plain data only: numbers, strings and typed arrays.
import type { ClaimResult } from "../../src/claims/run.ts";
import type { EpochRecord } from "../../src/experiments/train_ttfs.ts";
import type { TrainProgress } from "../../src/experiments/training_run.ts";

/** What the page asks the training worker. */
export type TrainRequest =
  | { kind: "ttfs"; epochs: number; backend: "auto" | "wasm" | "webgpu" }
  | { kind: "lif"; epochs: number; hidden: number; T: number };

/** What the training worker reports. */
export type TrainMessage =
  | { kind: "backend"; name: string; why: string }
  | { kind: "progress"; progress: TrainProgress }
  | { kind: "epoch"; record: EpochRecord }
  | {
    kind: "ttfs-done";
    testAccuracy: number;
    reluTwinTestAccuracy: number;
    agreement: number;
    /** "trained" beside the SNN, or "mapped" from it (the wasm step's default). */
    reluTwin: string;
    /** Trained: max |W - w|; mapped: the same after the last epoch's float64 replay. */
    maxAbsWeightDiff: number;
    spikesPerNeuron: number;
    seconds: number;
    raster: { times: Float64Array[]; tmin: number[]; tmax: number[]; label: number };
  }
  | { kind: "lif-progress"; method: string; progress: TrainProgress }
  | {
    kind: "lif-done";
    methods: { method: string; testAccuracy: number; seconds: number }[];
    /** At the SAF-E net's weights: SAF's forward spikes vs the LIF simulation's (all equal). */
    sameWeights: { spikesEqual: number; spikesCompared: number; gradientRelDiff: number };
    /** The two trained nets (in-sequence updates part them after step 1, SPEC B3.3). */
    trained: { spikesEqual: number; spikesCompared: number; maxAbsWeightDiff: number };
  }
  | { kind: "error"; message: string };

/** What the verify worker reports. */
export type VerifyMessage =
  | { kind: "claims"; ids: string[] }
  | { kind: "claim"; result: ClaimResult }
  | { kind: "verify-done"; passed: number; failed: number; seconds: number }
  | { kind: "error"; message: string };
