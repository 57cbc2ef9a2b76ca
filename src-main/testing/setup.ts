/**
 * Vitest setup for Node tests: a hermetic HOME (no dotfiles), and every DisposableStore tracked so
 * fixtures can fail a test that leaks one (a terminal host, a connection, a subscription left behind).
 */
import fs from 'node:fs';
import { afterAll } from 'vitest';
import { leakTracker } from '../../src-shared/lifecycle.js';
import { removeTempDirs } from './fixtures.js';
import { useHermeticHome } from './hermetic-home.js';

const home = useHermeticHome();
leakTracker.enabled = true;

// Registered first, so it runs after each file's own afterAll hooks (vitest runs them as a stack).
afterAll(() => {
  removeTempDirs();
  fs.rmSync(home, { recursive: true, force: true });
});
