/**
 * The package as a user gets it: `npm pack` (whose `prepack` builds dist/) into a temporary
 * directory, `npm install` of that tarball into a fresh project, then "spikeproof" imported by
 * its name from a child process in that project:
 *   - under Node (tsx): plain `node` runs the compiled dist/ (the `default` export condition),
 *     `tsc --noEmit` checks a TypeScript consumer against the shipped .d.ts (the `types`
 *     condition), and the `spikeproof` bin answers `--help`;
 *   - under Bun: `bun` runs the same TypeScript consumer on the .ts sources (the `bun`
 *     condition).
 * Deno users import mod.ts by URL or from JSR instead (tests/remote_import.test.ts), so Deno
 * skips this file and says why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const versions = process.versions as Record<string, string | undefined>;
const runtime = versions.deno ? "deno" : versions.bun ? "bun" : "node";
const skip = runtime === "deno"
  ? "Deno imports spikeproof by URL or from JSR, not from an npm tarball (see remote_import.test.ts)"
  : false;
if (skip) console.log(`npm_pack.test.ts skipped: ${skip}`);

/** Runs a command to completion (never longer than `timeout` ms); fails the test on error. */
function sh(cmd: string, args: string[], cwd: string, timeout = 180_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env } });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} exited ${r.status}:\n${out.slice(-3000)}`);
  return r.stdout;
}

/** A consumer written as a user would: only the public API, by package name. */
const CONSUMER = `
import { createWasmBackend, loadFashionMnist, TwinTrainer, type TwinStep } from "spikeproof";
import { claimById, runClaim } from "spikeproof/claims";
const data = await loadFashionMnist({ dir: "embedded" });
const z = new Float64Array(1);
createWasmBackend().denseForward(
  new Float64Array([1, 2]), new Float64Array([3, 4]), new Float64Array([5]), z, 1, 2, 1,
);
const x = data.train.images.subarray(0, 4 * 784);
const trainer = new TwinTrainer([784, 8, 10], { seed: 1 });
const s: TwinStep = trainer.step(Float64Array.from(x, (v) => v / 255), data.train.labels, 4);
const claim = await runClaim(claimById("ttfs.mapping-exact"), { runs: 3 });
console.log(JSON.stringify({ train: data.train.count, z: z[0], finite: Number.isFinite(s.loss), claim: claim.pass }));
`;
const EXPECTED = { train: 2500, z: 16, finite: true, claim: true };

test(
  `the npm tarball (npm pack --json is JSON; the embedded subset once) installs and "spikeproof" imports by name in ${runtime}, with types`,
  { skip, timeout: 600_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "spikeproof-pack-"));
    try {
      // --json: stdout is one JSON document (prepack's build talks on stderr only)
      const [packed] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", dir], root));
      const big = packed.files.filter((f: { size: number }) => f.size > 1e6);
      assert.deepEqual(big.map((f: { path: string }) => f.path), ["src/data/embedded_subset.ts"]);
      const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
      assert.ok(tgz, "npm pack wrote no tarball");
      const app = join(dir, "app");
      sh("mkdir", ["-p", app], dir);
      writeFileSync(join(app, "package.json"), '{ "name": "app", "type": "module" }\n');
      sh("npm", [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--silent",
        join(dir, tgz),
      ], app);
      writeFileSync(join(app, "consumer.ts"), CONSUMER);
      if (runtime === "bun") {
        const out = sh(process.execPath, ["consumer.ts"], app);
        assert.deepEqual(JSON.parse(out.trim().split("\n").pop()!), EXPECTED);
        return;
      }
      // Node: types first (tsc on the consumer, resolving "spikeproof" through `exports`) ...
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      sh(process.execPath, [
        tsc,
        "--noEmit",
        "--strict",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--typeRoots",
        join(root, "node_modules", "@types"),
        "--types",
        "node",
        "consumer.ts",
      ], app);
      // ... then the same program as plain JavaScript on plain node (no loader) ...
      const js = CONSUMER.replace(", type TwinStep", "").replace(": TwinStep", "");
      writeFileSync(join(app, "consumer.mjs"), js);
      const out = sh(process.execPath, ["consumer.mjs"], app);
      assert.deepEqual(JSON.parse(out.trim().split("\n").pop()!), EXPECTED);
      // ... and the command-line entry the package declares in `bin`.
      const bin = join(app, "node_modules", ".bin", "spikeproof");
      const help = sh(bin, ["--help"], app);
      assert.match(help, /usage: spikeproof <command>/);
      const verify = sh(bin, ["verify", "--claim", "lif.saf-spikes-equal-lif", "--runs", "3"], app);
      assert.match(verify, /lif\.saf-spikes-equal-lif/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
