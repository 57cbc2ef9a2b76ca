import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, forked, resetElectronMock } from './testing/electron-mock.js';
import {
  MAX_CONSECUTIVE_CRASHES,
  OrchestratorHost,
  RESTART_BASE_DELAY_MS,
  STABLE_RUN_MS,
  STOP_TIMEOUT_MS,
} from './orchestrator-host.js';
import { PortBroker } from './port-broker.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function host(): OrchestratorHost {
  return new OrchestratorHost({
    modulePath: '/app/out/main/orchestrator.js',
    args: ['--embedded'],
    env: { BERTH_MODE: 'desktop', PATH: '/usr/bin' },
    log,
  });
}

function last() {
  const child = forked.at(-1);
  if (!child) throw new Error('nothing forked');
  return child;
}

beforeEach(() => {
  resetElectronMock();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('OrchestratorHost', () => {
  it('forks the orchestrator entry as a named utility process', () => {
    const spawned = vi.fn();
    const h = host();
    h.onDidSpawn(spawned);
    h.start();
    expect(forked).toHaveLength(1);
    const child = last();
    expect(child.modulePath).toBe('/app/out/main/orchestrator.js');
    expect(child.args).toEqual(['--embedded']);
    expect(child.options).toMatchObject({ serviceName: 'berth-orchestrator', env: { BERTH_MODE: 'desktop' } });
    expect(spawned).not.toHaveBeenCalled();
    child.simulateSpawn();
    expect(spawned).toHaveBeenCalledWith(child);
    h.start();
    expect(forked).toHaveLength(1);
  });

  it('restarts after a crash with growing delays and gives up after MAX_CONSECUTIVE_CRASHES', () => {
    const gaveUp = vi.fn();
    const h = host();
    h.onDidGiveUp(gaveUp);
    h.start();
    for (let crash = 1; crash < MAX_CONSECUTIVE_CRASHES; crash++) {
      last().simulateExit(1);
      const delay = RESTART_BASE_DELAY_MS * 2 ** (crash - 1);
      vi.advanceTimersByTime(delay - 1);
      expect(forked).toHaveLength(crash);
      vi.advanceTimersByTime(1);
      expect(forked).toHaveLength(crash + 1);
    }
    last().simulateExit(1);
    vi.advanceTimersByTime(10 * 60_000);
    expect(forked).toHaveLength(MAX_CONSECUTIVE_CRASHES);
    expect(gaveUp).toHaveBeenCalledWith({ crashes: MAX_CONSECUTIVE_CRASHES, lastExitCode: 1 });
  });

  it('does not restart an orchestrator that reported it cannot start', () => {
    const gaveUp = vi.fn();
    const h = host();
    h.onDidGiveUp(gaveUp);
    h.start();
    last().simulateSpawn();
    last().emit('message', { type: 'berth.failed', message: 'another Berth uses /data' });
    last().simulateExit(1);
    vi.advanceTimersByTime(60_000);
    expect(forked).toHaveLength(1);
    expect(gaveUp).toHaveBeenCalledWith({ crashes: 1, lastExitCode: 1, message: 'another Berth uses /data' });
  });

  it('ignores malformed messages from the orchestrator', () => {
    const h = host();
    h.start();
    last().emit('message', { type: 'berth.failed' });
    last().emit('message', 'berth.failed');
    last().simulateExit(1);
    vi.advanceTimersByTime(RESTART_BASE_DELAY_MS);
    expect(forked).toHaveLength(2);
  });

  it('forgives crashes separated by a stable run', () => {
    const gaveUp = vi.fn();
    const h = host();
    h.onDidGiveUp(gaveUp);
    h.start();
    for (let i = 0; i < MAX_CONSECUTIVE_CRASHES * 2; i++) {
      vi.advanceTimersByTime(STABLE_RUN_MS);
      last().simulateExit(1);
      vi.advanceTimersByTime(RESTART_BASE_DELAY_MS);
    }
    expect(gaveUp).not.toHaveBeenCalled();
    expect(forked).toHaveLength(MAX_CONSECUTIVE_CRASHES * 2 + 1);
  });

  it('stops without restarting and resolves once the process exited', async () => {
    const h = host();
    h.start();
    last().simulateSpawn();
    const stopped = h.stop();
    expect(last().kill).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    await expect(stopped).resolves.toBeUndefined();
    vi.advanceTimersByTime(60_000);
    expect(forked).toHaveLength(1);
    h.start();
    expect(forked).toHaveLength(1);
  });

  it('cancels a scheduled restart on stop', async () => {
    const h = host();
    h.start();
    last().simulateExit(1);
    await h.stop();
    vi.advanceTimersByTime(60_000);
    expect(forked).toHaveLength(1);
  });

  it('gives up waiting for a process that ignores kill', async () => {
    const h = host();
    h.start();
    last().kill.mockImplementation(() => true);
    const stopped = h.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(STOP_TIMEOUT_MS - 1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('re-issues a waiting window port to the restarted orchestrator (wired as in index.ts)', () => {
    const broker = new PortBroker(log);
    const h = host();
    h.onDidSpawn((child) => broker.setOrchestrator(child));
    h.onDidExit(() => broker.setOrchestrator(undefined));
    h.start();
    const first = last();
    first.simulateSpawn();
    first.simulateExit(134);

    // The renderer's port closed with the crash; it asks again while the orchestrator is down.
    const window = new FakeWebContents();
    broker.connect(3, window);
    expect(window.postMessage).not.toHaveBeenCalled();

    vi.advanceTimersByTime(RESTART_BASE_DELAY_MS);
    const second = last();
    expect(second).not.toBe(first);
    second.simulateSpawn();
    expect(second.postMessage).toHaveBeenCalledWith({ type: 'berth.port', windowId: 3 }, [expect.anything()]);
    expect(window.postMessage).toHaveBeenCalledOnce();
    expect(first.postMessage).not.toHaveBeenCalled();
  });
});
