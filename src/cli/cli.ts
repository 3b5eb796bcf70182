#!/usr/bin/env node
/**
 * The executable entry: `npm run cli -- <command>`, `deno task cli <command>`.
 *
 * @module
 */
import process from "node:process";
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2));
