/** The benchmark table: one row per group, ms (and GFLOP/s) per column, then the ratios. */
import type { BenchCase } from "./cases.ts";
import { LIF_RATIOS, lifStepGroup } from "./lif_cases.ts";

const COLUMNS = ["ref", "wasm", "wasm f32", "wasm f32 x2", "peer"] as const;

/** Prints the table for one runtime, given the mean milliseconds of every case. */
export function printReport(
  runtime: string,
  cases: BenchCase[],
  ms: (c: BenchCase) => number,
  peak: number,
): void {
  console.log(
    `\n${runtime}; f32x4 mul+add limit measured in this engine: ${peak.toFixed(1)} GFLOP/s`,
  );
  const groups = [...new Set(cases.map((c) => c.group))];
  const cell = (c: BenchCase | undefined) => {
    if (!c) return "n/a".padStart(20);
    const t = ms(c), g = c.flops ? ` ${(c.flops / t / 1e6).toFixed(1).padStart(5)} GF/s` : "";
    return `${t.toFixed(3).padStart(9)} ms${g}`.padStart(20);
  };
  console.log(`${"".padEnd(38)}${COLUMNS.map((k) => k.padStart(20)).join("")}   ratios`);
  for (const g of groups) {
    const row = COLUMNS.map((k) => cases.find((c) => c.group === g && c.column === k));
    const [ref, wasm, kernel, two, peer] = row.map((c) => (c ? ms(c) : NaN));
    const fast = Number.isFinite(kernel) ? kernel : wasm;
    const ratios = [
      `wasm/ref ${(ref / wasm).toFixed(1)}x`,
      Number.isFinite(kernel) ? `f32/ref ${(ref / kernel).toFixed(1)}x` : "",
      Number.isFinite(two)
        ? `f32 x2/ref ${(ref / two).toFixed(1)}x, 1->2 workers ${(kernel / two).toFixed(2)}x`
        : "",
      Number.isFinite(peer) ? `wasm/peer ${(peer / fast).toFixed(2)}x` : "",
      row[0]?.flops
        ? `kernel at ${((row[0].flops / fast / 1e6 / peak) * 100).toFixed(0)}% of limit`
        : "",
    ].filter(Boolean);
    console.log(`${g.padEnd(38)}${row.map(cell).join("")}   ${ratios.join(", ")}`);
  }
  console.log(
    "(speed ratios: how many times faster; wasm/peer uses the f32 column where there is one)",
  );
  for (const [num, den] of LIF_RATIOS) {
    const time = (m: string, k: string) => {
      const c = cases.find((c) => c.group === lifStepGroup(m) && c.column === k);
      return c ? ms(c) : NaN;
    };
    const cells = ["ref", "wasm"].map((k) => `${k} ${(time(num, k) / time(den, k)).toFixed(3)}`);
    console.log(`lif-mlp step time ratio ${num}/${den}: ${cells.join(", ")}`);
  }
}
