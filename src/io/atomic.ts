/**
 * Atomic file writes: write a temporary file beside the target, then rename it over the
 * target. A reader sees the old file or the new one, never a torn one; a crash leaves at most
 * a stray `.tmp-*` file.
 *
 * @module
 */
import { rename, rm, writeFile } from "node:fs/promises";

/**
 * Write `data` to `path` atomically.
 *
 * @example
 * ```ts ignore
 * import { writeFileAtomic } from "./atomic.ts";
 * await writeFileAtomic("result.json", JSON.stringify({ ok: true }));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
