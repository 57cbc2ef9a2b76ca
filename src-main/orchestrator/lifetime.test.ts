/**
 * One lifetime: a start that fails half-way (the port is taken) tears down through the same path as
 * close(), so neither leaves a timer, a handle, a disposable or the data directory's lock behind.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertNoLeaks, makeRepo, tempDir, waitFor } from '../testing/fixtures.js';
import { startOrchestrator } from './index.js';

/** Intervals started while this runs and not cleared since (every interval Berth starts is unref'd, so the event loop can't tell). */
function trackIntervals(): Set<NodeJS.Timeout> {
  const live = new Set<NodeJS.Timeout>();
  // Node's timers (the DOM typings of the same globals return numbers).
  const set = globalThis.setInterval as unknown as (fn: () => void, ms?: number, ...args: unknown[]) => NodeJS.Timeout;
  const clear = globalThis.clearInterval as unknown as (timer: NodeJS.Timeout | undefined) => void;
  vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number, ...args: unknown[]) => {
    const timer = set(fn, ms, ...args);
    live.add(timer);
    return timer;
  }) as typeof setInterval);
  vi.spyOn(globalThis, 'clearInterval').mockImplementation(((timer: NodeJS.Timeout | undefined) => {
    if (timer) live.delete(timer);
    clear(timer);
  }) as typeof clearInterval);
  return live;
}

/** Active handles and requests by type (timers, sockets, servers, file requests). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The types of which more are active now than `before` (the test runner's own may have ended meanwhile). */
function grownSince(before: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [type, n] of Object.entries(activeResources())) if (n > (before[type] ?? 0)) grown[type] = n - (before[type] ?? 0);
  return grown;
}

describe('orchestrator lifetime', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a start that fails because the port is taken leaves no timer, handle, disposable or lock behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = tempDir('berth-home-');
    try {
      const before = activeResources();
      const intervals = trackIntervals();
      const started = await startOrchestrator({ dataDir, mode: 'headless', port, rendererDir: null });
      expect(started.ok).toBe(false);
      if (started.ok) return;
      expect(started.error.code).toBe('conflict');
      expect(started.error.message).toContain(`port ${port}`);

      expect([...intervals]).toEqual([]);
      await assertNoLeaks();
      // Closing sockets and finishing file requests take a few turns of the loop.
      await waitFor(() => Object.keys(grownSince(before)).length === 0, 'handles back to where they were', 5_000).catch(() => undefined);
      expect(grownSince(before)).toEqual({});
      expect(fs.existsSync(path.join(dataDir, 'orchestrator.lock'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // The lock is free: the next start on the same data directory serves.
    const again = await startOrchestrator({ dataDir, mode: 'headless', port: 0, rendererDir: null });
    expect(again.ok).toBe(true);
    if (again.ok) await again.value.close();
    await assertNoLeaks();
  });

  it('close() after sessions ran leaves no timer, disposable or lock behind', async () => {
    const dataDir = tempDir('berth-home-');
    const intervals = trackIntervals();
    const started = await startOrchestrator({ dataDir, mode: 'headless', port: 0, rendererDir: null });
    if (!started.ok) throw new Error(started.error.message);
    const orch = started.value;
    const s = await orch.sessions.create({ repoPath: makeRepo(), agent: 'custom', command: 'sh' });
    if (!s.ok) throw new Error(s.error.message);
    await waitFor(() => orch.sessions.find(s.value.id).ok && orch.sessions.hasLiveTerminal(s.value.id), 'session running');
    await orch.close();
    expect([...intervals]).toEqual([]);
    await assertNoLeaks();
    expect(fs.existsSync(path.join(dataDir, 'orchestrator.lock'))).toBe(false);
  });
});
