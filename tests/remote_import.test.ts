/**
 * Users import spikeproof from a URL in Deno. This test serves the repository over HTTP on
 * 127.0.0.1, runs a small Deno program that imports mod.ts from that URL (with no file
 * permission at all), loads the embedded subset and trains one step.
 */
import { test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const deno = join(root, "node_modules", ".bin", "deno");

test("mod.ts imported from an http URL by Deno trains one step", async () => {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (path.includes("..") || path.startsWith("/node_modules")) return res.writeHead(403).end();
    try {
      const body = await readFile(join(root, path));
      const type = extname(path) === ".ts" ? "application/typescript" : "application/octet-stream";
      res.writeHead(200, { "content-type": type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const dir = await mkdtemp(join(tmpdir(), "spikeproof-url-"));
  try {
    const program = `
      import { gatherBatch, loadFashionMnist, TwinTrainer } from "http://127.0.0.1:${port}/mod.ts";
      const data = await loadFashionMnist({ dir: "embedded" });
      const batch = gatherBatch(data.train, [0, 1, 2, 3, 4, 5, 6, 7], 0, 8);
      const trainer = new TwinTrainer([784, 16, 10], { seed: 3 });
      const step = trainer.step(batch.x, batch.labels, batch.size);
      console.log(JSON.stringify({ loss: step.loss, twinLoss: step.twinLoss, diff: trainer.maxAbsWeightDiff() }));
    `;
    await writeFile(join(dir, "main.ts"), program);
    const child = spawn(deno, [
      "run",
      "--no-config",
      "--no-lock",
      `--allow-import=127.0.0.1:${port}`,
      "main.ts",
    ], {
      cwd: dir,
      env: { ...process.env, DENO_DIR: join(dir, "cache"), NO_COLOR: "1" },
    });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    clearTimeout(timer);
    assert.equal(code, 0, `deno exited ${code}: ${err}`);
    const result = JSON.parse(out.trim().split("\n").pop() ?? "{}");
    assert.ok(Number.isFinite(result.loss) && result.loss > 0, `loss ${result.loss}`);
    assert.ok(
      Math.abs(result.loss - result.twinLoss) < 1e-12,
      "the SNN and its twin see the same loss",
    );
    assert.ok(result.diff < 1e-12, `weights differ by ${result.diff}`);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
