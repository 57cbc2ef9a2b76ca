import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSession } from '../../testing/fake-server.js';
import { SessionListItem } from './SessionListItem.js';

const noop = () => undefined;

describe('SessionListItem git status', () => {
  afterEach(cleanup);

  it('shows ahead, behind, the dirty dot, the changed files and an overlap warning naming the other session and files', () => {
    const session = makeSession({
      id: 'l',
      name: 'left',
      baseBranch: 'main',
      git: { ahead: 2, behind: 1, dirty: true, changedFiles: 4, overlaps: [{ sessionId: 'r', name: 'right', files: ['src/a.ts', 'src/b.ts', 'src/c.ts'] }] },
    });
    render(<SessionListItem session={session} selected={false} onOpen={noop} onOpenBeside={noop} />);
    expect(screen.getByTestId('git-ahead').textContent).toBe('↑2');
    expect(screen.getByTestId('git-behind').textContent).toBe('↓1');
    expect(screen.getByTestId('git-dirty')).toBeTruthy();
    expect(screen.getByTestId('git-changed').textContent).toBe('4 files');
    expect(screen.getByTestId('session-git').title).toBe('2 ahead of main, 1 behind; 4 files changed, uncommitted changes');
    const overlap = screen.getByTestId('session-overlap');
    expect(overlap.textContent).toBe('⚠ right: src/a.ts, src/b.ts +1');
    expect(overlap.title).toBe('right also changes src/a.ts, src/b.ts, src/c.ts');
  });

  it('shows no dot and no warning for a clean session alone on its files, and nothing before the status is known', () => {
    const clean = makeSession({ id: 'c', name: 'clean', git: { ahead: 0, behind: 3, dirty: false, changedFiles: 1, overlaps: [] } });
    const { unmount } = render(<SessionListItem session={clean} selected={false} onOpen={noop} onOpenBeside={noop} />);
    expect(screen.getByTestId('git-changed').textContent).toBe('1 file');
    expect(screen.queryByTestId('git-dirty')).toBeNull();
    expect(screen.queryByTestId('session-overlap')).toBeNull();
    unmount();
    render(<SessionListItem session={makeSession({ id: 'u', name: 'unknown', git: null })} selected={false} onOpen={noop} onOpenBeside={noop} />);
    expect(screen.queryByTestId('session-git')).toBeNull();
  });
});

describe('SessionListItem attention', () => {
  afterEach(cleanup);

  it('shows the unread dot and the question of a waiting session, in its state colour', () => {
    const waiting = makeSession({ state: 'waiting-approval', attention: { detail: 'Bash: rm -rf build', source: 'hooks', since: 9, unread: true } });
    render(<SessionListItem session={waiting} selected={false} onOpen={noop} onOpenBeside={noop} />);
    expect(screen.getByLabelText('unread')).toBeTruthy();
    expect(screen.getByTestId('session-question').textContent).toBe('Bash: rm -rf build');
    const badge = screen.getByTestId('state-badge');
    expect(badge.className).toContain('state-waiting-approval');
    expect(badge.textContent).toBe('needs approval');
  });

  it('shows neither for a read session, nor a stale question once the agent works again', () => {
    const working = makeSession({ state: 'working', attention: { detail: 'Proceed?', source: 'hooks', since: 9, unread: false } });
    render(<SessionListItem session={working} selected={false} onOpen={noop} onOpenBeside={noop} />);
    expect(screen.queryByLabelText('unread')).toBeNull();
    expect(screen.queryByTestId('session-question')).toBeNull();
  });
});
