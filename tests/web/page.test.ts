/**
 * The browser page (web/, `npm run web`) in a real browser: Debian's chromium driven by
 * puppeteer-core. The test builds the page, serves it on 127.0.0.1, opens `?auto=1&epochs=1`,
 * which trains ttfs-fc2 for one epoch on the embedded subset in a Web Worker (wasm core), runs
 * every claim of the registry in a second worker and trains SAF-E and OTTT_O side by side; it
 * waits for an accuracy above the floor, every claim passing, equal spikes and no console
 * error, and saves a screenshot in its temp directory. Where chromium is absent it skips and
 * says so (`.ci/run` installs it with apt). Node only: puppeteer-core is a Node library.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { withTempDir } from "../_cli.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const runtime = "Deno" in globalThis ? "Deno" : "Bun" in globalThis ? "Bun" : "Node";
const skip = runtime !== "Node"
  ? `the browser test runs under Node (puppeteer-core is a Node library), not ${runtime}`
  : !existsSync(CHROMIUM)
  ? `no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`
  : false;
if (skip) console.log(`# skipped: ${skip}`);

/** The page's data attributes, read in the browser (the test is type-checked without the DOM). */
declare const document: { body: { dataset: Record<string, string | undefined> } };

/** One epoch of ttfs-fc2 on the subset reaches about 78% (the demo's first epoch); floor: */
const ACCURACY_FLOOR = 0.7;

test(
  "web page: one epoch of ttfs-fc2 in a Web Worker passes the accuracy floor, every claim passes in the page, SAF's spikes equal LIF's and SAF-E's gradient OTTT's, no console error",
  {
    skip,
    timeout: 600000,
  },
  async () => {
    const { buildWeb } = await import("../../web/build.mjs");
    const { serveWeb } = await import("../../web/serve.mjs");
    const puppeteer = (await import("puppeteer-core")).default;
    const server = await serveWeb(await buildWeb(), 0);
    const url = `http://127.0.0.1:${server.address().port}/?auto=1&epochs=1&backend=wasm`;
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.setViewport({ width: 1100, height: 1600 });
      await page.goto(url);
      const done = (attr: string) =>
        page.waitForFunction(
          (a: string) => document.body.dataset[a] || document.body.dataset.error,
          {
            timeout: 540000,
            polling: 500,
          },
          attr,
        );
      await done("ttfsAccuracy");
      await done("verify");
      await done("lifSpikesEqual");
      const d = await page.evaluate(() => ({ ...document.body.dataset }));
      assert.equal(d.error, undefined, `the page reported: ${d.error}`);
      assert.ok(Number(d.ttfsAccuracy) > ACCURACY_FLOOR, `accuracy ${d.ttfsAccuracy}`);
      const [passed, failed] = d.verify!.split("/").map(Number);
      assert.equal(failed, 0, `${failed} claims failed in the page`);
      assert.ok(passed >= 48, `${passed} claims passed`);
      const [equal, compared] = d.lifSpikesEqual!.split("/").map(Number);
      assert.ok(compared > 0 && equal === compared, `spikes equal on ${equal} of ${compared}`);
      assert.ok(
        Number(d.lifGradientRelDiff) <= 1e-12,
        `SAF-E vs OTTT gradient ${d.lifGradientRelDiff}`,
      );
      assert.match(await page.$eval("#backend-used", (e) => e.textContent ?? ""), /backend: wasm/);
      await withTempDir("spikeproof-web-", async (dir) => {
        const shot = join(dir, "page.png");
        await page.screenshot({ path: shot as `${string}.png`, fullPage: true });
        assert.ok(existsSync(shot));
        console.log(
          `# screenshot: ${shot} (removed with the temp dir; set KEEP_SCREENSHOT to copy)`,
        );
        if (process.env.KEEP_SCREENSHOT) {
          await page.screenshot({
            path: process.env.KEEP_SCREENSHOT as `${string}.png`,
            fullPage: true,
          });
        }
      });
      assert.deepEqual(errors, [], "console errors");
    } finally {
      await browser.close();
      server.close();
    }
  },
);

test(
  "web page: with WebGPU (chromium --enable-unsafe-webgpu, SwiftShader) the page says so and trains one epoch of ttfs-fc2 on it past the accuracy floor",
  {
    skip,
    timeout: 600000,
  },
  async () => {
    const { buildWeb } = await import("../../web/build.mjs");
    const { serveWeb } = await import("../../web/serve.mjs");
    const puppeteer = (await import("puppeteer-core")).default;
    const server = await serveWeb(await buildWeb(), 0);
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--enable-unsafe-webgpu"],
    });
    const errors: string[] = [];
    try {
      const page = await browser.newPage();
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${server.address().port}/?auto=ttfs&epochs=1&backend=auto`);
      await page.waitForFunction(
        () => document.body.dataset.ttfsAccuracy || document.body.dataset.error,
        { timeout: 540000, polling: 500 },
      );
      const d = await page.evaluate(() => ({ ...document.body.dataset }));
      assert.equal(d.error, undefined, `the page reported: ${d.error}`);
      assert.match(
        await page.$eval("#backend-used", (e) => e.textContent ?? ""),
        /backend: webgpu/,
      );
      assert.ok(Number(d.ttfsAccuracy) > ACCURACY_FLOOR, `accuracy ${d.ttfsAccuracy}`);
      assert.deepEqual(errors, [], "console errors");
    } finally {
      await browser.close();
      server.close();
    }
  },
);
