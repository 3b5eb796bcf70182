// The browser's stand-in for node:process, for the library paths the page takes: memory
// figures (LIF runs report a peak) and an empty environment. Nothing here runs in Node.
const heap = (): number =>
  (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
    0;

/** What the bundled library reads of `process`. */
const process = {
  env: {} as Record<string, string | undefined>,
  memoryUsage: () => ({ rss: heap(), heapUsed: heap(), heapTotal: heap(), external: 0 }),
  execPath: "",
  versions: {} as Record<string, string>,
};
export default process;
