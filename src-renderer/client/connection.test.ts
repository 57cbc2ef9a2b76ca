import { DEFAULT_PROXY_SETTINGS } from '../../src-shared/proxy-settings.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../src-shared/docker.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection, RECONNECT_INITIAL_DELAY_MS } from './connection.js';
import { FakeServer } from '../testing/fake-server.js';
import { TransportError } from './transports.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Connection', () => {
  afterEach(() => vi.useRealTimers());

  it('connects, answers requests and reports status', async () => {
    const server = new FakeServer().on('settings.get', () => ({ defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} }));
    const connection = new Connection(server.factory);
    const statuses: string[] = [];
    connection.onDidChangeStatus((s) => statuses.push(s));
    connection.start();
    await flush();
    expect(connection.status).toBe('connected');
    const result = await connection.request('settings.get', {});
    expect(result).toEqual({ ok: true, value: { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} } });
    expect(statuses).toEqual(['connected']);
    connection.dispose();
  });

  it('fails requests as values while disconnected', async () => {
    const connection = new Connection(new FakeServer().factory);
    const result = await connection.request('system.info', {});
    expect(result.ok).toBe(false);
    connection.dispose();
  });

  it('reconnects with backoff after the transport closes, and runs withClient again', async () => {
    vi.useFakeTimers();
    const server = new FakeServer();
    const connection = new Connection(server.factory);
    const runs: number[] = [];
    const cleanups: number[] = [];
    const subscription = connection.withClient(() => {
      const n = runs.length;
      runs.push(n);
      return { dispose: () => cleanups.push(n) };
    });
    connection.start();
    await flush();
    expect(runs).toEqual([0]);

    server.refuse = true;
    server.dropAll();
    expect(connection.status).toBe('reconnecting');
    expect(cleanups).toEqual([0]);
    await vi.advanceTimersByTimeAsync(RECONNECT_INITIAL_DELAY_MS);
    expect(connection.status).toBe('reconnecting');

    server.refuse = false;
    // The second retry waits twice as long.
    await vi.advanceTimersByTimeAsync(RECONNECT_INITIAL_DELAY_MS);
    expect(server.opened).toBe(1);
    await vi.advanceTimersByTimeAsync(RECONNECT_INITIAL_DELAY_MS);
    await flush();
    expect(server.opened).toBe(2);
    expect(connection.status).toBe('connected');
    expect(runs).toEqual([0, 1]);
    subscription.dispose();
    expect(cleanups).toEqual([0, 1]);
    connection.dispose();
  });

  it('reports a refused login as unauthorized and keeps retrying', async () => {
    vi.useFakeTimers();
    let refuse = true;
    const server = new FakeServer();
    const connection = new Connection(async () => {
      if (refuse) throw new TransportError('unauthorized', 'refused');
      return server.factory();
    });
    connection.start();
    await flush();
    expect(connection.status).toBe('unauthorized');
    refuse = false; // e.g. the user opened a fresh login link in another tab
    await vi.advanceTimersByTimeAsync(RECONNECT_INITIAL_DELAY_MS);
    await flush();
    expect(connection.status).toBe('connected');
    connection.dispose();
  });

  it('says "unauthorized" at once when the connection drops after this browser logged out', async () => {
    const server = new FakeServer();
    let loggedOut = false;
    const connection = new Connection(server.factory, () => loggedOut);
    const statuses: string[] = [];
    connection.onDidChangeStatus((s) => statuses.push(s));
    connection.start();
    await flush();
    loggedOut = true;
    server.dropAll();
    await flush();
    expect(statuses).toEqual(['connected', 'unauthorized']);
    connection.dispose();
  });
});
