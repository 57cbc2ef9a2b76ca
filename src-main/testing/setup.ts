/**
 * Vitest setup for Node tests: a hermetic HOME (no dotfiles) and PATH (no node_modules/.bin, nothing
 * from /usr/local; see hermetic-home.ts), and every DisposableStore tracked so
 * fixtures can fail a test that leaks one (a terminal host, a connection, a subscription left behind).
 */
import fs from 'node:fs';
import { afterAll } from 'vitest';
import { leakTracker } from '../../src-shared/lifecycle.js';
import { removeTempDirs } from './fixtures.js';
import { useHermeticHome, useHermeticPath } from './hermetic-home.js';

const home = useHermeticHome();
useHermeticPath(home);
leakTracker.enabled = true;

// Registered first, so it runs after each file's own afterAll hooks (vitest runs them as a stack).
afterAll(() => {
  removeTempDirs();
  fs.rmSync(home, { recursive: true, force: true });
});
