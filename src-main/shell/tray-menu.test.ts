import { describe, expect, it } from 'vitest';
import type { SessionDto, SessionState } from '../../src-shared/dto.js';
import { sessionFixture } from '../testing/session-fixture.js';
import {
  MAX_DETAIL_CHARS,
  MAX_FINISHED,
  MAX_LABEL_CHARS,
  MAX_NEEDS_YOU,
  MAX_QUICK_REPOS,
  RECENTLY_FINISHED_MS,
  buildTrayMenu,
  recentRepos,
  trayStatus,
  trayTooltip,
  type TrayMenuItem,
} from './tray-menu.js';

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;

function session(id: string, state: SessionState, extra: Partial<SessionDto> & { detail?: string | null; unread?: boolean; since?: number } = {}): SessionDto {
  const { detail = null, unread = false, since = NOW - MINUTE, ...overrides } = extra;
  return sessionFixture(id, { state, createdAt: since, updatedAt: since, attention: { detail, source: 'hooks', since, unread }, ...overrides });
}

type Item = Extract<TrayMenuItem, { type: 'item' }>;
const items = (menu: TrayMenuItem[]): Item[] => menu.filter((i): i is Item => i.type === 'item');
const labels = (menu: TrayMenuItem[]) => items(menu).map((i) => i.label);
const menuOf = (sessions: SessionDto[]) => buildTrayMenu({ sessions, onQuit: 'leave-running', now: NOW });

describe('recentRepos', () => {
  it('gives the five most recent repositories, each with its latest session’s agent, backend and model', () => {
    const sessions = [
      ...Array.from({ length: 7 }, (_, n) => sessionFixture(`r${n}`, { repoPath: `/src/repo-${n}`, createdAt: 1000 + n })),
      sessionFixture('old', { repoPath: '/src/repo-6', agent: 'codex', createdAt: 1 }),
      sessionFixture('new', { repoPath: '/src/repo-2', agent: 'claude-code', backend: 'docker', model: 'opus', createdAt: 5000 }),
    ];
    const repos = recentRepos(sessions);
    expect(repos).toHaveLength(MAX_QUICK_REPOS);
    expect(repos.map((r) => r.repoPath)).toEqual(['/src/repo-2', '/src/repo-6', '/src/repo-5', '/src/repo-4', '/src/repo-3']);
    expect(repos[0]).toEqual({ repoPath: '/src/repo-2', agent: 'claude-code', backend: 'docker', model: 'opus' });
    expect(repos[1]!.agent).toBe('shell');
  });
});

describe('buildTrayMenu', () => {
  it('lays out quick sessions, New session…, the roster, Open Berth and Quit', () => {
    const menu = menuOf([session('a', 'working', { repoPath: '/home/dev/my repo', agent: 'claude-code', backend: 'docker', model: 'sonnet' })]);
    expect(labels(menu)).toEqual([
      'Quick sessions',
      'my repo — claude-code · docker · sonnet',
      'New session…',
      'Needs you',
      'Nobody needs you',
      'Working',
      'a — working',
      'Open Berth',
      'Quit (leave surviving sessions running)',
    ]);
    const byLabel = (l: string) => items(menu).find((i) => i.label === l)!;
    expect(byLabel('my repo — claude-code · docker · sonnet').action).toEqual({ kind: 'quick', repoPath: '/home/dev/my repo', agent: 'claude-code', backend: 'docker', model: 'sonnet' });
    expect(byLabel('a — working').action).toEqual({ kind: 'focus', sessionId: 'a' });
    expect(byLabel('Nobody needs you').enabled).toBe(false);
    expect(byLabel('Quick sessions').enabled).toBe(false);
    expect(byLabel('Open Berth').action).toEqual({ kind: 'open' });
    expect(buildTrayMenu({ sessions: [], onQuit: 'stop-all', now: NOW }).map((i) => (i.type === 'item' ? i.label : '—'))).toEqual([
      'Quick sessions',
      'New session…',
      '—',
      'Needs you',
      'Nobody needs you',
      '—',
      'Open Berth',
      'Quit (stop all sessions)',
    ]);
  });

  it('puts sessions needing the user first (longest waiting first, with the question), then working, then recently finished', () => {
    const menu = menuOf([
      session('done', 'exited', { since: NOW - 5 * MINUTE }),
      session('busy', 'working', { since: NOW - 2 * MINUTE }),
      session('quiet', 'idle', { since: NOW - MINUTE }),
      session('ask', 'waiting-input', { detail: 'Which database should I use?', unread: true, since: NOW - MINUTE }),
      session('perm', 'waiting-approval', { detail: null, since: NOW - 3 * MINUTE }),
      session('broke', 'failed', { reason: 'exit code 2', since: NOW - 10 * MINUTE }),
      session('ancient', 'exited', { since: NOW - RECENTLY_FINISHED_MS - MINUTE }),
      session('gone', 'waiting-input', { archived: true }),
    ]);
    const roster = labels(menu).slice(labels(menu).indexOf('Needs you'), labels(menu).indexOf('Open Berth'));
    expect(roster).toEqual([
      'Needs you',
      'perm — waits for approval',
      '● ask — Which database should I use?',
      'Working',
      'busy — working',
      'quiet — idle',
      'Recently finished',
      'done — finished',
      'broke — failed: exit code 2',
    ]);
  });

  it('caps each section and truncates long names and questions', () => {
    const waiting = Array.from({ length: MAX_NEEDS_YOU + 3 }, (_, n) => session(`w${n}`, 'waiting-input', { since: NOW - n }));
    const finished = Array.from({ length: MAX_FINISHED + 4 }, (_, n) => session(`f${n}`, 'exited'));
    const long = session('x'.repeat(60), 'waiting-input', { detail: `${'why '.repeat(40)}\nsecond line`, since: 0 });
    const all = labels(menuOf([...waiting, ...finished, long]));
    expect(all.filter((l) => /^(● )?w\d/.test(l))).toHaveLength(MAX_NEEDS_YOU - 1);
    expect(all).toContain('…and 4 more');
    expect(all.filter((l) => l.startsWith('f'))).toHaveLength(MAX_FINISHED);
    const longLabel = all.find((l) => l.startsWith('xxx'))!;
    expect(longLabel.length).toBeLessThanOrEqual(MAX_LABEL_CHARS);
    expect(longLabel.endsWith('…')).toBe(true);
    expect(longLabel).not.toContain('\n');
    const question = labels(menuOf([session('q', 'waiting-input', { detail: 'a '.repeat(100) })]))[labels(menuOf([])).indexOf('Needs you') + 1]!;
    expect(question.length).toBeLessThanOrEqual('q — '.length + MAX_DETAIL_CHARS);
  });
});

describe('trayStatus', () => {
  it('says needs-you over working over quiet, and counts unread sessions (archived ignored)', () => {
    expect(trayStatus([])).toEqual({ status: 'quiet', unread: 0, needsYou: 0 });
    expect(trayStatus([session('a', 'idle'), session('b', 'exited', { unread: true })])).toEqual({ status: 'quiet', unread: 1, needsYou: 0 });
    expect(trayStatus([session('a', 'working'), session('b', 'idle')]).status).toBe('working');
    expect(trayStatus([session('a', 'working'), session('b', 'waiting-approval', { unread: true }), session('c', 'waiting-input', { archived: true, unread: true })])).toEqual({
      status: 'needs-you',
      unread: 1,
      needsYou: 1,
    });
    expect(trayTooltip([session('b', 'waiting-approval', { unread: true }), session('c', 'failed', { unread: true })])).toBe('Berth — 1 needs you, 2 unread');
    expect(trayTooltip([])).toBe('Berth');
  });
});
