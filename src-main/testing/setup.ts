/**
 * Vitest setup for Node tests: track every DisposableStore so fixtures can fail a test that leaks one
 * (a terminal host, a connection, a subscription left behind).
 */
import { leakTracker } from '../../src-shared/lifecycle.js';

leakTracker.enabled = true;
