import { test } from "node:test";
import assert from "node:assert/strict";
import { claimById } from "../../src/claims/registry.ts";
import { assertClaim, ClaimError, DEFAULT_SEED, runClaim } from "../../src/claims/run.ts";
import { main } from "../../src/cli/main.ts";
import { runVerify, type VerifyReport } from "../../src/cli/verify.ts";
import { OptionError, SpikeproofError } from "../../src/errors.ts";

/** Runs `f` with console.log / console.error captured; resolves to its result and the text. */
async function captured<T>(
  f: () => Promise<T>,
): Promise<{ value?: T; error?: unknown; out: string }> {
  const lines: string[] = [], log = console.log, err = console.error;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { value: await f(), out: lines.join("\n") };
  } catch (error) {
    return { error, out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = err;
  }
}

const TWO = ["--claim", "ttfs.mapping-exact,lif.saf-e-equals-ottt-o", "--runs", "3"];

test("verify prints a table row per claim (id, paper, section, runs, worst, tolerance, pass, test) and exits 0", async () => {
  const { value: code, out } = await captured(() => main(["verify", ...TWO]));
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`2 claims, seed ${DEFAULT_SEED}, backend wasm`));
  assert.match(out, /^claim\s+paper\s+section\s+runs\s+worst\s+tol\s+ok\s+test$/m);
  const row = out.split("\n").find((l) => l.startsWith("ttfs.mapping-exact"))!;
  assert.match(row, /Stanojevic 2023\s+SPEC A4\s+3\s+\S+\s+1\.00e-9\s+pass A4 claim 2: mapped SNN/);
  assert.match(out, /2 passed, 0 failed/);
});

test("verify --json prints one object: seed, backend, counts and a result per claim", async () => {
  const { value: code, out } = await captured(() =>
    main(["verify", ...TWO, "--json", "--seed", "7"])
  );
  assert.equal(code, 0, out);
  const report = JSON.parse(out.trim().split("\n").pop()!) as VerifyReport;
  assert.equal(report.seed, 7);
  assert.equal(report.passed, 2);
  assert.equal(report.failed, 0);
  assert.deepEqual(report.claims.map((c) => c.id), [
    "ttfs.mapping-exact",
    "lif.saf-e-equals-ottt-o",
  ]);
  for (const c of report.claims) {
    assert.equal(c.runs, 3);
    assert.equal(c.seed, 7);
    assert.ok(c.pass && c.worst <= c.tolerance && typeof c.testName === "string");
  }
});

test("a failing claim prints its shrunk counterexample, the seed and the replay command with its --runs, and the run fails with a ClaimError (exit 1)", async () => {
  // a registry claim with a tolerance it cannot meet: SAF-E and OTTT_O differ by ulps
  const wrong = {
    ...claimById("lif.saf-e-equals-ottt-o"),
    id: "test.saf-e-tolerance-too-tight",
    tolerance: 1e-30,
  };
  const { error, out } = await captured(() => runVerify(["--runs", "30"], [wrong]));
  assert.ok(error instanceof ClaimError, String(error));
  assert.ok(error instanceof SpikeproofError && !(error instanceof OptionError)); // main: exit 1
  assert.match(String(error.message), /1 of 1 claims failed: test\.saf-e-tolerance-too-tight/);
  assert.match(out, /FAIL/);
  assert.match(out, /claim test\.saf-e-tolerance-too-tight failed .*error \S+ > tolerance 1e-30/);
  assert.match(out, /counterexample: \[\[\{"sizes":\[/);
  const path = /seed: 20241123, path: (\S+)/.exec(out)?.[1];
  assert.ok(path, out);
  assert.match(
    out,
    /replay: npm run verify -- --claim test\.saf-e-tolerance-too-tight --seed 20241123 --runs 30 --path /,
  );
  // the replay runs exactly that case, and it fails again
  const again = await captured(() =>
    runVerify(["--claim", wrong.id, "--seed", String(DEFAULT_SEED), "--path", path], [wrong])
  );
  assert.ok(again.error instanceof ClaimError);
  assert.match(again.out, /^test\.saf-e-tolerance-too-tight .* 1 +\S+ +1\.00e-30 +FAIL/m);
});

test("verify: bad options exit 2 (the WebGPU backend's case: verify_webgpu.test.ts)", async () => {
  for (
    const argv of [
      ["--runs", "0"],
      ["--seed", "x"],
      ["--backend", "gpu"],
      ["--claim", "no.such-claim"],
      ["--path", "1:0"],
      ["--bogus"],
    ]
  ) {
    const { value: code } = await captured(() => main(["verify", ...argv]));
    assert.equal(code, 2, argv.join(" "));
  }
});

test("assertClaim fails a test with the counterexample and replay seed; too little coverage is a failure too", async () => {
  const wrong = {
    ...claimById("ttfs.mapping-exact"),
    id: "test.negative-tolerance",
    tolerance: -1,
  };
  await assert.rejects(
    assertClaim(wrong, { runs: 5, seed: 11 }),
    (e) =>
      e instanceof ClaimError && /counterexample: \[\{"sizes":\[/.test(e.message) &&
      /seed: 11, path: /.test(e.message) && /SPIKEPROOF_FC_SEED=11/.test(e.message),
  );
  const thin = { ...claimById("ttfs.silent-iff-relu-zero"), coverage: { "neurons decided": 1e9 } };
  const r = await runClaim(thin, { runs: 4 });
  assert.equal(r.pass, false);
  assert.match(r.failure!, /^only \d+ neurons decided over 4 cases, 20000000 needed/);
  assert.equal(r.counterexample, undefined);
});
