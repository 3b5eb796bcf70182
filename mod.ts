/**
 * spikeproof: spiking neural networks trained exactly, with every claim checked numerically.
 *
 * - TTFS networks (Stanojevic et al. 2024): each neuron fires at most once and its spike time
 *   encodes a ReLU activation exactly; the B = 1 model trains along the ReLU trajectory.
 * - The readable float64 reference model is the ground truth; see `proofs/` for derivations.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, trainTtfs } from "./mod.ts";
 * const data = await loadFashionMnist({ dir: "embedded" });
 * const r = trainTtfs(data.train, data.test, { hidden: [64], epochs: 1, batch: 32, lr: 1e-3, seed: 0 });
 * console.log(r.testAccuracy, r.spikesPerNeuron);
 * ```
 *
 * @module
 */

export {
  assertFinite,
  assertLength,
  BackendUnavailableError,
  DataError,
  GpuError,
  IntervalError,
  NumericalError,
  OptionError,
  OutputError,
  ShapeError,
  SpikeproofError,
  ValueError,
} from "./src/errors.ts";

// shared pieces
export { Rng } from "./src/nn/rng.ts";
export { glorotUniform } from "./src/nn/init.ts";
export { argmaxRows, type LossResult, softmaxCrossEntropy } from "./src/nn/loss.ts";
export {
  Adam,
  ADAM_DEFAULTS,
  type AdamOptions,
  adamSettings,
  adamStepSize,
  exponentialDecay,
  type TrainingSchedule,
} from "./src/nn/optim.ts";
export { l2Norm, matmul, maxAbsDifference, singularValues } from "./src/nn/linalg.ts";
export { type Eigenvalues, eigenvalues } from "./src/nn/eigen.ts";
export {
  initLayerWeights,
  initReluMlp,
  type ReluForward,
  type ReluLayer,
  type ReluMlp,
  reluMlpBackward,
  reluMlpForward,
  reluMlpParams,
} from "./src/nn/mlp.ts";
export {
  buildLayers,
  denseLayers,
  describeLayers,
  type ImageShape,
  layerSizes,
  type LayerSpec,
  sameLayers,
  toLayers,
} from "./src/nn/architecture.ts";
export {
  checkConvGeometry,
  col2im,
  convBackwardInput,
  convBackwardWeights,
  convForward,
  type ConvGeometry,
  convOutSize,
  im2col,
} from "./src/nn/conv.ts";
export {
  avgPoolBackward,
  avgPoolForward,
  gatherAt,
  poolArgmax,
  type PoolGeometry,
  scatterAt,
} from "./src/nn/pool.ts";
export {
  assertDense,
  biasLength,
  checkLayerArrays,
  layerBackwardInput,
  layerBackwardWeights,
  layerForward,
  type LayerGeometry,
  neuronsOf,
  poolOf,
  weightShape,
} from "./src/nn/layer.ts";
export type {
  AsyncBackend,
  Awaitable,
  Backend,
  DensePrimitives,
  Promised,
} from "./src/backend/backend.ts";
export { refBackend } from "./src/backend/ref.ts";

// backends: the float32 WASM SIMD core (core-as/, embedded base64) and selection by name
export { createWasmBackend, type WasmBackendOptions } from "./src/backend/wasm.ts";
export { type CoreExports, MAX_WASM_BYTES, WasmCore } from "./src/backend/wasm/core.ts";
export {
  BACKEND_NAMES,
  backendByName,
  openBackend,
  type OpenBackendOptions,
} from "./src/backend/select.ts";
export { asAsync } from "./src/backend/async.ts";

// WebGPU backend (WGSL kernels; Deno and browsers: navigator.gpu)
export { createWebGpuBackend, type WebGpuBackendOptions } from "./src/backend/webgpu.ts";
export type { MatmulVersion } from "./src/backend/webgpu/matmul.ts";
export {
  GpuContext,
  type GpuOptions,
  requestGpuDevice,
  webGpuAvailable,
  type Words,
} from "./src/backend/webgpu/device.ts";

// training steps: one per model per backend (src/steps/), behind one TrainingStep interface
export type { AsyncTrainingStep, TrainingStep } from "./src/steps/step.ts";
export {
  type AsyncTwinStepRunner,
  checkStep,
  type StepHyper,
  TWIN_STEP_ADAM,
  type TwinForward,
  type TwinParams,
  type TwinStepResult,
  type TwinStepRunner,
  type TwinStepSpec,
} from "./src/steps/ttfs/step.ts";
export { createRefTwinStep } from "./src/steps/ttfs/ref.ts";
export { createWasmTwinStep } from "./src/steps/ttfs/wasm.ts";
export { createWebGpuTwinStep } from "./src/steps/ttfs/webgpu.ts";
export { createAlphaFixedStep } from "./src/steps/ttfs/alpha_fixed.ts";
export {
  createFineTuneStep,
  type FineTuneBatch,
  type FineTuneFigures,
  type Realise,
  type RealisedNetwork,
} from "./src/steps/ttfs/fine_tune.ts";
export {
  createTwinStep,
  openTwinStep,
  type TwinNets,
  type TwinStepChoice,
} from "./src/steps/ttfs/select.ts";
export {
  createWebGpuLifStep,
  type LifStepResult,
  type LifStepRunner,
  type WebGpuLifSpec,
} from "./src/steps/lif/webgpu.ts";

// TTFS model
export {
  chainIntervals,
  chainLengths,
  type CodingIntervals,
  INTERVAL_ZETA,
  intervalLengths,
  SCRATCH_ACTIVATION,
  scratchIntervals,
  validateIntervals,
  widenIntervals,
} from "./src/ttfs/intervals.ts";
export { encodeInput } from "./src/ttfs/encoding.ts";
export {
  argsortTimes,
  membranePotential,
  type SimulatedSpike,
  simulateSpike,
  simulateSpikeTime,
  type Spike,
  spikeTime,
} from "./src/ttfs/neuron.ts";
export { b1AsGeneralLayer, simulateB1Neuron } from "./src/ttfs/b1_neuron.ts";
export {
  b1Backward,
  type B1Forward,
  b1Forward,
  type B1Hardware,
  type B1Layer,
  type B1Network,
  b1Params,
  initB1Network,
} from "./src/ttfs/b1.ts";
export {
  generalBackward,
  type GeneralForward,
  generalForward,
  type GeneralLayer,
  type GeneralNetwork,
  generalParams,
} from "./src/ttfs/general.ts";
export {
  b1FromRelu,
  calibrateIntervals,
  type ExactMapping,
  mapReluExactly,
  mapReluToTtfs,
  reluFromB1,
  type RescaleBounds,
  rescaleReluMlp,
  reverseMapTtfs,
} from "./src/ttfs/mapping.ts";
export {
  TTFS_MODEL_SUMMARIES,
  TTFS_SUBSET_TRAINING,
  TTFS_TRAINING,
  ttfsModelLayers,
} from "./src/ttfs/models.ts";
export {
  countSpikes,
  type SpikeConventions,
  spikeConventions,
  type SpikeCount,
  SPIKES_PER_NEURON_CONVENTION,
} from "./src/ttfs/spikes.ts";
export { quantizeWeights, weightRange } from "./src/ttfs/quantize.ts";
export {
  b1Jacobians,
  endToEndJacobian,
  generalJacobians,
  type LayerJacobians,
  prefixSigmaMax,
  reluJacobians,
  type Spectrum,
  spectrum,
} from "./src/ttfs/jacobian.ts";
export {
  fullSlopes,
  type NaiveAlpha,
  type NaiveInit,
  naiveInit,
  type NaiveInitOptions,
  naiveTtfsNetwork,
} from "./src/ttfs/naive_init.ts";
export {
  fractionOutsideUnitCircle,
  initJacobians,
  parseTtfsInit,
  sigmaRatioToB1,
  TTFS_INITS,
  type TtfsInit,
} from "./src/ttfs/init_spectra.ts";

// data
export {
  gunzip,
  gunzipIdx,
  type GunzipIdxOptions,
  IDX_TRAILING_ALLOWANCE,
  type IdxArray,
  parseIdx,
  readIdxGz,
} from "./src/data/idx.ts";
export {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  type FashionMnist,
  type ImageSet,
  imageSetFromIdx,
  loadFashionMnist,
  type LoadFashionMnistOptions,
} from "./src/data/fashion_mnist.ts";
export { type Batch, gatherBatch, toFloatImages } from "./src/data/batching.ts";

// training drivers
export {
  type TwinEvaluation,
  type TwinStep,
  TwinTrainer,
  type TwinTrainerOptions,
} from "./src/experiments/twin_trainer.ts";
export {
  type EpochRecord,
  trainTtfs,
  trainTtfsAsync,
  type TrainTtfsAsyncOptions,
  type TrainTtfsOptions,
  type TrainTtfsResult,
} from "./src/experiments/train_ttfs.ts";
export type {
  TrainingRunOptions,
  TrainingRunSummary,
  TrainProgress,
} from "./src/experiments/training_run.ts";

export { loadB1Network, loadReluMlp, saveB1Network, saveReluMlp } from "./src/ttfs/checkpoint.ts";

export {
  type AlphaFixedOptions,
  type AlphaFixedStep,
  AlphaFixedTrainer,
} from "./src/experiments/alpha_fixed_trainer.ts";

export {
  type DepthRun,
  type DepthStudy,
  depthStudy,
  type DepthStudyOptions,
  type InitFigures,
  type LayerSpectrum,
  type SigmaSummary,
  type SpectraRecord,
} from "./src/experiments/depth.ts";
export { firingSlopes, summarizeJacobians } from "./src/experiments/depth_spectra.ts";

export {
  type ConstraintRow,
  type ConstraintSetting,
  constraintsExperiment,
  type ConstraintsOptions,
  type ConstraintsResult,
} from "./src/experiments/constraints.ts";

// plots
export { type Band, type Chart, escapeXml, renderCharts, type Series } from "./src/plot/svg.ts";
export {
  type CurvePoint,
  gradNormCharts,
  rasterCharts,
  spectraCharts,
  sweepCharts,
  type SweepPoint,
  trainingCurveCharts,
} from "./src/plot/charts.ts";
export {
  depthSigmaChart,
  eigenvalueCharts,
  type LayerEigenvalues,
} from "./src/plot/init_charts.ts";

// io
export { type AtomicFileHandle, type AtomicFs, writeFileAtomic } from "./src/io/atomic.ts";
export {
  decodeSafetensors,
  type DType,
  encodeSafetensors,
  readSafetensors,
  type Safetensors,
  type Tensor,
  tensor,
  type TensorData,
  writeSafetensors,
} from "./src/io/safetensors.ts";

// LIF networks: OTTT, SAF-E/SAF-F, Spike Representation and BPTT (SPEC Part B)
export {
  accumulate,
  checkLifParams,
  constantTraces,
  type LifParams,
  lifStep,
  SPEC_LIF,
} from "./src/lif/neuron.ts";
export { relaxedSpike, surrogateGrad } from "./src/lif/surrogate.ts";
export {
  checkInputs,
  type Compute,
  current,
  initLifNetwork,
  inputGrad,
  layerMacs,
  lifGeometry,
  type LifLayer,
  type LifNetwork,
  lifParams,
  pooled,
  unpooled,
  weightGrad,
  zeroGrads,
} from "./src/lif/network.ts";
export { codeInput, type InputCoding } from "./src/lif/coding.ts";
export { LIF_MSE_WEIGHT, mixedLoss, type StepLoss } from "./src/lif/loss.ts";
export { type CostCount, CostCounter } from "./src/lif/cost.ts";
export {
  backwardStep,
  type GradientResult,
  type HiddenFactors,
  type MethodOptions,
  type Presynaptic,
} from "./src/lif/method.ts";
export { lifForward, type LifRun, rateScores, type SimulateOptions } from "./src/lif/simulate.ts";
export { bpttGradients } from "./src/lif/bptt.ts";
export { otttGradients } from "./src/lif/ottt.ts";
export { safEGradients, safFGradients, SafForward, type SafStep } from "./src/lif/saf.ts";
export { spikeRepGradients } from "./src/lif/spikerep.ts";
export { safOutputs, safToLif } from "./src/lif/convert.ts";
export {
  type GradientFn,
  LIF_METHODS,
  LIF_TRAINING,
  type LifMethod,
  lifMethod,
} from "./src/lif/methods.ts";
export {
  lifTensorPrefix,
  lifTensors,
  loadLifNetwork,
  saveLifNetwork,
} from "./src/lif/checkpoint.ts";
export {
  evaluateLif,
  type LifEpochRecord,
  trainLif,
  type TrainLifOptions,
  type TrainLifResult,
} from "./src/experiments/train_lif.ts";
export {
  lifEpochs,
  type LifEvaluation,
  lifResult,
  type LifSetup,
  type LifTally,
  prepareLif,
} from "./src/experiments/train_lif.ts";
export {
  driveAsync,
  driveSync,
  type EpochBase,
  type EpochHooks,
  type EpochRequest,
  type EpochsDone,
  runEpochs,
  type StepFigures,
} from "./src/experiments/run_epochs.ts";
export {
  createRefLifStep,
  type LifStepFigures,
  type RefLifSpec,
  type RefLifStep,
} from "./src/steps/lif/ref.ts";
export {
  createWasmLifStep,
  type WasmLifSpec,
  type WasmLifStep,
  wasmLifUnsupported,
} from "./src/steps/lif/wasm.ts";
export { createLifStep } from "./src/steps/lif/select.ts";
export {
  trainLifWebGpu,
  type TrainLifWebGpuOptions,
  WEBGPU_LIF_METHODS,
} from "./src/experiments/train_lif_webgpu.ts";
export { type LifCostOptions, type LifCostRow, lifCostTable } from "./src/experiments/lif_cost.ts";

// NIR: LIF networks to and from the Neuromorphic Intermediate Representation (docs/nir.md)
export {
  isNirArray,
  isNirGraph,
  NIR_VERSION,
  type NirArray,
  nirArray,
  type NirArrayData,
  nirChain,
  type NirDocument,
  type NirDtype,
  type NirGraph,
  nirInt64,
  type NirNode,
  type NirRecord,
  type NirValue,
} from "./src/io/nir.ts";
export { decodeNir, encodeNir, readNir, writeNir } from "./src/io/nir_hdf5.ts";
export { lifToNir, type LifToNirOptions, NIR_DT } from "./src/lif/nir.ts";
export { nirToLif, type NirToLifOptions } from "./src/lif/nir_import.ts";

// The registry of numerical claims (`CLAIMS`, `runClaim`, ...) is its own entry point,
// `src/claims/mod.ts` (`@spikeproof/spikeproof/claims`, npm `spikeproof/claims`): it needs
// fast-check, which this module does not, so mod.ts still imports from a bare URL.
