// The measurement behind claim ttfs.naive-init-explodes (src/claims/ttfs_jacobian.ts):
//   npx tsx scripts/naive_init_factors.ts [networks = 2000] [first seed = 0]
// For Glorot networks 32 wide (input 32, 12 hidden layers of 32, 10 classes), network s seeded
// with s and evaluated at randomInputs(s, 1, 32): sigma_max(naive) / sigma_max(B = 1) of the
// end-to-end Jacobian dt(k)/dt(0) at k = 4, 8, 12, per network and per group of 4 consecutive
// networks (the claim's case: their geometric mean); and the fraction of the eigenvalues of the
// layer Jacobians outside the unit circle, naive and B = 1.
import process from "node:process";
import { randomInputs } from "../src/claims/nets.ts";
import { exp, log } from "../src/nn/math/mod.ts";
import { initReluMlp } from "../src/nn/mlp.ts";
import { Rng } from "../src/nn/rng.ts";
import {
  fractionOutsideUnitCircle,
  initJacobians,
  sigmaRatioToB1,
} from "../src/ttfs/init_spectra.ts";
import { spectrum } from "../src/ttfs/jacobian.ts";

const networks = Number(process.argv[2] ?? 2000), first = Number(process.argv[3] ?? 0);
const WIDTH = 32, DEPTH = 12, DEPTHS = [4, 8, 12], GROUP = 4;
const ratios: number[][] = [], outside = { naive: [] as number[], b1: [] as number[] };
for (let s = first; s < first + networks; s++) {
  const relu = initReluMlp([WIDTH, ...new Array(DEPTH).fill(WIDTH), 10], new Rng(s));
  const x = randomInputs(s, 1, WIDTH);
  ratios.push(sigmaRatioToB1("naive", relu, x, DEPTHS));
  for (const init of ["naive", "b1"] as const) {
    const j = initJacobians(init, relu, x);
    const eig = j.jacobians.map((J, n) => spectrum(J, ...j.shapes[n]).eigenvalues);
    outside[init].push(fractionOutsideUnitCircle(eig));
  }
}
const geo = (a: number[]) => exp(a.reduce((t, v) => t + log(v), 0) / a.length);
const q = (a: number[], p: number) => [...a].sort((u, v) => u - v)[Math.floor(p * (a.length - 1))];
const f = (v: number) => v.toExponential(2);
console.log(`${networks} networks (seeds ${first}..${first + networks - 1}), groups of ${GROUP}`);
console.log("k    geo-mean | per network: min  5%  median | per group (geo-mean): min  5%  median");
DEPTHS.forEach((k, c) => {
  const r = ratios.map((row) => row[c]), groups: number[] = [];
  for (let g = 0; g + GROUP <= r.length; g += GROUP) groups.push(geo(r.slice(g, g + GROUP)));
  console.log(
    `${String(k).padEnd(4)} ${f(geo(r))} | ${f(q(r, 0))} ${f(q(r, 0.05))} ${f(q(r, 0.5))} | ` +
      `${f(q(groups, 0))} ${f(q(groups, 0.05))} ${f(q(groups, 0.5))}`,
  );
});
for (const init of ["naive", "b1"] as const) {
  const o = outside[init], mean = o.reduce((t, v) => t + v, 0) / o.length;
  console.log(
    `${init}: eigenvalues outside |z| = 1: mean ${(100 * mean).toFixed(2)}%, ` +
      `min ${(100 * q(o, 0)).toFixed(2)}%, max ${(100 * q(o, 1)).toFixed(2)}%`,
  );
}
