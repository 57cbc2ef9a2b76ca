import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../app/test-render.js';
import { FakeServer, makeSession } from '../../client/fake-server.js';
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
});
