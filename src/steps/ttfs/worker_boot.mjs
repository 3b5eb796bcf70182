// Starts a training worker (wasm_worker.ts). Node without TypeScript support gets tsx's loader
// first (the caller passes where tsx/esm/api resolves); Deno and Bun import the entry as is.
// A failure is printed and flagged in the shared buffer, where the caller's wait sees it.
import { workerData } from "node:worker_threads";

try {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
} catch (e) {
  console.error(e);
  const ctl = new Int32Array(workerData.init.sab, 0, 16);
  Atomics.store(ctl, 3, 1);
  Atomics.notify(ctl, 3);
}
