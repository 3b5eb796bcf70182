/**
 * `spikeproof grad`: one batch's gradients of a LIF network, for cross-checking with other
 * code (e.g. PyTorch). Files are safetensors (`io/safetensors.ts`):
 *
 *   --model   a LIF checkpoint (lif/checkpoint.ts): fc{n}.weight [nOut, nIn], fc{n}.bias,
 *             conv{n}.weight [outC, k, k, inC]; metadata lambda, vth, surrogateSlope
 *   --input   x: [T, batch, features] (one input per step) or [batch, features] (repeated
 *             over --T steps, the direct code); y: [batch] class labels, int32 or float
 *             (integral values), or [batch, classes] one-hot
 *   --out     one tensor per parameter, named as in the model file (fc1.weight, ...), float64,
 *             plus `loss` (shape []); metadata: method, T and the options used
 *
 * Every input must be finite (a NaN or infinite weight or x is a DataError naming the file,
 * tensor and index); a non-finite loss or gradient is a NumericalError, and nothing is written.
 *
 * The gradients are taken at the model's weights: for ottt-o and saf-e, the sum of the
 * per-step gradients (no update is applied in between), which equals ottt-a's.
 *
 * @module
 */
import { DataError, NumericalError } from "../errors.ts";
import { assertFiniteTensors, firstNonFinite } from "../io/finite.ts";
import { readSafetensors, type Tensor, tensor, writeSafetensors } from "../io/safetensors.ts";
import { lifTensors, loadLifNetwork } from "../lif/checkpoint.ts";
import { codeInput } from "../lif/coding.ts";
import { LIF_MSE_WEIGHT } from "../lif/loss.ts";
import type { MethodOptions } from "../lif/method.ts";
import { LIF_METHODS, lifMethod } from "../lif/methods.ts";
import {
  type CommandSpec,
  numberOption,
  optionsOf,
  type ParsedOptions,
  requiredOption,
} from "./args.ts";
import { oneOf } from "./train_lif.ts";

/** `grad`'s options and help. */
export const gradSpec: CommandSpec = {
  name: "grad",
  summary: "Compute one batch's LIF gradients from safetensors files (for cross-checking).",
  options: {
    method: {
      type: "string",
      value: "NAME",
      default: "saf-e",
      help: Object.keys(LIF_METHODS).join("|"),
    },
    model: { type: "string", value: "FILE", help: "LIF checkpoint (.safetensors)" },
    input: { type: "string", value: "FILE", help: "x and y (.safetensors)" },
    out: {
      type: "string",
      value: "FILE",
      help: "gradients and loss (.safetensors, written atomically)",
      output: true,
    },
    T: { type: "string", value: "N", default: "6", help: "steps when x is [batch, features]" },
    readout: { type: "string", value: "NAME", default: "trace", help: "trace | spike" },
    variant: { type: "string", value: "NAME", default: "trace", help: "OTTT: trace | official" },
    "final-derivative": {
      type: "string",
      value: "NAME",
      default: "sigmoid",
      help: "SAF-F: sigmoid | window",
    },
    "mse-weight": {
      type: "string",
      value: "X",
      default: String(LIF_MSE_WEIGHT),
      help: "MSE weight in the loss",
    },
  },
  notes: "The gradients are taken at the model's weights, with no update inside the sequence: " +
    "ottt-o and saf-e return the sum of their per-step gradients at fixed weights (equal to " +
    "ottt-a's), not the result of T online updates.",
};

/** x as T steps of [batch, features] and the labels, checked against the network's input size. */
function readBatch(x: Tensor, y: Tensor, nIn: number, T: number, path: string) {
  const data = Float64Array.from(x.data);
  const [steps, batch, features] = x.shape.length === 3 ? x.shape : [T, ...x.shape];
  if (x.shape.length < 2 || x.shape.length > 3 || features !== nIn) {
    throw new DataError(
      `${path}: x has shape [${x.shape}]; expected [T, batch, ${nIn}] or [batch, ${nIn}]`,
    );
  }
  const xs = x.shape.length === 3
    ? Array.from({ length: steps }, (_, t) => data.subarray(t * batch * nIn, (t + 1) * batch * nIn))
    : codeInput(data, T);
  const labels = new Int32Array(batch);
  if (y.shape.length === 1 && y.shape[0] === batch) {
    y.data.forEach((v, b) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new DataError(`${path}: y[${b}] = ${v} is not a class`);
      }
      labels[b] = v;
    });
  } else if (y.shape.length === 2 && y.shape[0] === batch) {
    for (let b = 0; b < batch; b++) {
      const row = Array.from(y.data.subarray(b * y.shape[1], (b + 1) * y.shape[1]));
      if (row.filter((v) => v === 1).length !== 1 || row.some((v) => v !== 0 && v !== 1)) {
        throw new DataError(`${path}: y row ${b} is not one-hot`);
      }
      labels[b] = row.indexOf(1);
    }
  } else {throw new DataError(
      `${path}: y has shape [${y.shape}]; expected [${batch}] or [${batch}, classes]`,
    );}
  return { xs, labels, batch };
}

/**
 * Run `grad` with command-line arguments.
 *
 * @example
 * ```ts ignore
 * import { runGrad } from "./grad.ts";
 * await runGrad(["--method", "saf-e", "--model", "m.safetensors", "--input", "b.safetensors", "--out", "g.safetensors"]);
 * ```
 */
export async function runGrad(argv: string[] | ParsedOptions): Promise<{ loss: number }> {
  const o = optionsOf(gradSpec, argv), name = String(o.method), method = lifMethod(name);
  const modelPath = requiredOption(o, "model"), inputPath = requiredOption(o, "input");
  const outPath = requiredOption(o, "out"),
    T = numberOption(o, "T", { integer: true, min: 1, max: 1000 });
  const net = await loadLifNetwork(modelPath), { tensors } = await readSafetensors(inputPath);
  if (!tensors.x || !tensors.y) throw new DataError(`${inputPath}: needs tensors 'x' and 'y'`);
  assertFiniteTensors({ x: tensors.x, y: tensors.y }, inputPath);
  const { xs, labels, batch } = readBatch(tensors.x, tensors.y, net.layers[0].nIn, T, inputPath);
  const options: MethodOptions = {
    readout: oneOf(o.readout, "readout", ["trace", "spike"] as const),
    variant: oneOf(o.variant, "variant", ["trace", "official"] as const),
    finalDerivative: oneOf(
      o["final-derivative"],
      "final-derivative",
      ["sigmoid", "window"] as const,
    ),
    mseWeight: numberOption(o, "mse-weight", { min: 0, max: 1 }),
  };
  const r = method.gradients(net, xs, labels, batch, options);
  const names = Object.keys(lifTensors(net)), out: Record<string, Tensor> = {};
  names.forEach((n, k) => (out[n] = { ...lifTensors(net)[n], data: r.grads[k] }));
  out.loss = tensor(new Float64Array([r.loss]), []);
  const bad = firstNonFinite(out); // finite weights and inputs can still overflow
  if (bad) throw new NumericalError(`${name}: ${bad.tensor}[${bad.index}] is ${bad.value}`);
  await writeSafetensors(outPath, out, {
    format: "spikeproof",
    kind: "lif-gradients",
    method: name,
    T: String(xs.length),
    options: JSON.stringify(options),
  });
  console.log(`${name}: loss ${r.loss} over ${batch} samples and ${xs.length} steps -> ${outPath}`);
  return { loss: r.loss };
}
