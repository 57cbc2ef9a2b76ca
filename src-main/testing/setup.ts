/**
 * Vitest setup for Node tests: a hermetic HOME (no dotfiles), and every DisposableStore tracked so
 * fixtures can fail a test that leaks one (a terminal host, a connection, a subscription left behind).
 */
import { leakTracker } from '../../src-shared/lifecycle.js';
import { useHermeticHome } from './hermetic-home.js';

useHermeticHome();
leakTracker.enabled = true;
