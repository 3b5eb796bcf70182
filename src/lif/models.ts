/**
 * The LIF models `train --model` knows, by name, and the schedule each trains with (the LIF
 * counterpart of src/ttfs/models.ts).
 *
 * @module
 */
import type { LayerSpec } from "../nn/architecture.ts";
import type { TrainingSchedule } from "../nn/optim.ts";
import { LIF_CONV_TRAINING, LIF_TRAINING } from "./methods.ts";

/**
 * The LIF models by name: layer descriptions on a 28x28x1 image.
 *
 * @example
 * ```ts
 * import { LIF_MODELS } from "./models.ts";
 * console.log(Object.keys(LIF_MODELS)); // ["lif-mlp", "lif-conv"]
 * ```
 */
export const LIF_MODELS: Record<string, LayerSpec[]> = {
  "lif-mlp": [{ dense: 512 }, { dense: 10 }],
  "lif-conv": [
    { conv: 16, k: 3, pad: "same", pool: 2 },
    { conv: 32, k: 3, pad: "same", pool: 2 },
    { dense: 128 },
    { dense: 10 },
  ],
};

/**
 * The schedule `train` gives a LIF model: LIF_CONV_TRAINING for lif-conv, LIF_TRAINING
 * otherwise.
 *
 * @example
 * ```ts
 * import { lifModelSchedule } from "./models.ts";
 * console.log(lifModelSchedule("lif-conv").epochs, lifModelSchedule("lif-mlp").epochs); // 20 8
 * ```
 */
export function lifModelSchedule(model: string): Readonly<TrainingSchedule & { T: number }> {
  return model === "lif-conv" ? LIF_CONV_TRAINING : LIF_TRAINING;
}
