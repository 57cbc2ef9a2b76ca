/**
 * The tray menu as plain data: a pure function of the sessions and the on-quit choice.
 *
 * No Electron here; src-main/shell/tray.ts turns the result into a native menu. Sections: quick
 * sessions (the most recent repositories, each with its last agent, backend and model), the roster
 * (sessions needing the user first, then working, then recently finished), Open Berth, Quit.
 */
import path from 'node:path';
import { NEEDS_YOU_STATES, type AgentId, type BackendId, type QuitPolicy, type SessionDto, type SessionState } from '../../src-shared/dto.js';

/** Repositories offered as quick sessions. */
export const MAX_QUICK_REPOS = 5;
/** Sessions listed under "Needs you". */
export const MAX_NEEDS_YOU = 8;
/** Sessions listed under "Working". */
export const MAX_WORKING = 8;
/** Sessions listed under "Recently finished". */
export const MAX_FINISHED = 5;
/** How long an ended session counts as recently finished (one hour). */
export const RECENTLY_FINISHED_MS = 60 * 60 * 1000;
/** Longest menu label, in characters (native menus don't wrap). */
export const MAX_LABEL_CHARS = 72;
/** Longest question shown after a session's name. */
export const MAX_DETAIL_CHARS = 48;
/** Marks a session with something the user has not seen. */
export const UNREAD_MARK = '● ';

/** What a click on a tray item does. */
export type TrayAction =
  | { kind: 'quick'; repoPath: string; agent: AgentId; backend: BackendId; model: string | null }
  | { kind: 'new-session' }
  | { kind: 'focus'; sessionId: string }
  | { kind: 'open' }
  | { kind: 'quit' };

/** One entry of the tray menu; items without an action are disabled labels (headers, placeholders). */
export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'item'; id: string; label: string; enabled: boolean; action: TrayAction | null };

/** A repository offered as a quick session, with the agent, backend and model of its latest session. */
export interface RecentRepo {
  repoPath: string;
  agent: AgentId;
  backend: BackendId;
  model: string | null;
}

/** The tray's overall status: colours the icon. */
export type TrayStatus = 'needs-you' | 'working' | 'quiet';

/** What the tray menu is built from. */
export interface TrayMenuInput {
  sessions: readonly SessionDto[];
  onQuit: QuitPolicy;
  /** The current time (ms since the epoch), for "recently finished". */
  now: number;
}

/** States listed under "Working" (the agent runs and does not wait on the user). */
const WORKING_STATES: readonly SessionState[] = ['creating', 'working', 'idle'];
/** Ended states, listed under "Recently finished" for an hour. */
const ENDED_STATES: readonly SessionState[] = ['exited', 'failed'];

/** Shortens `text` to `max` characters with an ellipsis, on one line. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The most recent repositories (by their latest session's creation), each with that session's agent, backend and model. */
export function recentRepos(sessions: readonly SessionDto[], max = MAX_QUICK_REPOS): RecentRepo[] {
  const latest = new Map<string, SessionDto>();
  for (const s of sessions) {
    const seen = latest.get(s.repoPath);
    if (!seen || s.createdAt > seen.createdAt) latest.set(s.repoPath, s);
  }
  return [...latest.values()]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, max)
    .map((s) => ({ repoPath: s.repoPath, agent: s.agent, backend: s.backend, model: s.model }));
}

/** Whether the icon says someone needs you, something works, or all is quiet; and how many sessions are unread. */
export function trayStatus(sessions: readonly SessionDto[]): { status: TrayStatus; unread: number; needsYou: number } {
  const live = sessions.filter((s) => !s.archived);
  const needsYou = live.filter((s) => NEEDS_YOU_STATES.includes(s.state)).length;
  const unread = live.filter((s) => s.attention.unread).length;
  const working = live.some((s) => s.state === 'working' || s.state === 'creating');
  return { status: needsYou > 0 ? 'needs-you' : working ? 'working' : 'quiet', unread, needsYou };
}

/** The tray icon's tooltip: what needs you and how much is unread. */
export function trayTooltip(sessions: readonly SessionDto[]): string {
  const { needsYou, unread } = trayStatus(sessions);
  const parts = [needsYou > 0 ? `${needsYou} need${needsYou === 1 ? 's' : ''} you` : null, unread > 0 ? `${unread} unread` : null].filter(Boolean);
  return parts.length > 0 ? `Berth — ${parts.join(', ')}` : 'Berth';
}

function quickLabel(repo: RecentRepo): string {
  const what = [repo.agent, repo.backend, repo.model ?? 'default model'].join(' · ');
  return truncate(`${path.basename(repo.repoPath) || repo.repoPath} — ${what}`, MAX_LABEL_CHARS);
}

function needsYouText(s: SessionDto): string {
  if (s.attention.detail) return truncate(s.attention.detail, MAX_DETAIL_CHARS);
  return s.state === 'waiting-approval' ? 'waits for approval' : 'waits for input';
}

function rosterItem(s: SessionDto, text: string): TrayMenuItem {
  const mark = s.attention.unread ? UNREAD_MARK : '';
  return { type: 'item', id: `session:${s.id}`, label: truncate(`${mark}${s.name} — ${text}`, MAX_LABEL_CHARS), enabled: true, action: { kind: 'focus', sessionId: s.id } };
}

function header(id: string, label: string): TrayMenuItem {
  return { type: 'item', id, label, enabled: false, action: null };
}

/** Newest first by when the session entered its state (its update time when that is unknown). */
function bySinceDesc(a: SessionDto, b: SessionDto): number {
  return (b.attention.since || b.updatedAt) - (a.attention.since || a.updatedAt);
}

/** The roster: needs you (longest waiting first), working (idle last), recently finished (newest first). */
function roster(sessions: readonly SessionDto[], now: number): TrayMenuItem[] {
  const live = sessions.filter((s) => !s.archived);
  const needsYou = live.filter((s) => NEEDS_YOU_STATES.includes(s.state)).sort((a, b) => -bySinceDesc(a, b));
  const working = live
    .filter((s) => WORKING_STATES.includes(s.state))
    .sort((a, b) => Number(a.state === 'idle') - Number(b.state === 'idle') || bySinceDesc(a, b));
  const finished = live
    .filter((s) => ENDED_STATES.includes(s.state) && now - (s.attention.since || s.updatedAt) <= RECENTLY_FINISHED_MS)
    .sort(bySinceDesc);

  const items: TrayMenuItem[] = [header('header:needs-you', 'Needs you')];
  if (needsYou.length === 0) items.push(header('placeholder:needs-you', 'Nobody needs you'));
  for (const s of needsYou.slice(0, MAX_NEEDS_YOU)) items.push(rosterItem(s, needsYouText(s)));
  if (needsYou.length > MAX_NEEDS_YOU) items.push(header('more:needs-you', `…and ${needsYou.length - MAX_NEEDS_YOU} more`));
  if (working.length > 0) {
    items.push({ type: 'separator' }, header('header:working', 'Working'));
    for (const s of working.slice(0, MAX_WORKING)) items.push(rosterItem(s, s.state === 'creating' ? 'starting' : s.state));
    if (working.length > MAX_WORKING) items.push(header('more:working', `…and ${working.length - MAX_WORKING} more`));
  }
  if (finished.length > 0) {
    items.push({ type: 'separator' }, header('header:finished', 'Recently finished'));
    for (const s of finished.slice(0, MAX_FINISHED)) items.push(rosterItem(s, s.state === 'failed' ? `failed${s.reason ? `: ${s.reason}` : ''}` : 'finished'));
  }
  return items;
}

/** The Quit item's label, saying what happens to sessions that survive a restart. */
function quitLabel(onQuit: QuitPolicy): string {
  return onQuit === 'stop-all' ? 'Quit (stop all sessions)' : 'Quit (leave surviving sessions running)';
}

/** Builds the whole tray menu. */
export function buildTrayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const quick = recentRepos(input.sessions).map(
    (repo): TrayMenuItem => ({ type: 'item', id: `quick:${repo.repoPath}`, label: quickLabel(repo), enabled: true, action: { kind: 'quick', ...repo } }),
  );
  return [
    header('header:quick', 'Quick sessions'),
    ...quick,
    { type: 'item', id: 'new-session', label: 'New session…', enabled: true, action: { kind: 'new-session' } },
    { type: 'separator' },
    ...roster(input.sessions, input.now),
    { type: 'separator' },
    { type: 'item', id: 'open', label: 'Open Berth', enabled: true, action: { kind: 'open' } },
    { type: 'item', id: 'quit', label: quitLabel(input.onQuit), enabled: true, action: { kind: 'quit' } },
  ];
}
