import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AtomicFileHandle,
  type AtomicFs,
  NODE_ATOMIC_FS,
  writeFileAtomic,
} from "../../src/io/atomic.ts";
import { withTempDir } from "../_cli.ts";

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir("atomic", fn);

/** The real file system, logging each call as "op path" (the temp file's name shortened). */
function recording(log: string[], fail?: { op: string; path?: RegExp }): AtomicFs {
  const name = (p: string) => p.replace(/\.tmp-[^/]*$/, ".tmp-*");
  const check = (op: string, p: string) => {
    log.push(`${op} ${name(p)}`);
    if (fail && fail.op === op && (!fail.path || fail.path.test(p))) {
      throw new Error(`injected ${op} failure`);
    }
  };
  return {
    async open(p, flags) {
      check("open", p);
      const h = await NODE_ATOMIC_FS.open(p, flags);
      const handle: AtomicFileHandle = {
        async writeFile(data) {
          if (fail?.op === "write") { // a torn write: half the bytes, then an error
            await h.writeFile(typeof data === "string" ? data.slice(0, data.length >> 1) : data);
          } else await h.writeFile(data);
          check("write", p);
        },
        async sync() {
          check("sync", p);
          await h.sync();
        },
        async close() {
          log.push(`close ${name(p)}`);
          await h.close();
        },
      };
      return handle;
    },
    async rename(from, to) {
      check("rename", from);
      await NODE_ATOMIC_FS.rename(from, to);
    },
    async rm(p, options) {
      log.push(`rm ${name(p)}`);
      await NODE_ATOMIC_FS.rm(p, options);
    },
  };
}

test("atomic write: the temp file is fsynced and closed before the rename, the directory after", () =>
  withDir(async (dir) => {
    const path = join(dir, "out.json"), log: string[] = [];
    await writeFileAtomic(path, '{"ok":true}', recording(log));
    const tmp = `${path}.tmp-*`;
    assert.deepEqual(log, [
      `open ${tmp}`,
      `write ${tmp}`,
      `sync ${tmp}`,
      `close ${tmp}`,
      `rename ${tmp}`,
      `open ${dir}`,
      `sync ${dir}`,
      `close ${dir}`,
    ]);
    assert.equal(await readFile(path, "utf8"), '{"ok":true}');
    assert.deepEqual(await readdir(dir), ["out.json"]);
  }));

test("atomic write: a failed write, fsync or rename leaves the old target and no *.tmp-* file", () =>
  withDir(async (dir) => {
    const path = join(dir, "model.safetensors");
    for (const op of ["write", "sync", "rename"]) {
      await writeFile(path, "old contents");
      const log: string[] = [];
      await assert.rejects(
        writeFileAtomic(path, "new contents, long enough to tear", recording(log, { op })),
        new RegExp(`injected ${op} failure`),
      );
      assert.deepEqual(await readdir(dir), ["model.safetensors"], `after a ${op} failure`);
      assert.equal(await readFile(path, "utf8"), "old contents", `after a ${op} failure`);
      assert.ok(log.includes(`rm ${path}.tmp-*`), `the temp file is removed: ${log}`);
      assert.ok(
        log.indexOf(`close ${path}.tmp-*`) < log.indexOf(`rm ${path}.tmp-*`),
        "closed first",
      );
    }
  }));

test("atomic write: a rename over a directory fails with no *.tmp-* file left beside it", () =>
  withDir(async (dir) => {
    const path = join(dir, "taken");
    await mkdir(path);
    await assert.rejects(writeFileAtomic(path, new Uint8Array(4 << 20)));
    assert.deepEqual(await readdir(dir), ["taken"]);
    assert.deepEqual(await readdir(path), []);
  }));

test("atomic write: a directory that cannot be synced does not fail the write", () =>
  withDir(async (dir) => {
    const path = join(dir, "a.txt"), log: string[] = [];
    await writeFileAtomic(path, "a", recording(log, { op: "open", path: /atomic-[^/.]*$/ }));
    assert.equal(await readFile(path, "utf8"), "a");
    assert.deepEqual(await readdir(dir), ["a.txt"]);
  }));
