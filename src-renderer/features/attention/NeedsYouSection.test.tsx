import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionDto } from '../../../src-shared/dto.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { renderWithServer } from '../../testing/test-render.js';
import { quickSessions, repoBasename } from './attention-model.js';
import { NeedsYouSection } from './NeedsYouSection.js';

const waiting = (id: string, since: number, state: SessionDto['state'], detail: string | null) =>
  makeSession({ id, name: id, state, createdAt: since, attention: { detail, source: 'hooks', since, unread: true } });

describe('NeedsYouSection', () => {
  afterEach(cleanup);

  it('lists the waiting sessions, latest wait first with the question, and opens one on click', async () => {
    const sessions = {
      old: waiting('old', 10, 'waiting-input', 'Which branch?'),
      fresh: waiting('fresh', 30, 'waiting-approval', 'Bash: npm test'),
      busy: makeSession({ id: 'busy', name: 'busy', createdAt: 40 }),
      gone: { ...waiting('gone', 50, 'waiting-input', 'ignored'), archived: true },
    };
    const { store, connection } = await renderWithServer(<NeedsYouSection />, new FakeServer(), { sessions });
    const list = screen.getByTestId('needs-you-list');
    const items = within(list).getAllByTestId('needs-you-item');
    expect(items.map((i) => i.dataset.sessionId)).toEqual(['fresh', 'old']);
    expect(within(list).getAllByTestId('needs-you-question').map((q) => q.textContent)).toEqual(['Bash: npm test', 'Which branch?']);
    fireEvent.click(items[1]!);
    expect(store.getState().panes).toEqual(['old']);
    connection.dispose();
  });

  it('offers the five most recent repositories with their last agent, backend and model, prefilling the New session dialog', async () => {
    const sessions: Record<string, SessionDto> = {};
    for (let i = 0; i < 7; i++) sessions[`r${i}`] = makeSession({ id: `r${i}`, name: `r${i}`, repoPath: `/src/repo-${i}`, createdAt: i, state: 'exited' });
    sessions.newer = makeSession({ id: 'newer', name: 'newer', repoPath: '/src/repo-6', createdAt: 100, agent: 'claude-code', backend: 'docker', model: 'opus', state: 'idle' });
    const { store, connection } = await renderWithServer(<NeedsYouSection />, new FakeServer(), { sessions });
    expect(screen.queryByTestId('needs-you-list')).toBeNull();
    const quick = within(screen.getByTestId('quick-sessions')).getAllByTestId('quick-session');
    expect(quick.map((q) => q.dataset.repo)).toEqual(['/src/repo-6', '/src/repo-5', '/src/repo-4', '/src/repo-3', '/src/repo-2']);
    expect(quick[0]!.textContent).toContain('repo-6');
    expect(quick[0]!.textContent).toContain('opus');
    fireEvent.click(quick[0]!);
    expect(store.getState().createDialogOpen).toBe(true);
    expect(store.getState().createPreset).toEqual({ repoPath: '/src/repo-6', agent: 'claude-code', backend: 'docker', model: 'opus' });
    connection.dispose();
  });

  it('shows nothing without sessions', async () => {
    const { connection } = await renderWithServer(<NeedsYouSection />, new FakeServer());
    expect(screen.queryByTestId('needs-you')).toBeNull();
    expect(quickSessions({})).toEqual([]);
    expect(repoBasename('/home/me/my repo/')).toBe('my repo');
    expect(repoBasename('C:\\code\\app')).toBe('app');
    connection.dispose();
  });
});
