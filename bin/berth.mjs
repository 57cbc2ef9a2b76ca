#!/usr/bin/env node
// The `berth` command: runs the built CLI (out/main/cli.js), or says how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error("Berth isn't built yet: run `npm run build` (or `npm install`)");
  process.exit(1);
}
await import(cli.href);
