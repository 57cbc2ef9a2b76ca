/**
 * Entry of the `berth` command (built to out/main/cli.cjs, started by bin/berth.mjs).
 */
import { processIo } from './context.js';
import { runCli } from './program.js';

/** Longest wait for stdout to drain before exiting anyway. */
const FLUSH_TIMEOUT_MS = 2_000;

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // Streams, sockets and stdin may still hold the event loop open: exit once stdout has drained.
  const timer = setTimeout(() => process.exit(code), FLUSH_TIMEOUT_MS);
  process.stdout.write('', () => {
    clearTimeout(timer);
    process.exit(code);
  });
});
