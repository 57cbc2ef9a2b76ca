import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { SessionHeader } from './SessionHeader.js';

describe('SessionHeader', () => {
  afterEach(cleanup);

  it('offers "Delete anyway" when the worktree is dirty', async () => {
    const deletes: Array<boolean | undefined> = [];
    const server = new FakeServer().on('sessions.delete', ({ ref, force }) => {
      deletes.push(force);
      return force ? { id: ref } : err('worktree_dirty', 'the worktree has uncommitted changes');
    });
    const session = makeSession({ state: 'exited', exitCode: 3, reason: 'killed' });
    const { store, connection } = await renderWithServer(<SessionHeader session={session} />, server, {
      sessions: { s1: session },
      panes: ['s1'],
    });
    expect(screen.getByTestId('header-exit').textContent).toBe('exit code 3 — killed');
    expect((screen.getByTestId('action-stop') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId('action-delete'));
    await act(async () => fireEvent.click(screen.getByTestId('delete-confirm-button')));
    await waitFor(() => expect(screen.getByTestId('delete-dirty').textContent).toBe('the worktree has uncommitted changes'));
    await act(async () => fireEvent.click(screen.getByTestId('delete-force')));
    await waitFor(() => expect(store.getState().sessions.s1).toBeUndefined());
    expect(deletes).toEqual([false, true]);
    expect(store.getState().panes).toEqual([]);
    connection.dispose();
  });

  it('shows creation steps from progress events', async () => {
    const session = makeSession({ state: 'creating', phases: { worktreeMs: null, startMs: null, firstOutputMs: null } });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), {
      sessions: { s1: session },
      progress: { s1: { worktree: { sessionId: 's1', phase: 'worktree', status: 'done', elapsedMs: 42, message: null } } },
    });
    const steps = screen.getAllByTestId('create-step');
    expect(steps.map((s) => s.dataset.status)).toEqual(['done', 'pending', 'pending']);
    expect(steps[0]?.textContent).toContain('42 ms');
    connection.dispose();
  });

  it('shows Docker facts, live stats and the image pull progress; Cancel force-deletes while creating', async () => {
    const deletes: Array<{ ref: string; force?: boolean }> = [];
    const server = new FakeServer().on('sessions.delete', (p) => {
      deletes.push(p);
      return { id: p.ref };
    });
    const session = makeSession({
      backend: 'docker',
      state: 'creating',
      phases: { worktreeMs: 30, startMs: null, firstOutputMs: null },
      docker: {
        image: 'node:22',
        containerId: '0123456789abcdef0123456789abcdef',
        volumeMode: 'volume',
        runtime: 'runsc',
        caches: ['npm'],
        limits: { cpus: 2, memoryMb: 2048, pids: 4096 },
        warm: false,
        networkMode: 'contained',
      },
      stats: { cpuPercent: 12.34, memoryBytes: 45_000_000, at: 1 },
    });
    const { store, connection } = await renderWithServer(<SessionHeader session={session} />, server, {
      sessions: { s1: session },
      panes: ['s1'],
      progress: {
        s1: {
          image: {
            sessionId: 's1',
            phase: 'image',
            status: 'started',
            elapsedMs: 900,
            message: null,
            image: { layersDone: 3, layersTotal: 7, bytesDone: 45_000_000, bytesTotal: 120_000_000 },
          },
        },
      },
    });
    expect(screen.getByTestId('docker-fact-image').textContent).toBe('node:22');
    expect(screen.getByTestId('docker-fact-runtime').textContent).toBe('runsc');
    expect(screen.getByTestId('docker-fact-volume').textContent).toBe('volume');
    expect(screen.getByTestId('docker-fact-limits').textContent).toBe('2 CPUs · 2048 MB · 4096 pids');
    expect(screen.getByTestId('docker-fact-network').textContent).toBe('contained');
    expect(screen.getByTestId('docker-fact-container').textContent).toBe('0123456789ab');
    expect(screen.getByTestId('session-stats').textContent).toBe('CPU 12.3% · mem 45 MB');

    const steps = screen.getAllByTestId('create-step');
    expect(steps.map((s) => s.dataset.phase)).toEqual(['worktree', 'image', 'start', 'first-output']);
    expect(steps.map((s) => s.dataset.status)).toEqual(['done', 'started', 'pending', 'pending']);
    expect(screen.getByTestId('image-progress').textContent).toBe('Pulling image: 3/7 layers, 45 MB / 120 MB');

    await act(async () => fireEvent.click(screen.getByTestId('action-cancel')));
    await waitFor(() => expect(store.getState().sessions.s1).toBeUndefined());
    expect(deletes).toEqual([{ ref: 's1', force: true }]);
    expect(store.getState().panes).toEqual([]);
    connection.dispose();
  });

  it('says "egress not contained" on a Docker session created on an open network', async () => {
    const docker = { image: 'node:22', containerId: null, volumeMode: 'bind' as const, runtime: 'runc', caches: [], limits: { cpus: null, memoryMb: null, pids: null }, warm: false };
    const session = makeSession({ backend: 'docker', docker: { ...docker, networkMode: 'bridge' } });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    const fact = screen.getByTestId('docker-fact-network');
    expect(fact.textContent).toBe('bridge · egress not contained');
    expect(fact.className).toContain('fact-warn');
    expect(fact.title).toMatch(/bypass the proxy's egress policy and audit/);
    connection.dispose();
  });

  it("marks the 'unknown' state and explains it; local sessions have no image step or Docker facts", async () => {
    const session = makeSession({ state: 'unknown' });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    const badge = screen.getByTestId('state-badge');
    expect(badge.dataset.state).toBe('unknown');
    expect(badge.className).toContain('state-unknown');
    expect(badge.title).toMatch(/engine unreachable; the session will be adopted when it returns/i);
    expect(screen.getAllByTestId('create-step').map((s) => s.dataset.phase)).toEqual(['worktree', 'start', 'first-output']);
    expect(screen.queryByTestId('session-resources')).toBeNull();
    expect(screen.queryByTestId('action-cancel')).toBeNull();
    connection.dispose();
  });

  it('says changes were not synced back and retries the sync: a failure shows why, a success clears it', async () => {
    const reason = 'copying the workspace volume back to the worktree failed: EISDIR notes.txt';
    const session = makeSession({ backend: 'docker', state: 'exited', exitCode: 0, reason: 'stopped', unsynced: reason });
    let fixed = false;
    const syncs: string[] = [];
    const server = new FakeServer().on('sessions.sync', ({ ref }) => {
      syncs.push(ref);
      return fixed ? { ...session, unsynced: null } : err('invalid_state', `changes not synced back: ${reason}`);
    });
    const { store, connection } = await renderWithServer(<SessionHeader session={session} />, server, { sessions: { s1: session }, panes: ['s1'] });
    expect(screen.getByTestId('unsynced').textContent).toContain(reason);

    await act(async () => fireEvent.click(screen.getByTestId('action-sync')));
    await waitFor(() => expect(screen.getByTestId('action-error').textContent).toBe(`changes not synced back: ${reason}`));
    expect(store.getState().sessions.s1?.unsynced).toBe(reason);

    fixed = true;
    await act(async () => fireEvent.click(screen.getByTestId('action-sync')));
    await waitFor(() => expect(store.getState().sessions.s1?.unsynced).toBeNull());
    expect(screen.queryByTestId('action-error')).toBeNull();
    expect(syncs).toEqual(['s1', 's1']);
    connection.dispose();
  });

  it('offers no sync while the session runs (it syncs when it stops)', async () => {
    const session = makeSession({ backend: 'docker', state: 'working', unsynced: 'an earlier sync failed' });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    expect((screen.getByTestId('action-sync') as HTMLButtonElement).disabled).toBe(true);
    connection.dispose();
  });
  it('offers "Restart fresh" beside Restart for an agent with a conversation: Restart continues it, fresh asks for a new one', async () => {
    const restarts: Array<{ ref: string; fresh?: boolean }> = [];
    const session = makeSession({ agent: 'claude-code', state: 'exited', exitCode: 0, conversationId: 'c-first' });
    const server = new FakeServer().on('sessions.restart', (p) => {
      restarts.push(p);
      return { ...session, state: 'creating', conversationId: p.fresh ? 'c-second' : 'c-first' };
    });
    const { store, connection } = await renderWithServer(<SessionHeader session={session} />, server, { sessions: { s1: session }, panes: ['s1'] });
    expect(screen.getByTestId('action-restart').title).toMatch(/continuing its conversation/);

    await act(async () => fireEvent.click(screen.getByTestId('action-restart')));
    await waitFor(() => expect(restarts).toHaveLength(1));
    expect(restarts[0]!.fresh).toBeUndefined();
    expect(store.getState().sessions.s1?.conversationId).toBe('c-first');

    await act(async () => fireEvent.click(screen.getByTestId('action-restart-fresh')));
    await waitFor(() => expect(store.getState().sessions.s1?.conversationId).toBe('c-second'));
    expect(restarts[1]).toEqual({ ref: 's1', fresh: true });
    connection.dispose();
  });

  it('offers no "Restart fresh" for an agent without a conversation (a shell)', async () => {
    const session = makeSession({ agent: 'shell', state: 'exited', exitCode: 0, conversationId: null });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    expect(screen.getByTestId('action-restart')).toBeTruthy();
    expect(screen.queryByTestId('action-restart-fresh')).toBeNull();
    connection.dispose();
  });
});

describe('SessionHeader ports', () => {
  afterEach(cleanup);

  it('shows each port as an http://localhost:N link that opens in the browser without a confirm (Berth made it)', async () => {
    const opened: string[] = [];
    const confirms: string[] = [];
    const session = makeSession({ state: 'working', ports: [{ name: 'web', port: 20001 }, { name: 'api', port: 20002 }] });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } }, {
      links: { confirm: (m) => (confirms.push(m), false), desktop: null, openWindow: (url) => opened.push(url) },
    });
    const web = screen.getByTestId('port-link-web') as HTMLAnchorElement;
    expect(web.textContent).toBe('web http://localhost:20001');
    expect(web.getAttribute('href')).toBe('http://localhost:20001');
    expect(web.title).toContain('PORT and BERTH_PORT_WEB');
    expect((screen.getByTestId('port-link-api') as HTMLAnchorElement).title).not.toContain('PORT and');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    fireEvent(screen.getByTestId('port-link-api'), click);
    expect(click.defaultPrevented).toBe(true);
    expect(opened).toEqual(['http://localhost:20002/']);
    expect(confirms).toEqual([]);
    connection.dispose();
  });

  it('shows no ports row for a session without ports', async () => {
    const session = makeSession({ state: 'working' });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    expect(screen.queryByTestId('session-ports')).toBeNull();
    connection.dispose();
  });
});

describe('SessionHeader ports of a contained Docker session', () => {
  afterEach(cleanup);

  it('shows the numbers without links: nothing is published from a contained container', async () => {
    const session = makeSession({
      state: 'working',
      backend: 'docker',
      ports: [{ name: 'web', port: 20001 }],
      docker: { image: 'node:22', containerId: 'c1', volumeMode: 'bind', runtime: 'runc', caches: [], limits: { cpus: null, memoryMb: null, pids: null }, warm: false, networkMode: 'contained' },
    });
    const { connection } = await renderWithServer(<SessionHeader session={session} />, new FakeServer(), { sessions: { s1: session } });
    expect(screen.queryByTestId('port-link-web')).toBeNull();
    expect(screen.getByTestId('port-web').textContent).toBe('web 20001');
    expect(screen.getByTestId('session-ports').textContent).toContain('inside the container only');
    connection.dispose();
  });
});
