// The browser's stand-in for node:fs/promises, node:path and node:worker_threads: the library
// imports them for files and worker threads, which the page never uses (it trains on the
// embedded subset, in one Web Worker per job). Reaching one throws and says so.
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in a browser page (spikeproof web/)`);
};

export const readFile = unavailable("node:fs/promises readFile");
export const access = unavailable("node:fs/promises access");
export const open = unavailable("node:fs/promises open");
export const rename = unavailable("node:fs/promises rename");
export const rm = unavailable("node:fs/promises rm");
export const stat = unavailable("node:fs/promises stat");
export const join = (...parts: string[]): string => parts.join("/");
export const dirname = (p: string): string => p.slice(0, Math.max(0, p.lastIndexOf("/"))) || ".";
export const workerData = undefined;
export class Worker {
  constructor() {
    unavailable("node:worker_threads Worker")();
  }
}
