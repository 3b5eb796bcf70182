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
 * @module
 */
import { ValueError } from "../../errors.ts";
import { CORE_WASM_BASE64 } from "./core_module.ts";

type Args10 = [number, number, number, number, number, number, number, number, number, number];

/** The kernels the core exports (pointers are byte offsets, sizes are counts). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  denseScratchBytes(rows: number, nIn: number, nOut: number, wt: number): number;
  denseForward1(...a: [number, number, number, number, number, number, number]): void;
  denseForward2(...a: [number, number, number, number, number, number, number, number]): void;
  denseBackwardWeights1(...a: [number, number, number, number, number, number, number]): void;
  denseBackwardWeights2(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  denseBackwardInput1(...a: [number, number, number, number, number, number]): void;
  denseBackwardInput2(...a: [number, number, number, number, number, number, number]): void;
  ttfsDenseForward(...a: Args10): number;
  ttfsDenseForwardT(...a: Args10): number;
  maskInactive(g: number, a: number, n: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  denseForwardT(...a: [number, number, number, number, number, number, number, number]): void;
  denseBackwardWeightsT(
    ...a: [number, number, number, number, number, number, number, number]
  ): void;
  addInto(dst: number, src: number, n: number): void;
  softmaxCrossEntropy(
    ...a: [number, number, number, number, number, number, number]
  ): number;
  adamStep(...a: [number, number, number, number, number, number, number, number, number]): void;
  sumSquares(p: number, n: number): number;
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

let compiled: WebAssembly.Module | undefined;

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64), bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** One instance of the core with its arena. */
export class WasmCore {
  /** The module's exports. */
  readonly exports: CoreExports;
  #top = 0;
  #buffer: ArrayBuffer | SharedArrayBuffer | undefined;
  #f32: Float32Array<ArrayBufferLike> = new Float32Array(0);

  /**
   * Instantiates the embedded module (compiled once per process, synchronously).
   * @example
   * ```ts
   * import { WasmCore } from "./core.ts";
   * const core = new WasmCore();
   * const p = core.alloc(16);
   * core.f32()[p / 4] = 1.5;
   * console.log(core.f32()[p / 4]); // 1.5
   * ```
   */
  constructor() {
    compiled ??= new WebAssembly.Module(decodeBase64(CORE_WASM_BASE64) as BufferSource);
    const instance = new WebAssembly.Instance(compiled, {});
    this.exports = instance.exports as unknown as CoreExports;
    this.reset();
  }

  /** Frees every region allocated since `mark` (a value of `top`), or all of them. */
  reset(mark: number = this.exports.heapBase()): void {
    this.#top = mark;
  }

  /** The first free byte: give it to `reset` to free what is allocated after it. */
  get top(): number {
    return this.#top;
  }

  /** A 16-byte-aligned region of `bytes` bytes; grows the memory if needed. */
  alloc(bytes: number): number {
    const p = this.#top, end = p + Math.ceil(bytes / 16) * 16;
    if (end > MAX_WASM_BYTES) {
      throw new ValueError(
        `the WASM core needs ${end} bytes of memory for this call; WebAssembly memory ends at ` +
          `4 GiB (${MAX_WASM_BYTES} bytes): use smaller batches or layers, or the ref backend`,
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
