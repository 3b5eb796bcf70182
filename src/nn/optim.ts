/**
 * Adam with an exponentially decaying learning rate (SPEC A10: lr 5e-4, x0.9 every 5000 steps).
 * The update follows Keras/TensorFlow, which the reference code uses:
 *   lr_t = lr(t) sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
 *   p <- p - lr_t m / (sqrt(v) + epsilon)
 * with lr(t) = lr0 decayRate^(t / decaySteps) (Keras ExponentialDecay, staircase = false).
 *
 * @module
 */
import { OptionError, ShapeError } from "../errors.ts";
import { pow } from "./math/mod.ts";

/** Adam hyper-parameters. */
export interface AdamOptions {
  /** Initial learning rate (default 5e-4). */
  lr?: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator guard (default 1e-7, the Keras default). */
  epsilon?: number;
  /** Learning-rate factor per `decaySteps` steps (default 0.9). */
  decayRate?: number;
  /** Steps per decay factor (default 5000). */
  decaySteps?: number;
}

/**
 * Adam's SPEC A10 settings, the defaults of every Adam in the library (the reference, the wasm
 * and WebGPU steps, the training runs): lr 5e-4, beta1 0.9, beta2 0.999, epsilon 1e-7, the rate
 * x0.9 every 5000 steps.
 *
 * @example
 * ```ts
 * import { ADAM_DEFAULTS } from "./optim.ts";
 * console.log(ADAM_DEFAULTS.decaySteps); // 5000
 * ```
 */
export const ADAM_DEFAULTS: Readonly<Required<AdamOptions>> = Object.freeze({
  lr: 5e-4,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  decayRate: 0.9,
  decaySteps: 5000,
});

/** A training schedule: epochs, batch and Adam's learning rate with its decay (SPEC A10 form). */
export interface TrainingSchedule {
  /** Passes over the training set. */
  epochs: number;
  /** Samples per step. */
  batch: number;
  /** Initial Adam learning rate. */
  lr: number;
  /** Learning-rate factor per `decaySteps` steps. */
  decayRate: number;
  /** Steps per decay factor. */
  decaySteps: number;
}

/**
 * Adam's options with every unset one at its SPEC A10 default (lr 5e-4, beta1 0.9, beta2 0.999,
 * epsilon 1e-7, decay x0.9 per 5000 steps), checked: each finite and >= 0, lr > 0. Every Adam,
 * on the CPU or a backend's, starts from these.
 *
 * @example
 * ```ts
 * import { adamSettings } from "./optim.ts";
 * console.log(adamSettings({ lr: 1e-3 }).beta2); // 0.999
 * ```
 */
export function adamSettings(options: AdamOptions = {}): Required<AdamOptions> {
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) {
      throw new OptionError(`Adam option ${k} = ${v}; expected a finite non-negative number`);
    }
  }
  const d = ADAM_DEFAULTS,
    settings = {
      lr: options.lr ?? d.lr,
      beta1: options.beta1 ?? d.beta1,
      beta2: options.beta2 ?? d.beta2,
      epsilon: options.epsilon ?? d.epsilon,
      decayRate: options.decayRate ?? d.decayRate,
      decaySteps: options.decaySteps ?? d.decaySteps,
    };
  if (!(settings.lr > 0)) throw new OptionError(`learning rate must be > 0, got ${settings.lr}`);
  return settings;
}

/**
 * The learning rate after `step` steps: lr0 * rate^(step / steps).
 *
 * @example
 * ```ts
 * import { exponentialDecay } from "./optim.ts";
 * console.log(exponentialDecay(1, 5000, 0.9, 5000)); // 0.9
 * ```
 */
// spec A10.1
export function exponentialDecay(lr0: number, step: number, rate: number, steps: number): number {
  return lr0 * pow(rate, step / steps);
}

/**
 * lr_t of Adam's update number t (1-based): the decayed rate at step t - 1 with both bias
 * corrections, lr0 rate^((t - 1) / steps) sqrt(1 - beta2^t) / (1 - beta1^t) (SPEC A10, Keras
 * form). The one schedule: `Adam.step` uses it, and the wasm and WebGPU steps hand its value to
 * their kernels, computed here in float64 with the project's own pow.
 *
 * @example
 * ```ts
 * import { adamSettings, adamStepSize } from "./optim.ts";
 * console.log(adamStepSize(adamSettings({ lr: 1e-3 }), 1)); // 0.001 (the corrections cancel at t = 1)
 * ```
 */
// spec A10.1
export function adamStepSize(
  s: { lr: number; beta1: number; beta2: number; decayRate: number; decaySteps: number },
  t: number,
): number {
  const lr = exponentialDecay(s.lr, t - 1, s.decayRate, s.decaySteps);
  return lr * Math.sqrt(1 - pow(s.beta2, t)) / (1 - pow(s.beta1, t));
}

/**
 * Adam over a fixed list of parameter arrays.
 *
 * @example
 * ```ts
 * import { Adam } from "./optim.ts";
 * const w = new Float64Array([1]);
 * const opt = new Adam([w], { lr: 0.1 });
 * opt.step([new Float64Array([2])]);
 * console.log(w[0] < 1); // true
 * ```
 */
export class Adam {
  /** Initial learning rate lr0, before the exponential decay. */
  readonly lr: number;
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** Denominator guard, added to sqrt(v). */
  readonly epsilon: number;
  /** Learning-rate factor per `decaySteps` steps. */
  readonly decayRate: number;
  /** Steps per decay factor (the decay is continuous, not staircase). */
  readonly decaySteps: number;
  /** The arrays that `step` updates, in order. */
  readonly params: Float64Array[];
  /** Steps taken so far. */
  t = 0;
  #m: Float64Array[];
  #v: Float64Array[];

  /**
   * An optimizer for `params`, with zeroed moments; unset options take the SPEC A10 defaults.
   *
   * @param params The arrays that `step` will update, in a fixed order.
   */
  constructor(params: Float64Array[], options: AdamOptions = {}) {
    this.params = params;
    ({
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      decayRate: this.decayRate,
      decaySteps: this.decaySteps,
    } = adamSettings(options));
    this.#m = params.map((p) => new Float64Array(p.length));
    this.#v = params.map((p) => new Float64Array(p.length));
  }

  /** The learning rate the next step will use. @example `new Adam([]).currentLr()` */
  currentLr(): number {
    return exponentialDecay(this.lr, this.t, this.decayRate, this.decaySteps);
  }

  /** One update with gradients in the same order as `params`. @example see the class. */
  // spec A10.1
  step(grads: Float64Array[]): void {
    if (grads.length !== this.params.length) {
      throw new ShapeError(`${grads.length} gradients for ${this.params.length} parameters`);
    }
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this, lrT = adamStepSize(this, this.t);
    for (let p = 0; p < grads.length; p++) {
      const w = this.params[p], g = grads[p], m = this.#m[p], v = this.#v[p];
      if (g.length !== w.length) {
        throw new ShapeError(`gradient ${p} has ${g.length} entries; parameter has ${w.length}`);
      }
      for (let k = 0; k < w.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        w[k] -= lrT * m[k] / (Math.sqrt(v[k]) + eps);
      }
    }
  }
}
