/**
 * The executable entry of `verify` alone: `deno run jsr:@spikeproof/spikeproof/verify`, the
 * same as `spikeproof verify` (`npm run verify`, `deno task verify`).
 *
 * @module
 */
import process from "node:process";
import { main } from "./main.ts";

process.exitCode = await main(["verify", ...process.argv.slice(2)]);
