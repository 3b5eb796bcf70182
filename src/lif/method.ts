/**
 * What every training method shares: its options, its result, and the backward step through
 * the layers at one time step, which all of them run (each with its own derivative and its
 * own presynaptic factors):
 *
 *   readout:  gW_L += dO (outer) p_L,   gb_L += k_L dO,   dy = W_L^T dO
 *   hidden l: delta_l = unpool(dy) * g_l (+ lambda delta_l[t+1] for BPTT)
 *             gW_l += delta_l (outer) p_l,   gb_l += k_l delta_l,   dy = W_l^T delta_l
 *
 * p_l is the layer's presynaptic factor (the trace a_hat, the spike, or the rate), g_l the
 * derivative of its output (the surrogate, or the closed form's window), k_l the bias factor.
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { refBackend } from "../backend/ref.ts";
import type { CostCounter } from "./cost.ts";
import { type Compute, inputGrad, type LifNetwork, unpooled, weightGrad } from "./network.ts";

/** Options every method reads (each ignores what does not concern it). */
export interface MethodOptions {
  /** Weight m of the MSE term in the loss mix (SPEC B2: 0.05). */
  mseWeight?: number;
  /**
   * The readout's weight gradient (the open point of SPEC B3): "trace" (OTTT's classifier,
   * dO (outer) a_hat_in, bias dO c[t]) or "spike" (dO (outer) s_in, bias dO). Default "trace".
   */
  readout?: "trace" | "spike";
  /**
   * OTTT only: "trace" (every presynaptic factor is a trace; a bias is a weight on a constant
   * input 1, whose trace is c[t]) or "official" (the authors' OTTT code: the first layer is not
   * wrapped, so its weight gradient sees the raw input x[t], and biases get delta). Default
   * "trace". Only "official" matches the authors' code.
   */
  variant?: "trace" | "official";
  /**
   * OTTT only: "replace" (default) runs each wrapped layer's forward as the OTTT code's Replace
   * trick does, two matmuls per layer per step (W s_in for the potential, W a_hat_in for the
   * gradient path); a layer whose gradient path is its own input (layer 1 under the "official"
   * variant, the readout under the "spike" readout) runs one. "lean" runs only W s_in
   * everywhere. The gradients are the same.
   */
  otttForward?: "replace" | "lean";
  /**
   * OTTT with the Replace forward: called at every step with each layer's gradient-path
   * pre-activation W a_hat_in[t] + k b (undefined where it is the forward's own W s_in + b).
   */
  onGradPath?: (preActivations: (Float64Array | undefined)[], t: number) => void;
  /**
   * SAF-F only: d a_hat[T] / dU[T] at the last step: "sigmoid" (the SAF rule with the
   * surrogate) or "window" (1 where the closed form is unclamped, 0 <= U/(c V_th) <= 1).
   */
  finalDerivative?: "sigmoid" | "window";
  /** Spike Representation only: run the closed form forward instead of the SNN. */
  closedForm?: boolean;
  /** BPTT only: pass the relaxed spikes sig(a (u - V_th)) on (the reset stays hard). */
  relaxed?: boolean;
  /**
   * Online methods (OTTT, SAF-E): called with each step's gradients, which are then zeroed;
   * update the weights in place here for OTTT_O-style training.
   */
  onStep?: (grads: Float64Array[], t: number) => void;
  /** Kernels for the linear maps (default: the float64 reference backend). */
  backend?: Backend;
  /** Counts the method's MACs and held state, if given. */
  cost?: CostCounter;
}

/** One batch's result. */
export interface GradientResult {
  /** The loss (summed over steps for per-step losses). */
  loss: number;
  /** [dW1, db1, dW2, db2, ...], accumulated over steps (zero after an `onStep` method). */
  grads: Float64Array[];
  /** The prediction scores [batch, classes]: sum_t o[t], or the rate readout. */
  scores: Float64Array;
  /** Spikes fired by the hidden neurons over the batch and all steps. */
  spikes: number;
  /** Hidden neurons x batch x T: the spikes the hidden layers could have fired. */
  neuronSteps: number;
}

/** A layer's presynaptic factors at a step (see the module header). */
export interface Presynaptic {
  /** p_l, the layer's presynaptic factor [batch, nIn]. */
  pre: Float64Array;
  /** k_l, the bias factor. */
  biasScale: number;
}

/** A hidden layer's factors at a step: p_l, k_l and g_l. */
export interface HiddenFactors extends Presynaptic {
  /** g_l, per neuron (before pooling). */
  deriv: Float64Array;
}

/**
 * The backward step through all layers (module header). `carry`, when given, holds each
 * hidden layer's delta of the next step, and delta_l += lambda carry_l (BPTT).
 *
 * @example
 * ```ts ignore
 * backwardStep(net, dO, { pre: y, biasScale: 1 }, hidden, grads, batch, compute);
 * ```
 */
// spec B2, B3, B3.1
export function backwardStep(
  net: LifNetwork,
  dO: Float64Array,
  readout: Presynaptic,
  hidden: HiddenFactors[],
  grads: Float64Array[],
  batch: number,
  compute: { backend: Backend; cost?: CostCounter },
  carry?: Float64Array[],
): void {
  const L = net.layers.length - 1, top = net.layers[L];
  weightGrad(
    top,
    dO,
    readout.pre,
    grads[2 * L],
    grads[2 * L + 1],
    batch,
    readout.biasScale,
    compute,
  );
  let dy = L > 0 ? inputGrad(top, dO, batch, compute) : dO;
  for (let l = L - 1; l >= 0; l--) {
    const layer = net.layers[l], { deriv, pre, biasScale } = hidden[l];
    const delta = unpooled(layer, dy, batch);
    for (let i = 0; i < delta.length; i++) delta[i] *= deriv[i]; // delta = dL/ds * ds/du
    if (carry) {
      for (let i = 0; i < delta.length; i++) delta[i] += net.lambda * carry[l][i]; // du[t+1]/du[t]
      carry[l] = delta;
    }
    weightGrad(layer, delta, pre, grads[2 * l], grads[2 * l + 1], batch, biasScale, compute);
    if (l > 0) dy = inputGrad(layer, delta, batch, compute);
  }
}

/**
 * The kernels and counter of a method's options (the reference backend by default).
 *
 * @example
 * ```ts
 * import { computeOf } from "./method.ts";
 * console.log(computeOf({}).backend.name); // "ref"
 * ```
 */
export function computeOf(options: MethodOptions): Compute {
  return { backend: options.backend ?? refBackend, cost: options.cost };
}
