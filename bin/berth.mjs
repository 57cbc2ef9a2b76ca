#!/usr/bin/env node
// The `berth` command: runs the built CLI (out/main/cli.js), or says how to build it.
import { existsSync } from 'node:fs';
import module from 'node:module';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error("Berth isn't built yet: run `npm run build` (or `npm install`)");
  process.exit(1);
}
// Node ≥ 22.1 keeps the CLI's compiled code on disk for the next command (absent on Node 20: skipped).
// https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
module.enableCompileCache?.();
await import(cli.href);
