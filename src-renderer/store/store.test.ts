import { DEFAULT_PROXY_SETTINGS } from '../../src-shared/proxy-settings.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../src-shared/docker.js';
import { describe, expect, it } from 'vitest';
import { Connection } from '../client/connection.js';
import { FakeServer, makeSession } from '../testing/fake-server.js';
import { createAppStore } from './app-store.js';
import { bindStoreToConnection } from './sync.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('sessions slice', () => {
  it('keeps the newer copy when a list races an event', () => {
    const store = createAppStore();
    store.getState().upsertSession(makeSession({ updatedAt: 5, state: 'exited' }));
    store.getState().replaceSessions([makeSession({ updatedAt: 3 }), makeSession({ id: 's2', name: 'b' })]);
    expect(store.getState().sessions.s1?.state).toBe('exited');
    expect(Object.keys(store.getState().sessions)).toEqual(['s1', 's2']);
    expect(store.getState().sessionsLoaded).toBe(true);
  });

  it('tracks creation progress per phase', () => {
    const store = createAppStore();
    store.getState().applyProgress({ sessionId: 's1', phase: 'worktree', status: 'done', elapsedMs: 12, message: null });
    store.getState().applyProgress({ sessionId: 's1', phase: 'start', status: 'started', elapsedMs: null, message: null });
    expect(store.getState().progress.s1?.worktree?.status).toBe('done');
    expect(store.getState().progress.s1?.start?.status).toBe('started');
    store.getState().removeSession('s1');
    expect(store.getState().progress.s1).toBeUndefined();
  });

  it('keeps the last image pull counts when the image phase ends', () => {
    const store = createAppStore();
    const image = { layersDone: 7, layersTotal: 7, bytesDone: 120, bytesTotal: 120 };
    store.getState().applyProgress({ sessionId: 's1', phase: 'image', status: 'started', elapsedMs: 5, message: null, image });
    store.getState().applyProgress({ sessionId: 's1', phase: 'image', status: 'done', elapsedMs: 9, message: null });
    expect(store.getState().progress.s1?.image).toMatchObject({ status: 'done', elapsedMs: 9, image });
  });
});

describe('ui slice panes', () => {
  it('opens, opens beside, replaces the focused pane and closes', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().openSession('a');
    expect(s().panes).toEqual(['a']);
    s().openSession('b');
    expect(s().panes).toEqual(['b']);
    s().openBeside('c');
    expect(s().panes).toEqual(['b', 'c']);
    expect(s().focusedPane).toBe(1);
    s().openSession('d');
    expect(s().panes).toEqual(['b', 'd']);
    s().openBeside('e'); // replaces the unfocused pane
    expect(s().panes).toEqual(['e', 'd']);
    s().openSession('d'); // already open: focus it
    expect(s().focusedPane).toBe(1);
    s().closePanesOf('d');
    expect(s().panes).toEqual(['e']);
    expect(s().focusedPane).toBe(0);
    s().closePane(0);
    expect(s().panes).toEqual([]);
  });
});

describe('store sync', () => {
  it('loads active and archived sessions on connect and follows events', async () => {
    const server = new FakeServer()
      .on('sessions.list', (p) => (p.archived ? [makeSession({ id: 'old', name: 'old', archived: true })] : [makeSession()]))
      .on('settings.get', () => ({ defaultAgent: 'codex', defaultBackend: 'tmux', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} }))
      .on('system.info', () => ({ version: '0', dataDir: '/d', mode: 'headless', platform: 'linux', pid: 1, startedAt: 0 }));
    const connection = new Connection(server.factory);
    const store = createAppStore();
    const binding = bindStoreToConnection(store, connection);
    connection.start();
    await flush();
    expect(Object.keys(store.getState().sessions).sort()).toEqual(['old', 's1']);
    expect(store.getState().settings?.defaultAgent).toBe('codex');
    expect(store.getState().systemInfo?.dataDir).toBe('/d');
    expect(store.getState().connectionStatus).toBe('connected');

    store.getState().openSession('s1');
    server.emit({ type: 'event', event: 'session.updated', session: makeSession({ id: 'new', name: 'n', updatedAt: 9 }) });
    server.emit({ type: 'event', event: 'session.removed', id: 's1' });
    expect(Object.keys(store.getState().sessions).sort()).toEqual(['new', 'old']);
    expect(store.getState().panes).toEqual([]);

    server.refuse = true;
    server.dropAll();
    expect(store.getState().connectionStatus).toBe('reconnecting');
    binding.dispose();
    connection.dispose();
  });
});
