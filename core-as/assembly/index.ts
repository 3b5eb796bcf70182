/**
 * The spikeproof WASM SIMD core: float32 kernels over this module's own memory. The host
 * (src/backend/wasm/) lays out its arrays above `heapBase()`, grows the memory when needed
 * and passes byte offsets. No allocator runs here and nothing is imported.
 */
export {
  denseBackwardInput1,
  denseBackwardInput2,
  denseBackwardWeights1,
  denseBackwardWeights2,
  denseForward1,
  denseForward2,
  denseForwardT,
  denseScratchBytes,
  transpose,
} from "./dense";
export {
  accumulateAuto,
  denseBackwardInput3,
  denseBackwardWeights3,
  denseForward3,
  gemmPacked,
  gemmScratchBytes,
  nonzeroFraction,
  packedBytes,
  packPanels,
  sparserThanSkip,
} from "./gemm";
export { maskInactive, ttfsDenseForward, ttfsDenseForwardT, ttfsInputs } from "./ttfs";
export {
  adamStep,
  adamStepInto,
  addInto,
  denseBackwardInputT,
  denseBackwardWeightsT,
  softmaxCrossEntropy,
  sumSquares,
} from "./step";
export {
  adamStepCompensated,
  lifAccumulate,
  lifAxpy,
  lifCorrect,
  lifCurrent,
  lifMixedLoss,
  lifMultiply,
  lifWeightGrad,
  otttNeuron,
  safNeuron,
} from "./lif";
export { lifNeuron, lifScale, safFire, spikeRepWindow } from "./lif_batch";
export { lifWeightGradRows, weightGradRowsBytes } from "./lif_conv";
export {
  avgPoolBackward,
  avgPoolForward,
  col2im,
  im2col,
  maxPoolBackward,
  maxPoolForward,
} from "./conv";
export {
  addConvRowsT,
  convForwardT,
  convPoolBackward,
  convRowsT,
  convScratchBytes,
  cropImage,
  padImage,
} from "./conv_step";
export { peakFlops } from "./peak";

/** First free byte: the host's arrays start here (16-byte aligned). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
