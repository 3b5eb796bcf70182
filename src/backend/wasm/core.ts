/**
 * The WASM SIMD core, instantiated from the bytes embedded in `core_module.ts` (no file or
 * network access, no imports), and the arena its callers lay their float32 arrays out in.
 *
 * Memory: the module owns one linear memory. The host bump-allocates 16-byte-aligned regions
 * above `heapBase()`; `reset()` frees them all at once, so a call allocates nothing that
 * outlives it and the memory only grows to the largest call seen. `memory.grow` detaches
 * every typed-array view of the old buffer, so `f32()` re-creates its view whenever the
 * buffer changed. WebAssembly (wasm32) memory ends at 4 GiB: beyond it `alloc` throws a
 * ValueError that says how much the call needed.
 *
 * Two builds of the same sources are embedded: the plain SIMD module, and one with relaxed SIMD
 * whose GEMM multiply-adds are `f32x4.relaxed_madd` (one FMA where the hardware has it). Where
 * the engine validates the relaxed module (Deno, Bun, and Node 20 once `relaxed_simd.ts` has set
 * its flag) a core uses it unless asked not to (`new WasmCore({ relaxed: false })`, or
 * SPIKEPROOF_RELAXED_SIMD=0 in the environment, which also leaves Node's flag alone).
 * A fused multiply-add rounds once instead of twice, so the two builds' float32 results differ
 * in the last bits; both sit inside the float32 bounds of proofs/backend-float32.md.
 *
 * Each build also comes on an imported shared memory (`sharedCoreMemory`, at most SHARED_PAGES
 * pages): cores made with `{ memory }` in several threads run on the same bytes, so a
 * data-parallel step shares its parameters and gradients instead of copying them. Their arenas
 * are the caller's to keep apart (`reset(mark)` starts a core's allocations at `mark`).
 *
 * @module
 */
import { ValueError } from "../../errors.ts";
import { relaxedSimdOptedOut, relaxedSimdValidates } from "./relaxed_simd.ts";
import {
  CORE_WASM_BASE64,
  CORE_WASM_RELAXED_BASE64,
  CORE_WASM_RELAXED_SHARED_BASE64,
  CORE_WASM_SHARED_BASE64,
  SHARED_PAGES,
} from "./core_module.ts";

/**
 * The kernels the core exports (pointers are byte offsets, sizes are counts). Layouts are
 * row-major float32: x [batch, nIn], W [nOut, nIn], Wt = W^T [nIn, nOut], z [batch, nOut].
 */
export interface CoreExports {
  /** The module's one linear memory, which holds every array the kernels read and write. */
  memory: WebAssembly.Memory;
  /** The first free byte (16-byte aligned): the host's arena starts here. */
  heapBase(): number;
  /** Scratch bytes the version-2 kernels need for `rows` rows (plus W^T if `wt` is 1). */
  denseScratchBytes(rows: number, nIn: number, nOut: number, wt: number): number;
  /** (x, W, bias, z, batch, nIn, nOut): z = x W^T + bias, one output row at a time. */
  denseForward1(...a: [number, number, number, number, number, number, number]): void;
  /** (x, W, bias, z, batch, nIn, nOut, scratch): z = x W^T + bias, blocked, zeros skipped. */
  denseForward2(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut): dW += dz^T x, dbias += column sums of dz. */
  denseBackwardWeights1(...a: [number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut, scratch): as version 1, blocked, zeros skipped. */
  denseBackwardWeights2(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /** (dz, W, dx, batch, nIn, nOut): dx = dz W (overwrites dx). */
  denseBackwardInput1(...a: [number, number, number, number, number, number]): void;
  /** (dz, W, dx, batch, nIn, nOut, scratch): dx = dz W, blocked, zeros skipped. */
  denseBackwardInput2(...a: [number, number, number, number, number, number, number]): void;
  /** Scratch bytes version 3 needs to pack B [K, n] (core-as/assembly/gemm.ts). */
  gemmScratchBytes(K: number, n: number): number;
  /** (x, W, bias, z, batch, nIn, nOut, scratch): z = x W^T + bias, 4x8 register tiles. */
  denseForward3(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dW, dbias, batch, nIn, nOut, scratch): dW += dz^T x, 4x8 register tiles. */
  denseBackwardWeights3(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /** (dz, W, dx, batch, nIn, nOut, scratch): dx = dz W, 4x8 register tiles. */
  denseBackwardInput3(...a: [number, number, number, number, number, number, number]): void;
  /**
   * (x, W, D, t, a, batch, nIn, nOut, tmax, scratch): the fused TTFS layer, a = ReLU(x W^T + D)
   * and t = tmax - a; W^T goes into scratch. Returns the largest activation.
   */
  ttfsDenseForward(
    ...a: [number, number, number, number, number, number, number, number, number, number]
  ): number;
  /**
   * (x, Wt, D, t, a, batch, nIn, nOut, tmax, scratch): the same layer from Wt; t = 0 skips the
   * spike times (the ReLU twin's layer). Returns the largest activation.
   */
  ttfsDenseForwardT(
    ...a: [number, number, number, number, number, number, number, number, number, number]
  ): number;
  /**
   * (src, snn, twin, n): from n float64 pixels at src, the SNN's input 1 - (1 - x) and the
   * twin's x (twin 0: none), each rounded to float32 once (core-as/assembly/ttfs.ts).
   */
  ttfsInputs(src: number, snn: number, twin: number, n: number): void;
  /** Sets g[k] = 0 wherever a[k] <= 0, for n floats: a silent neuron passes no gradient. */
  maskInactive(g: number, a: number, n: number): void;
  /** Writes the transpose of the [rows, cols] matrix at src to dst (no overlap). */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /** (x, Wt, bias, z, batch, nIn, nOut, scratch): z = x Wt + bias, zeros of x skipped. */
  denseForwardT(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dz, x, dWt, dbias, batch, nIn, nOut, scratch): dWt += x^T dz, dbias += column sums of dz. */
  denseBackwardWeightsT(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (dz, Wt, dx, batch, nIn, nOut, w, scratch): dx = dz W from the resident W^T (overwrites dx);
   * `w` holds nIn x nOut floats for a transpose when dz is sparse.
   */
  denseBackwardInputT(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (d, ldd, a, sar, sak, s, sk, sj, rows, K, n, scratch): C[r, :n] += sum_k A(r, k) B[k, :n]
   * with A(r, k) at a + r sar + k sak, B[k, j] at s + k sk + j sj, C row r at d + r ldd (bytes);
   * zero-skipping rows where A is sparse, the packed tiles elsewhere (core-as/assembly/gemm.ts).
   */
  accumulateAuto(...a: number[]): void;
  /** (a, sar, sak, rows, K): the fraction of A(r, k) that is not zero (strides in bytes). */
  nonzeroFraction(...a: number[]): number;
  /**
   * (a, sar, sak, rows, K): 1 where `nonzeroFraction` is below the zero-skipping crossover
   * (ZERO_SKIP_DENSITY), else 0; counted four at a time and stopped once A is dense.
   */
  sparserThanSkip(...a: number[]): number;
  /** dst[k] += src[k] for n floats. */
  addInto(dst: number, src: number, n: number): void;
  /**
   * (logits, labels, dl, batch, classes, denom, correct): softmax cross-entropy, gradient
   * into dl (divided by denom); adds the right predictions to the i32 at `correct` and
   * returns the summed loss.
   */
  softmaxCrossEntropy(
    ...a: [number, number, number, number, number, number, number]
  ): number;
  /** (p, g, m, v, n, lrT, b1, b2, eps): one Adam update of n parameters, in place. */
  adamStep(...a: [number, number, number, number, number, number, number, number, number]): void;
  /** (src, dst, g, m, v, n, lrT, b1, b2, eps): adamStep reading p at src, writing it at dst. */
  adamStepInto(...a: number[]): void;
  /** Sum of squares of n floats at p (summed in float64). */
  sumSquares(p: number, n: number): number;
  /**
   * (p, lo, g, m, v, n, lrT, b1, b2, eps, clear): adamStep with 1 - b formed in float64 and
   * the update summed compensated into p + lo (lo: what the float32 sum of p lost); with clear
   * (1), g is zeroed as it is read.
   */
  adamStepCompensated(
    ...a: [number, number, number, number, number, number, number, number, number, number, number]
  ): void;
  /** (acc, x, n, lambda): acc = lambda acc + x for n floats (core-as/assembly/lif.ts). */
  lifAccumulate(acc: number, x: number, n: number, lambda: number): void;
  /** (A, Wt, bias, c, U, batch, nIn, nOut, scratch): U = A Wt + c bias (overwrites U). */
  lifCurrent(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): void;
  /**
   * (U, acc, s, g, n, lambda, vth, slope): the SAF neuron in place (spikes into s, surrogate
   * factors into g, a_hat into acc); returns the spike count.
   */
  safNeuron(...a: [number, number, number, number, number, number, number, number]): number;
  /**
   * (U, v, acc, s, g, n, lambda, vth, slope): the OTTT (LIF) neuron in place: u = lambda v + U
   * into U, spikes into s, the soft reset into v, surrogate factors into g, the trace into acc;
   * returns the spike count.
   */
  otttNeuron(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): number;
  /** (d, g, n): d *= g elementwise. */
  lifMultiply(d: number, g: number, n: number): void;
  /**
   * (o, labels, dO, scores, batch, classes, mseWeight, scale): the mixed CE + MSE loss of the
   * logits o, dL/do into dO, o added into scores; returns the loss.
   */
  lifMixedLoss(
    ...a: [number, number, number, number, number, number, number, number]
  ): number;
  /** (dz, p, dWt, dbias, batch, nIn, nOut, k, scratch): dWt += p^T dz, dbias += k colsum dz. */
  lifWeightGrad(
    ...a: [number, number, number, number, number, number, number, number, number]
  ): void;
  /** (scores, labels, batch, classes): rows whose argmax (first on ties) is the i32 label. */
  lifCorrect(scores: number, labels: number, batch: number, classes: number): number;
  /**
   * (x, cols, batch, inH, inW, inC, k, pad): the patch matrix [batch outH outW, k k inC] of the
   * NHWC image x, zero outside it (core-as/assembly/conv.ts; layouts of src/nn/conv.ts).
   */
  im2col(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dcols, dx, batch, inH, inW, inC, k, pad): im2col's adjoint into dx (overwritten). */
  col2im(...a: [number, number, number, number, number, number, number, number]): void;
  /**
   * (a, y, idx, batch, h, w, c, s): s x s max-pool of NHWC a into y, the winners' flat indices
   * into a as i32 at idx (ties to the first in row-major window order).
   */
  maxPoolForward(...a: [number, number, number, number, number, number, number, number]): void;
  /** (dy, idx, dx, m, n): dx [n] zeroed, then dx[idx[o]] += dy[o] for o < m. */
  maxPoolBackward(dy: number, idx: number, dx: number, m: number, n: number): void;
  /** (a, y, batch, h, w, c, s): s x s average pool of NHWC a into y. */
  avgPoolForward(...a: [number, number, number, number, number, number, number]): void;
  /** (dy, dx, batch, h, w, c, s): average-pool backward into dx (overwritten). */
  avgPoolBackward(...a: [number, number, number, number, number, number, number]): void;
  /** Scratch bytes of `convForwardT` for W^T [kk, outC] (core-as/assembly/conv_step.ts). */
  convScratchBytes(kk: number, outC: number): number;
  /** (x, xp, batch, h, w, c, pad): xp = x with a zero border of `pad` (NHWC). */
  padImage(...a: [number, number, number, number, number, number, number]): void;
  /** (xp, x, batch, h, w, c, pad): x = the interior of the padded xp. */
  cropImage(...a: [number, number, number, number, number, number, number]): void;
  /**
   * (xp, Wt, D, a, batch, Hp, Wp, inC, outC, k, relu, scratch): a = conv(xp, W) + D from the
   * padded image and W^T [k k inC, outC], ReLU'd if relu (1); returns the largest activation.
   */
  convForwardT(...a: number[]): number;
  /**
   * (g, idx, batch, s, xp, dxp, Wr, dWr, dD, Hp, Wp, inC, outC, k, list): an s x s max-pooled
   * conv layer's backward over the pool winners: dWr += g patch, dD += g, dxp (if not 0) +=
   * g Wr, with Wr, dWr in `convRowsT`'s layout; xp and dxp need 12 readable bytes past their
   * end; `list` holds 12 bytes per pooled output.
   */
  convPoolBackward(...a: number[]): void;
  /** (Wt, Wr, outC, k, run): Wr [outC, k, run rounded up to 4] from W^T [k run, outC]. */
  convRowsT(Wt: number, Wr: number, outC: number, k: number, run: number): void;
  /** (dWr, gWt, outC, k, run): gWt [k run, outC] += dWr in `convRowsT`'s layout. */
  addConvRowsT(dWr: number, gWt: number, outC: number, k: number, run: number): void;
  /** Runs `iters` iterations of 64 FLOP each on a 1 KiB buffer, for timing peak throughput. */
  peakFlops(buf: number, iters: number): number;
}

const PAGE = 65536;
/**
 * wasm32 addresses 4 GiB: 65536 pages of 64 KiB.
 *
 * @example
 * ```ts
 * import { MAX_WASM_BYTES } from "./core.ts";
 * console.log(MAX_WASM_BYTES / 65536); // 65536 pages
 * ```
 */
export const MAX_WASM_BYTES = 4 * 1024 ** 3;

const BUILDS = {
  plain: CORE_WASM_BASE64,
  relaxed: CORE_WASM_RELAXED_BASE64,
  shared: CORE_WASM_SHARED_BASE64,
  relaxedShared: CORE_WASM_RELAXED_SHARED_BASE64,
};
const compiled: Partial<Record<keyof typeof BUILDS, WebAssembly.Module>> = {};
let relaxedValid: boolean | undefined;

/**
 * Whether this process's cores use the relaxed-SIMD build by default: the engine validates it
 * and SPIKEPROOF_RELAXED_SIMD is not "0".
 *
 * @example
 * ```ts
 * import { relaxedSimdDefault } from "./core.ts";
 * console.log(typeof relaxedSimdDefault()); // "boolean"
 * ```
 */
export function relaxedSimdDefault(): boolean {
  return !relaxedSimdOptedOut() && relaxedSimdValid();
}

/**
 * Whether the engine validates the relaxed-SIMD build, Node 20's flag set where needed and not
 * opted out (decided once per process).
 */
function relaxedSimdValid(): boolean {
  return relaxedValid ??= relaxedSimdValidates(decodeBase64(CORE_WASM_RELAXED_BASE64));
}

/** The compiled module of one build (compiled once per process, synchronously). */
function coreModule(relaxed: boolean, shared: boolean): WebAssembly.Module {
  const key = shared ? (relaxed ? "relaxedShared" : "shared") : (relaxed ? "relaxed" : "plain");
  return compiled[key] ??= new WebAssembly.Module(decodeBase64(BUILDS[key]) as BufferSource);
}

/**
 * A shared memory for cores in several threads (`new WasmCore({ memory })`): `bytes` to start
 * with, growable to SHARED_PAGES pages (1 GiB).
 *
 * @example
 * ```ts
 * import { sharedCoreMemory, WasmCore } from "./core.ts";
 * const memory = sharedCoreMemory(1 << 20);
 * const a = new WasmCore({ memory }), b = new WasmCore({ memory });
 * const p = a.alloc(16);
 * a.f32()[p / 4] = 2;
 * console.log(b.f32()[p / 4]); // 2: the same bytes
 * ```
 */
export function sharedCoreMemory(bytes: number): WebAssembly.Memory {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  if (initial > SHARED_PAGES) {
    throw new ValueError(
      `a shared core memory holds at most ${SHARED_PAGES * PAGE} bytes; ${bytes} asked for`,
    );
  }
  return new WebAssembly.Memory({ initial, maximum: SHARED_PAGES, shared: true });
}

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64), bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/**
 * One instance of the core with its arena.
 *
 * @example
 * ```ts
 * import { WasmCore } from "./core.ts";
 * const core = new WasmCore();
 * const p = core.alloc(16);
 * core.f32()[p / 4] = 1.5;
 * console.log(core.f32()[p / 4]); // 1.5
 * ```
 */
export class WasmCore {
  /** The module's exports. */
  readonly exports: CoreExports;
  #top = 0;
  #buffer: ArrayBuffer | SharedArrayBuffer | undefined;
  #f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  readonly #limit: number;
  #end = 0;

  /** Whether this core runs the relaxed-SIMD build. */
  readonly relaxed: boolean;

  /**
   * Instantiates an embedded module (compiled once per process, synchronously).
   *
   * @param options `relaxed`: the relaxed-SIMD build (default {@link relaxedSimdDefault});
   * true where the engine lacks relaxed SIMD is a ValueError. `memory`: run on this shared
   * memory ({@link sharedCoreMemory}) instead of the module's own.
   */
  constructor(options: { relaxed?: boolean; memory?: WebAssembly.Memory } = {}) {
    const relaxed = options.relaxed ?? relaxedSimdDefault();
    if (relaxed && !relaxedSimdValid()) {
      throw new ValueError("this engine has no relaxed SIMD: use { relaxed: false }");
    }
    this.relaxed = relaxed;
    const { memory } = options;
    const imports: WebAssembly.Imports = memory ? { env: { memory } } : {};
    const instance = new WebAssembly.Instance(coreModule(relaxed, memory !== undefined), imports);
    this.#limit = memory ? SHARED_PAGES * PAGE : MAX_WASM_BYTES;
    this.exports = instance.exports as unknown as CoreExports;
    this.reset();
  }

  /**
   * Frees every region allocated since `mark` (a value of `top`), or all of them. With `end`
   * (bytes, > 0), allocations from now on must end there: the arena of one thread's core on a
   * shared memory, which must not run into the next thread's (0: none).
   */
  reset(mark: number = this.exports.heapBase(), end: number = this.#end): void {
    this.#top = mark;
    this.#end = end;
  }

  /** The first free byte: give it to `reset` to free what is allocated after it. */
  get top(): number {
    return this.#top;
  }

  /** A 16-byte-aligned region of `bytes` bytes; grows the memory if needed. */
  alloc(bytes: number): number {
    const p = this.#top, end = p + Math.ceil(bytes / 16) * 16;
    if (this.#end > 0 && end > this.#end) {
      throw new ValueError(
        `this core's arena ends at byte ${this.#end}; ${end - this.#end} more bytes asked for`,
      );
    }
    if (end > this.#limit) {
      const where = this.#limit === MAX_WASM_BYTES
        ? "WebAssembly memory ends at 4 GiB"
        : "a shared core memory ends at 1 GiB";
      throw new ValueError(
        `the WASM core needs ${end} bytes of memory for this call; ${where} ` +
          `(${this.#limit} bytes): use smaller batches or layers, or the ref backend`,
      );
    }
    const memory = this.exports.memory, have = memory.buffer.byteLength;
    if (end > have) {
      try {
        memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        throw new ValueError(`the WASM core could not grow its memory to ${end} bytes: ${e}`);
      }
    }
    this.#top = end;
    return p;
  }

  /** A float32 view of the whole memory, re-created after every grow. */
  f32(): Float32Array<ArrayBufferLike> {
    const buffer = this.exports.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#f32 = new Float32Array(buffer);
    }
    return this.#f32;
  }

  /** Allocates room for `a` (as float32) and copies it in; returns the byte offset. */
  put(a: ArrayLike<number>, n: number): number {
    const p = this.alloc(n * 4);
    const f = this.f32();
    if (a instanceof Float64Array || a instanceof Float32Array) f.set(a.subarray(0, n), p / 4);
    else for (let k = 0; k < n; k++) f[p / 4 + k] = a[k];
    return p;
  }

  /** Copies n floats at byte offset p into `out` (converting to out's type). */
  get(p: number, out: Float64Array | Float32Array, n: number): void {
    out.set(this.f32().subarray(p / 4, p / 4 + n));
  }
}
