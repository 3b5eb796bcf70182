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
import type { CoreExports } from "./core_exports.ts";

export type { CoreExports } from "./core_exports.ts";

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
