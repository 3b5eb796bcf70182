/**
 * A training worker's entry (started by `wasm_workers.ts` through `worker_boot.mjs`): runs
 * the worker loop with the init it was given, until the caller closes the runner.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { runWorker } from "./wasm_workers.ts";

runWorker(workerData.init);
