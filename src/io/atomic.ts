/**
 * Atomic file writes: write a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the directory (where the runtime can open one):
 *
 *   open(tmp, "wx") -> write -> fsync(tmp) -> close -> rename(tmp, path) -> fsync(dirname)
 *
 * A reader sees the old file or the new one, never a torn one, and after a power cut the new
 * name never points at unwritten blocks. Any failure removes the temp file before the error is
 * rethrown; only a kill (SIGKILL, power) between open and rename can leave a stray
 * `<path>.tmp-*` file.
 *
 * @module
 */
import { open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { OutputError } from "../errors.ts";

/** The part of a `node:fs/promises` FileHandle that {@link writeFileAtomic} uses. */
export interface AtomicFileHandle {
  /** Writes all of `data`. */
  writeFile(data: string | Uint8Array): Promise<void>;
  /** Flushes the file's data to the disk (fsync). */
  sync(): Promise<void>;
  /** Closes the handle. */
  close(): Promise<void>;
}

/** The file operations {@link writeFileAtomic} uses; `node:fs/promises` unless a test swaps them. */
export interface AtomicFs {
  /** Opens a file ("wx": create, failing if it exists) or a directory ("r"). */
  open(path: string, flags: string): Promise<AtomicFileHandle>;
  /** Renames `from` over `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; no error if it is missing. */
  rm(path: string, options: { force: boolean }): Promise<void>;
}

/**
 * `node:fs/promises`, as {@link writeFileAtomic} uses it.
 *
 * @example
 * ```ts ignore
 * import { NODE_ATOMIC_FS, writeFileAtomic } from "./atomic.ts";
 * await writeFileAtomic("a.txt", "a", NODE_ATOMIC_FS);
 * ```
 */
export const NODE_ATOMIC_FS: AtomicFs = { open, rename, rm };

/** Fsync a directory so that a rename in it is durable; skipped where it cannot be opened. */
async function syncDirectory(dir: string, fs: AtomicFs): Promise<void> {
  let handle: AtomicFileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot open a directory, and some file systems refuse to sync one.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** A probe file name beside `path`, as unlikely to exist as a temp file's. */
const probeName = (path: string, kind: string) =>
  `${path}.${kind}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** The system's word for a failed file operation, e.g. "ENOENT: no such file or directory". */
const reason = (
  e: unknown,
) => (e instanceof Error ? e.message.replace(/, \w+ '.*'$/, "") : String(e));

/**
 * Check, before any work, that `path` can be written atomically: its directory exists and a
 * file can be created in it (a probe file, removed at once), and `path` is not a directory.
 * Throws an {@link OutputError} naming the path and the reason.
 *
 * @example
 * ```ts
 * import { checkWritable } from "./atomic.ts";
 * await checkWritable("/nonexistent/x.json").catch((e) => console.log(e.name)); // "OutputError"
 * ```
 */
export async function checkWritable(path: string): Promise<void> {
  const dir = dirname(path), info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new OutputError(`cannot write ${path}: it is a directory`);
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo?.isDirectory()) {
    throw new OutputError(`cannot write ${path}: no directory ${dir}`);
  }
  const probe = probeName(path, "check");
  try {
    await (await open(probe, "wx")).close();
  } catch (e) {
    throw new OutputError(`cannot write ${path}: ${reason(e)}`);
  }
  await rm(probe, { force: true });
}

/**
 * Write `data` to `path` atomically (see the module comment); `fs` is for tests. A failure to
 * create or rename the file is an {@link OutputError} naming the path.
 *
 * @example
 * ```ts ignore
 * import { writeFileAtomic } from "./atomic.ts";
 * await writeFileAtomic("result.json", JSON.stringify({ ok: true }));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  fs: AtomicFs = NODE_ATOMIC_FS,
): Promise<void> {
  const tmp = probeName(path, "tmp");
  try {
    const file = await fs.open(tmp, "wx");
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => {}); // the original error matters more
    throw e instanceof Error && "code" in e
      ? new OutputError(`cannot write ${path}: ${reason(e)}`)
      : e;
  }
  await syncDirectory(dirname(path), fs);
}
