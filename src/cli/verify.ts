/**
 * `spikeproof verify`: runs every numerical claim of the registry (`src/claims/`) as a property
 * check and prints a table (claim, paper section, runs, worst error, tolerance, pass or fail,
 * test name). A failing claim prints its shrunk counterexample, seed and path, and the command
 * that replays it; the command then exits 1 (ClaimError). Bad options exit 2.
 *
 * @module
 */
import { openBackend } from "../backend/select.ts";
import type { Claim, ClaimBackend } from "../claims/claim.ts";
import { CLAIMS } from "../claims/registry.ts";
import {
  ClaimError,
  type ClaimResult,
  DEFAULT_SEED,
  describeFailure,
  runClaim,
} from "../claims/run.ts";
import { OptionError } from "../errors.ts";
import { type CommandSpec, numberOption, optionsOf, type ParsedOptions } from "./args.ts";

const BACKENDS = ["ref", "wasm", "webgpu"];

/** `verify`'s options and help. */
export const verifySpec: CommandSpec = {
  name: "verify",
  summary: "Check every numerical claim of the two papers as a property (fast-check).",
  options: {
    runs: {
      type: "string",
      value: "N",
      help: "random cases per claim (default: each claim's own)",
    },
    seed: { type: "string", value: "S", default: String(DEFAULT_SEED), help: "fast-check seed" },
    path: { type: "string", value: "P", help: "replay one counterexample (with --claim, --seed)" },
    claim: { type: "string", value: "ID[,ID]", help: "only these claims (ids or id prefixes)" },
    backend: {
      type: "string",
      value: "NAME",
      default: "wasm",
      help: "backend of the backend-equivalence claims: ref|wasm|webgpu (others run on ref)",
    },
    json: { type: "boolean", help: "print the results as one JSON object on stdout" },
  },
  notes: "Exit status: 0 when every claim passes, 1 when one fails, 2 for bad options.\n" +
    "Claims: " + CLAIMS.map((c) => c.id).join(", "),
};

/** What `verify` reports (the `--json` object). */
export interface VerifyReport {
  seed: number;
  backend: string;
  passed: number;
  failed: number;
  seconds: number;
  claims: ClaimResult[];
}

/** The claims `--claim` selects: exact ids or prefixes ("lif." for a whole paper). */
function select(claims: readonly Claim[], filter: unknown): Claim[] {
  if (typeof filter !== "string") return [...claims];
  const wanted = filter.split(",").map((s) => s.trim()).filter((s) => s);
  const picked = claims.filter((c) => wanted.some((w) => c.id === w || c.id.startsWith(w)));
  const unknown = wanted.filter((w) => !claims.some((c) => c.id === w || c.id.startsWith(w)));
  if (unknown.length || !picked.length) {
    throw new OptionError(
      `--claim: no claim '${unknown.join(", ") || filter}'; known: ${
        claims.map((c) => c.id).join(", ")
      }`,
    );
  }
  return picked;
}

const num = (v: number): string =>
  v === 0 ? "0" : Number.isFinite(v) ? v.toExponential(2) : String(v);

/** "Stanojevic et al. 2023 (exact mapping); 2024" -> "Stanojevic 2023". */
const shortPaper = (paper: string): string => {
  const m = /^(\S+) et al\. (\d{4})/.exec(paper);
  return m ? `${m[1]} ${m[2]}` : paper.split(" ")[0];
};

/** One table row: id, paper, section, runs, worst, tolerance, result, test name. */
function row(cells: string[]): string {
  const widths = [40, 16, 38, 5, 9, 9, 4];
  return cells.map((c, k) => (k < widths.length ? c.padEnd(widths[k]) : c)).join(" ");
}

/** JSON with non-finite numbers as strings ("Infinity", "NaN") instead of null. */
function toJson(report: VerifyReport): string {
  return JSON.stringify(
    report,
    (_, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
  );
}

/**
 * Runs `verify` with `argv`; `claims` defaults to the registry (tests pass their own).
 * Resolves to the report when every claim passes, throws a ClaimError when one fails.
 *
 * @example
 * ```ts ignore
 * import { runVerify } from "./verify.ts";
 * const report = await runVerify(["--claim", "ttfs.mapping-exact", "--runs", "5"]);
 * ```
 */
export async function runVerify(
  argv: string[] | ParsedOptions,
  claims: readonly Claim[] = CLAIMS,
): Promise<VerifyReport> {
  const o = optionsOf(verifySpec, argv);
  const runs = o.runs === undefined
    ? undefined
    : numberOption(o, "runs", { integer: true, min: 1 });
  const seed = numberOption(o, "seed", { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 });
  const backendName = String(o.backend);
  if (!BACKENDS.includes(backendName)) {
    throw new OptionError(`--backend must be one of ${BACKENDS.join("|")}, got '${backendName}'`);
  }
  const picked = select(claims, o.claim);
  const path = typeof o.path === "string" ? o.path : undefined;
  if (path !== undefined && picked.length !== 1) {
    throw new OptionError("--path replays one counterexample: give exactly one --claim ID");
  }
  const start = performance.now();
  const gpu = picked.some((c) => c.usesBackend) ? await openBackend(backendName) : undefined;
  const backend: ClaimBackend | undefined = gpu;
  if (!o.json) {
    console.log(
      `spikeproof verify: ${picked.length} claim${
        picked.length === 1 ? "" : "s"
      }, seed ${seed}, backend ${backendName}`,
    );
    console.log(row(["claim", "paper", "section", "runs", "worst", "tol", "ok", "test"]));
  }
  const results: ClaimResult[] = [];
  try {
    for (const claim of picked) {
      const r = await runClaim(claim, { runs, seed, path, backend });
      results.push(r);
      if (!o.json) {
        console.log(row([
          r.id,
          shortPaper(r.paper),
          r.section,
          String(r.runs),
          num(r.worst),
          num(r.tolerance),
          r.pass ? "pass" : "FAIL",
          r.testName,
        ]));
      }
    }
  } finally {
    gpu?.close();
  }
  const failed = results.filter((r) => !r.pass);
  const report: VerifyReport = {
    seed,
    backend: backendName,
    passed: results.length - failed.length,
    failed: failed.length,
    seconds: Math.round((performance.now() - start) / 10) / 100,
    claims: results,
  };
  if (o.json) console.log(toJson(report));
  else {
    console.log(`${report.passed} passed, ${report.failed} failed in ${report.seconds} s`);
  }
  for (const r of failed) (o.json ? console.error : console.log)(describeFailure(r));
  if (failed.length) {
    throw new ClaimError(
      `${failed.length} of ${results.length} claims failed: ${failed.map((r) => r.id).join(", ")}`,
    );
  }
  return report;
}
