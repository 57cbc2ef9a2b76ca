/**
 * Vitest setup for Node tests: a hermetic HOME (no dotfiles) and PATH (no node_modules/.bin, nothing
 * from /usr/local; see hermetic-home.ts), every DisposableStore tracked so fixtures can fail a test
 * that leaks one (a terminal host, a connection, a subscription left behind), and a test during which
 * a promise rejection went unhandled fails (in the product that is a fault nobody would see).
 */
import fs from 'node:fs';
import { afterAll, afterEach } from 'vitest';
import { leakTracker } from '../../src-shared/lifecycle.js';
import { removeTempDirs } from './fixtures.js';
import { useHermeticHome, useHermeticPath } from './hermetic-home.js';

const home = useHermeticHome();
useHermeticPath(home);
leakTracker.enabled = true;

/** Rejections nobody handled since the last check. */
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

/** Throws when a rejection went unhandled since the last check (`when`: the test, or the file's hooks). */
function failOnUnhandledRejections(when: string): void {
  const reasons = unhandled.splice(0);
  if (reasons.length === 0) return;
  const texts = reasons.map((r) => (r instanceof Error ? (r.stack ?? r.message) : String(r)));
  throw new AggregateError(reasons, `${reasons.length} unhandled promise rejection(s) ${when}:\n${texts.join('\n')}`);
}

// Registered first, so these run after each file's own hooks (vitest runs them as a stack): a rejection
// in a test's own cleanup counts too.
afterEach(() => failOnUnhandledRejections('during this test'));
afterAll(() => {
  removeTempDirs();
  fs.rmSync(home, { recursive: true, force: true });
  failOnUnhandledRejections("in this file's hooks");
});
