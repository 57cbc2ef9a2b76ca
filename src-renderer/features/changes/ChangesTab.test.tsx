import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangedFileDto, ChangesDto } from '../../../src-shared/changes.js';
import { err } from '../../../src-shared/result.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { useAppState } from '../../app/services.js';
import { renderWithServer } from '../../testing/test-render.js';
import { ChangesTab } from './ChangesTab.js';
import { DIFF_VIEW_PREF_KEY } from './diff-view-pref.js';
import { REFRESH_COALESCE_MS } from './use-changes.js';

function file(path: string, overrides: Partial<ChangedFileDto> = {}): ChangedFileDto {
  return { path, oldPath: null, status: 'modified', additions: 2, deletions: 1, binary: false, ...overrides };
}

function changesOf(overrides: Partial<ChangesDto> = {}): ChangesDto {
  return {
    sessionId: 's1',
    branch: 'berth/fix-tests',
    baseBranch: 'main',
    ahead: 1,
    behind: 0,
    committed: [file('src/done.ts', { status: 'added', additions: 10, deletions: 0 })],
    staged: [],
    unstaged: [file('src/a.ts'), file('notes.txt', { status: 'untracked', additions: 3, deletions: 0 })],
    remotes: [],
    pullRequest: { available: false, reason: 'gh is not installed: install the GitHub CLI and run gh auth login' },
    ...overrides,
  };
}

const TWO_HUNKS = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1111111..2222222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,3 +1,3 @@',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  ' const c = 4;',
  '@@ -20,3 +20,4 @@ function tail() {',
  ' const x = 1;',
  '+const y = "two";',
  ' const z = 3;',
  ' return x;',
  '',
].join('\n');

/** Height jsdom pretends the scrollers have (it does no layout) so the virtualised lists draw a window. */
const SCROLLER_PX = 600;
/** Pixels per diff line and per hunk header, as changes-view.css lays them out. */
const LINE_PX = 19;
const HEADER_PX = 30;

/** Gives the scrollers and the measured diff rows the sizes a browser would (jsdom reports 0). */
function stubLayout(): () => void {
  const client = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
  const offset = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
  Object.defineProperty(Element.prototype, 'clientHeight', {
    configurable: true,
    get(this: Element) {
      return this.classList.contains('file-list') || this.classList.contains('diff-scroll') ? SCROLLER_PX : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      if (!this.classList.contains('diff-row')) return 0;
      return this.querySelector('.hunk-header') ? HEADER_PX : this.querySelectorAll('.diff-line').length * LINE_PX;
    },
  });
  return () => {
    if (client) Object.defineProperty(Element.prototype, 'clientHeight', client);
    if (offset) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offset);
  };
}

describe('ChangesTab', () => {
  let restoreLayout: () => void = () => undefined;
  afterEach(() => {
    cleanup();
    restoreLayout();
  });
  beforeEach(() => {
    localStorage.clear();
    restoreLayout = stubLayout();
  });

  it('lists the three groups with status letters and counts, shows the first changed file\'s diff, and stages one hunk by its header', async () => {
    const hunks: unknown[] = [];
    let current = changesOf();
    const server = new FakeServer()
      .on('changes.list', () => current)
      .on('changes.diff', ({ area, path }) => ({ diff: area === 'unstaged' && path === 'src/a.ts' ? TWO_HUNKS : '', truncated: false }))
      .on('changes.stageHunk', (p) => {
        hunks.push(p);
        current = changesOf({ staged: [file('src/a.ts', { additions: 1, deletions: 0 })] });
        return current;
      });
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => expect(screen.getAllByTestId('file-row')).toHaveLength(3));
    expect(['committed', 'staged', 'unstaged'].map((a) => screen.getByTestId(`group-${a}`).dataset.count)).toEqual(['1', '0', '2']);
    const rows = screen.getAllByTestId('file-row');
    expect(rows.map((r) => [r.dataset.area, r.dataset.path, within(r).getByTestId('file-status').textContent])).toEqual([
      ['committed', 'src/done.ts', 'A'],
      ['unstaged', 'src/a.ts', 'M'],
      ['unstaged', 'notes.txt', 'U'],
    ]);
    expect(within(rows[1]!).getByTestId('file-counts').textContent).toBe('+2−1');
    expect(screen.getByTestId('ahead-behind').textContent).toContain('1 commit ahead of main');

    // The first file is committed: its diff has no stage buttons. Pick the unstaged one.
    fireEvent.click(rows[1]!);
    await waitFor(() => expect(screen.getAllByTestId('hunk-header')).toHaveLength(2));
    expect(screen.getByTestId('diff-view').textContent).toContain('const b = 3;');
    // Highlighted (just after the first paint): refractor marks up TypeScript keywords.
    await waitFor(() => expect(screen.getByTestId('diff-view').querySelector('.token.keyword')).not.toBeNull());
    await act(async () => fireEvent.click(screen.getAllByTestId('hunk-stage')[1]!));
    expect(hunks).toEqual([{ ref: 's1', path: 'src/a.ts', header: '@@ -20,3 +20,4 @@ function tail() {', unstage: false }]);
    await waitFor(() => expect(screen.getByTestId('group-staged').dataset.count).toBe('1'));
    connection.dispose();
  });

  it('asks before discarding, naming the files, and discards only after the answer', async () => {
    const discarded: string[][] = [];
    const server = new FakeServer()
      .on('changes.list', () => changesOf())
      .on('changes.diff', () => ({ diff: '', truncated: false }))
      .on('changes.discard', ({ paths }) => {
        discarded.push(paths);
        return changesOf({ unstaged: [] });
      });
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('discard-all'));
    fireEvent.click(screen.getByTestId('discard-all'));
    expect(within(screen.getByTestId('discard-files')).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['src/a.ts', 'notes.txt']);
    fireEvent.click(screen.getByTestId('discard-cancel'));
    expect(screen.queryByTestId('discard-dialog')).toBeNull();
    expect(discarded).toEqual([]);
    fireEvent.click(screen.getByTestId('discard-all'));
    await act(async () => fireEvent.click(screen.getByTestId('discard-confirm')));
    expect(discarded).toEqual([['src/a.ts', 'notes.txt']]);
    await waitFor(() => expect(screen.getByTestId('group-unstaged').dataset.count).toBe('0'));
    expect(screen.queryByTestId('discard-dialog')).toBeNull();
    connection.dispose();
  });

  it('commits with the message, "Commit all" stages everything; the list is read again after', async () => {
    const commits: unknown[] = [];
    let lists = 0;
    const server = new FakeServer()
      .on('changes.list', () => {
        lists++;
        return changesOf();
      })
      .on('changes.diff', () => ({ diff: '', truncated: false }))
      .on('changes.commit', (p) => {
        commits.push(p);
        return { commit: 'abcdef0123456789', summary: 'Fix the tests' };
      });
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('commit'));
    fireEvent.change(screen.getByTestId('commit-message'), { target: { value: 'Fix the tests' } });
    expect((screen.getByTestId('commit') as HTMLButtonElement).disabled).toBe(true); // nothing staged
    await act(async () => fireEvent.click(screen.getByTestId('commit-all')));
    expect(commits).toEqual([{ ref: 's1', message: 'Fix the tests', all: true }]);
    await waitFor(() => expect(screen.getByTestId('changes-notice').textContent).toContain('Committed abcdef0: Fix the tests'));
    expect((screen.getByTestId('commit-message') as HTMLTextAreaElement).value).toBe('');
    expect(lists).toBe(2);
    connection.dispose();
  });

  it('lands squashed by default with the name and prompt as message; a conflict lists its files', async () => {
    const lands: unknown[] = [];
    const server = new FakeServer()
      .on('changes.list', () => changesOf())
      .on('changes.diff', () => ({ diff: '', truncated: false }))
      .on('sessions.land', (p) => {
        lands.push(p);
        return err('conflict', 'Landing would conflict; the main checkout is unchanged. these files conflict:\nsrc/a.ts\nREADME.md');
      });
    const session = makeSession({ name: 'fix-tests', prompt: 'make the tests pass' });
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('land'));
    fireEvent.click(screen.getByTestId('land'));
    expect((screen.getByTestId('land-mode-squash') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('land-message') as HTMLTextAreaElement).value).toBe('fix-tests\n\nmake the tests pass');
    await act(async () => fireEvent.click(screen.getByTestId('land-confirm')));
    expect(lands).toEqual([{ ref: 's1', mode: 'squash', message: 'fix-tests\n\nmake the tests pass' }]);
    await waitFor(() => expect(screen.getByTestId('changes-error').dataset.code).toBe('conflict'));
    expect(within(screen.getByTestId('conflict-files')).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['src/a.ts', 'README.md']);
    expect(screen.queryByTestId('land-dialog')).toBeNull();
    connection.dispose();
  });

  it('shows why a pull request is unavailable, and remembers the split layout', async () => {
    const server = new FakeServer().on('changes.list', () => changesOf()).on('changes.diff', () => ({ diff: TWO_HUNKS, truncated: false }));
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('create-pr'));
    const pr = screen.getByTestId('create-pr') as HTMLButtonElement;
    expect(pr.disabled).toBe(true);
    expect(pr.title).toBe('gh is not installed: install the GitHub CLI and run gh auth login');
    expect(screen.getByTestId('pr-reason').textContent).toContain('gh is not installed');
    expect((screen.getByTestId('push') as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(screen.getByTestId('diff-view').dataset.viewType).toBe('unified'));
    fireEvent.click(screen.getByTestId('diff-split'));
    expect(screen.getByTestId('diff-view').dataset.viewType).toBe('split');
    expect(localStorage.getItem(DIFF_VIEW_PREF_KEY)).toBe('split');
    connection.dispose();
  });

  it('draws a window of a 200-file list and of a 5,000-line diff, not all of it', async () => {
    const many = Array.from({ length: 200 }, (_, i) => file(`src/f${String(i).padStart(3, '0')}.ts`));
    const long = ['diff --git a/big.ts b/big.ts', '--- a/big.ts', '+++ b/big.ts', '@@ -0,0 +1,5000 @@', ...Array.from({ length: 5000 }, (_, i) => `+const v${i} = ${i};`), ''].join('\n');
    const server = new FakeServer()
      .on('changes.list', () => changesOf({ committed: [], unstaged: many }))
      .on('changes.diff', () => ({ diff: long, truncated: false }));
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('diff-view'));
    const rows = screen.getAllByTestId('file-row').length;
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
    const lines = screen.getByTestId('diff-view').querySelectorAll('.diff-line').length;
    expect(lines).toBeGreaterThan(10);
    expect(lines).toBeLessThan(1000);
    connection.dispose();
  });
});

describe('ChangesTab branch actions', () => {
  afterEach(cleanup);

  it('pushes to the remote picked among several, and updates from the base when behind', async () => {
    const pushes: unknown[] = [];
    const updates: unknown[] = [];
    const server = new FakeServer()
      .on('changes.list', () => changesOf({ remotes: ['origin', 'backup'], behind: 2 }))
      .on('changes.diff', () => ({ diff: '', truncated: false }))
      .on('sessions.push', (p) => {
        pushes.push(p);
        return { remote: p.remote ?? 'origin', branch: 'berth/fix-tests' };
      })
      .on('sessions.update', (p) => {
        updates.push(p);
        return { mode: 'rebase' as const, head: '0123456789abcdef', behind: 0 };
      });
    const session = makeSession();
    const { connection } = await renderWithServer(<ChangesTab session={session} />, server, { sessions: { s1: session } });
    await waitFor(() => screen.getByTestId('push-remote'));
    fireEvent.change(screen.getByTestId('push-remote'), { target: { value: 'backup' } });
    await act(async () => fireEvent.click(screen.getByTestId('push')));
    expect(pushes).toEqual([{ ref: 's1', remote: 'backup' }]);
    await waitFor(() => expect(screen.getByTestId('changes-notice').textContent).toContain('Pushed berth/fix-tests to backup'));
    await act(async () => fireEvent.click(screen.getByTestId('update-from-base')));
    expect(updates).toEqual([{ ref: 's1' }]);
    await waitFor(() => expect(screen.getByTestId('changes-notice').textContent).toContain('Updated from base (rebase)'));
    connection.dispose();
  });
});

describe('ChangesTab refreshes', () => {
  afterEach(cleanup);

  it('reads the list again when the session changes, not when only its resource sample does', async () => {
    let lists = 0;
    const server = new FakeServer()
      .on('changes.list', () => {
        lists++;
        return changesOf();
      })
      .on('changes.diff', () => ({ diff: '', truncated: false }));
    const session = makeSession();
    const { connection, store } = await renderWithServer(<SessionChanges id="s1" />, server, { sessions: { s1: session } });
    await waitFor(() => expect(lists).toBe(1));
    act(() => store.getState().upsertSession({ ...session, stats: { cpuPercent: 3, memoryBytes: 1000, at: 5 } }));
    await new Promise((resolve) => setTimeout(resolve, REFRESH_COALESCE_MS * 2));
    expect(lists).toBe(1);
    act(() => store.getState().upsertSession({ ...session, state: 'idle', updatedAt: 2_000 }));
    act(() => store.getState().upsertSession({ ...session, state: 'working', updatedAt: 2_001 }));
    await waitFor(() => expect(lists).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, REFRESH_COALESCE_MS * 2));
    expect(lists).toBe(2);
    connection.dispose();
  });
});

/** The Changes tab of the store's session, as the pane renders it (re-rendered on every session update). */
function SessionChanges({ id }: { id: string }) {
  const session = useAppState((s) => s.sessions[id]);
  return session ? <ChangesTab session={session} /> : null;
}
