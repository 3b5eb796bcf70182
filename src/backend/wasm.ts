/**
 * The WASM SIMD backend: the `Backend` interface over the float32 core (`core-as/`, loaded by
 * `wasm/core.ts`). Each call copies its float64 operands into the core's arena as float32,
 * runs one kernel and copies the result back, so the models run unchanged on either backend.
 *
 * Kernel versions: 1 = one row at a time, SIMD along the contiguous axis; 2 = zero-skipping
 * row accumulations, 32 columns in registers, K tiled (core-as/assembly/dense.ts); 3 = 4x8
 * register tiles over packed panels (core-as/assembly/gemm.ts); "auto" (the default) picks 2 or
 * 3 per call from the density of A (`ZERO_SKIP_DENSITY`). Each is checked against `refBackend`
 * within the float32 bound by the registry's backend claims (src/claims/backend.ts), which
 * tests/claims/backend.test.ts runs on each version; tests/backend/models.test.ts and twin_step.test.ts compare training steps and
 * an epoch with the reference (tests/backend/wasm.test.ts checks only the ShapeErrors).
 *
 * The TTFS training step on this backend (`src/steps/ttfs/wasm.ts`, "auto" only) keeps a
 * dense B = 1 network and its twin resident in float32 in its own core, over `workers` threads.
 *
 * @module
 */
import { OptionError, ShapeError } from "../errors.ts";
import type { Backend } from "./backend.ts";
import { WasmCore } from "./wasm/core.ts";

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Kernel version: 1 plain rows, 2 zero-skipping rows, 3 the 4x8 GEMM tiles, or "auto" (the
   * default): per call, 2 where A (x, or dz) has fewer than {@link ZERO_SKIP_DENSITY} non-zero
   * entries, else 3.
   */
  version?: 1 | 2 | 3 | "auto";
  /**
   * Threads of a training step on this backend (`src/steps/ttfs/wasm.ts`, "auto" only): 1 = the
   * calling thread (default), n > 1 = the caller and n - 1 worker threads, each a batch share.
   */
  workers?: number;
}

/**
 * The fraction of non-zero entries of A below which version 2's zero skipping beats version 3's
 * register tiles. Measured for ttfs-fc2's first layer (64 x 784 by 784 x 340, forward, Node, one
 * thread): v2 / v3 time 1.49 at density 1, 1.18 at 0.5, 0.79 at 0.3, 0.36 at 0.1.
 *
 * @example
 * ```ts
 * import { ZERO_SKIP_DENSITY } from "./wasm.ts";
 * console.log(ZERO_SKIP_DENSITY); // 0.4
 * ```
 */
export const ZERO_SKIP_DENSITY = 0.4;

/** The fraction of the first n entries of a that are not 0. */
function density(a: ArrayLike<number>, n: number): number {
  let nz = 0;
  for (let i = 0; i < n; i++) nz += +(a[i] !== 0);
  return n ? nz / n : 1;
}

function checkDims(name: string, dims: [number, number, number]): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${name}: sizes must be integers >= 0, got ${dims.join(", ")}`);
    }
  }
}

function checkLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw new ShapeError(`${name} has ${a.length} entries; expected >= ${n}`);
}

/** Pointers (byte offsets into the core) of one product's operands, and its sizes. */
type Product = [number, number, number, number, number, number, number];

/** The three products of each kernel version over `core`, each allocating its own scratch. */
function kernels(core: WasmCore) {
  const ex = core.exports;
  const lists = (rows: number, nIn: number, nOut: number, wt: boolean): number =>
    core.alloc(ex.denseScratchBytes(rows, nIn, nOut, wt ? 1 : 0));
  const packing = (K: number, n: number): number => core.alloc(ex.gemmScratchBytes(K, n));
  return {
    /** (x, W, bias, z, batch, nIn, nOut) */
    forward(v: 1 | 2 | 3, ...p: Product): void {
      const [, , , , batch, nIn, nOut] = p;
      if (v === 1) ex.denseForward1(...p);
      else if (v === 3) ex.denseForward3(...p, packing(nIn, nOut));
      else ex.denseForward2(...p, lists(batch, nIn, nOut, true));
    },
    /** (dz, x, dW, dbias, batch, nIn, nOut) */
    weights(v: 1 | 2 | 3, ...p: Product): void {
      const [, , , , batch, nIn, nOut] = p;
      if (v === 1) ex.denseBackwardWeights1(...p);
      else if (v === 3) ex.denseBackwardWeights3(...p, packing(batch, nIn));
      else ex.denseBackwardWeights2(...p, lists(nOut, nIn, nOut, false));
    },
    /** (dz, W, dx, batch, nIn, nOut) */
    input(v: 1 | 2 | 3, ...p: [number, number, number, number, number, number]): void {
      const [, , , batch, nIn, nOut] = p;
      if (v === 1) ex.denseBackwardInput1(...p);
      else if (v === 3) ex.denseBackwardInput3(...p, packing(nOut, nIn));
      else ex.denseBackwardInput2(...p, lists(batch, nIn, nOut, false));
    },
  };
}

/**
 * A Backend running the float32 WASM SIMD core (one instance, its own memory).
 *
 * @example
 * ```ts
 * import { createWasmBackend } from "./wasm.ts";
 * const be = createWasmBackend();
 * const z = new Float64Array(1);
 * be.denseForward(new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * ```
 */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  const version = options.version ?? "auto", workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new OptionError(`workers must be an integer >= 1, got ${workers}`);
  }
  const core = new WasmCore(), ex = core.exports, k = kernels(core);
  const pick = (a: ArrayLike<number>, n: number): 1 | 2 | 3 =>
    version !== "auto" ? version : density(a, n) < ZERO_SKIP_DENSITY ? 2 : 3;
  return {
    name: version === "auto" ? "wasm" : `wasm-v${version}`,

    denseForward(x, W, bias, z, batch, nIn, nOut): void {
      checkDims("denseForward", [batch, nIn, nOut]);
      checkLength("x", x, batch * nIn), checkLength("W", W, nOut * nIn);
      checkLength("bias", bias, nOut), checkLength("z", z, batch * nOut);
      core.reset();
      const px = core.put(x, batch * nIn), pW = core.put(W, nOut * nIn);
      const pb = core.put(bias, nOut), pz = core.alloc(batch * nOut * 4);
      k.forward(pick(x, batch * nIn), px, pW, pb, pz, batch, nIn, nOut);
      core.get(pz, z, batch * nOut);
    },

    denseBackwardWeights(dz, x, dW, dbias, batch, nIn, nOut): void {
      checkDims("denseBackwardWeights", [batch, nIn, nOut]);
      checkLength("dz", dz, batch * nOut), checkLength("x", x, batch * nIn);
      checkLength("dW", dW, nOut * nIn), checkLength("dbias", dbias, nOut);
      core.reset();
      const pdz = core.put(dz, batch * nOut), px = core.put(x, batch * nIn);
      const pdW = core.put(dW, nOut * nIn), pdb = core.put(dbias, nOut);
      k.weights(pick(dz, batch * nOut), pdz, px, pdW, pdb, batch, nIn, nOut);
      core.get(pdW, dW, nOut * nIn);
      core.get(pdb, dbias, nOut);
    },

    denseBackwardInput(dz, W, dx, batch, nIn, nOut): void {
      checkDims("denseBackwardInput", [batch, nIn, nOut]);
      checkLength("dz", dz, batch * nOut), checkLength("W", W, nOut * nIn);
      checkLength("dx", dx, batch * nIn);
      core.reset();
      const pdz = core.put(dz, batch * nOut), pW = core.put(W, nOut * nIn);
      const pdx = core.alloc(batch * nIn * 4);
      k.input(pick(dz, batch * nOut), pdz, pW, pdx, batch, nIn, nOut);
      core.get(pdx, dx, batch * nIn);
    },

    ttfsDenseForward(x, W, D, t, a, batch, nIn, nOut, tmax): number {
      checkDims("ttfsDenseForward", [batch, nIn, nOut]);
      checkLength("x", x, batch * nIn), checkLength("W", W, nOut * nIn);
      checkLength("D", D, nOut), checkLength("t", t, batch * nOut);
      checkLength("a", a, batch * nOut);
      core.reset();
      const px = core.put(x, batch * nIn), pW = core.put(W, nOut * nIn), pD = core.put(D, nOut);
      const pt = core.alloc(batch * nOut * 4), pa = core.alloc(batch * nOut * 4);
      const s = core.alloc(
        ex.denseScratchBytes(batch, nIn, nOut, 1) + ex.gemmScratchBytes(nIn, nOut),
      );
      const max = ex.ttfsDenseForward(px, pW, pD, pt, pa, batch, nIn, nOut, tmax, s);
      core.get(pt, t, batch * nOut);
      core.get(pa, a, batch * nOut);
      return max;
    },

    threads: workers,
  };
}
