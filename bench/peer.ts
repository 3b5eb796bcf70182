/**
 * The peer: TensorFlow.js with its WASM backend (XNNPACK, SIMD, single thread), loaded from
 * node_modules. `loadPeer()` resolves to undefined where it cannot start (then the table
 * says "n/a"), so the other columns still run.
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fileURLToPath } from "node:url";

export type Tf = typeof tf;

/** tfjs on its wasm backend, one thread, or undefined (with the reason on stderr). */
export async function loadPeer(): Promise<Tf | undefined> {
  try {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    const dir = new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);
    setWasmPaths(fileURLToPath(dir));
    if (!(await tf.setBackend("wasm"))) throw new Error("setBackend('wasm') failed");
    await tf.ready();
    return tf;
  } catch (e) {
    console.error(`peer (tfjs-backend-wasm) unavailable: ${e}`);
    return undefined;
  }
}
