/**
 * The browser page's epoch against Node's, side by side: one epoch of ttfs-fc2 on the embedded
 * subset (TTFS_SUBSET_TRAINING, seed 0, the wasm backend, the fused step), timed by the loop's
 * own epoch record (training and the test evaluation), in Debian's chromium (the page, a Web
 * Worker) and in this Node process, alternating A B A B for `rounds` rounds. Prints min and
 * median and the load average, and writes results/web-epoch.json.
 *
 *   npx tsx bench/web_epoch.ts [rounds=4]
 */
import { loadavg } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { openBackend } from "../src/backend/select.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { trainTtfsAsync } from "../src/experiments/train_ttfs.ts";
import { TTFS_SUBSET_TRAINING, ttfsModelLayers } from "../src/ttfs/models.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { buildWeb } from "../web/build.mjs";
import { serveWeb } from "../web/serve.mjs";

declare const document: { body: { dataset: Record<string, string | undefined> } };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const rounds = Number(process.argv[2] ?? 4);

async function nodeEpoch(): Promise<number> {
  const data = await loadFashionMnist({ dir: "embedded" }), backend = await openBackend("wasm");
  const r = await trainTtfsAsync(data.train, data.test, {
    layers: ttfsModelLayers("ttfs-fc2", { h: 28, w: 28, c: 1 }, 10),
    ...TTFS_SUBSET_TRAINING,
    epochs: 1,
    seed: 0,
    backend,
  });
  backend.close();
  return r.history[0].seconds;
}

async function pageEpoch(url: string): Promise<number> {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ttfsAccuracy, { timeout: 300000 });
    return Number((await page.evaluate(() => document.body.dataset.epochSeconds))!.split(",")[0]);
  } finally {
    await browser.close();
  }
}

const server = await serveWeb(await buildWeb(), 0);
const url = `http://127.0.0.1:${server.address().port}/?auto=ttfs&epochs=1&backend=wasm`;
const load0 = loadavg()[0], page: number[] = [], node: number[] = [];
for (let k = 0; k < rounds; k++) {
  page.push(await pageEpoch(url));
  node.push(await nodeEpoch());
}
server.close();
const med = (a: number[]) => {
  const s = a.slice().sort((p, q) => p - q), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const report = {
  what: "one epoch of ttfs-fc2 on the embedded subset, wasm fused step, seconds (train + test)",
  page: { runs: page, min: Math.min(...page), median: med(page) },
  node: { runs: node, min: Math.min(...node), median: med(node), version: process.version },
  pageOverNodeMedian: med(page) / med(node),
  load: [load0, loadavg()[0]],
};
console.log(JSON.stringify(report, null, 2));
await writeFileAtomic(
  fileURLToPath(new URL("../results/web-epoch.json", import.meta.url)),
  new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"),
);
