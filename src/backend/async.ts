/**
 * `asAsync`: a synchronous backend (ref, wasm) in the {@link AsyncBackend} form, so that callers
 * that must also drive WebGPU (`openBackend`, the verify harness) use one interface.
 *
 * @module
 */
import type { AsyncBackend, Backend } from "./backend.ts";

/**
 * Wraps `backend`: every primitive runs synchronously and returns a resolved Promise (a thrown
 * error becomes a rejection); `sync` keeps the backend itself.
 *
 * @example
 * ```ts
 * import { asAsync } from "./async.ts";
 * import { refBackend } from "./ref.ts";
 * const be = asAsync(refBackend), z = new Float64Array(1);
 * await be.denseForward(new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1);
 * console.log(z[0]); // 16
 * ```
 */
export function asAsync(backend: Backend): AsyncBackend {
  const run = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return {
    name: backend.name,
    sync: backend,
    denseForward: (...a) => run(() => backend.denseForward(...a)),
    denseBackwardWeights: (...a) => run(() => backend.denseBackwardWeights(...a)),
    denseBackwardInput: (...a) => run(() => backend.denseBackwardInput(...a)),
    ttfsDenseForward: (...a) => run(() => backend.ttfsDenseForward(...a)),
    close(): void {},
  };
}
