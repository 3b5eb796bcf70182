/**
 * Shared by the tests: the CLI run as a user runs it (`main`), with what it prints captured
 * instead of shown, and a temporary directory that is removed afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";

/** What one CLI run returned and printed: console.log lines, then console.error lines. */
export interface CliRun {
  /** The exit code `main` resolved to. */
  code: number;
  /** Lines printed with console.log (stdout). */
  stdout: string[];
  /** Lines printed with console.error (stderr). */
  stderr: string[];
}

/** Runs `main(argv)` with console.log and console.error captured. */
export async function runCli(argv: string[]): Promise<CliRun> {
  const stdout: string[] = [], stderr: string[] = [], { log, error } = console;
  console.log = (...a: unknown[]) => stdout.push(a.join(" "));
  console.error = (...a: unknown[]) => stderr.push(a.join(" "));
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    Object.assign(console, { log, error });
  }
}

/** Runs `fn` with a new temporary directory (named after `prefix`), removed afterwards. */
export async function withTempDir(
  prefix: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `spikeproof-${prefix}-`));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
