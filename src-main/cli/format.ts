/**
 * Human-readable output of the CLI: the session table and the `status` report (ages and tables come
 * from text-table.ts and are re-exported here).
 */
import { NEEDS_YOU_STATES, type SessionDto, type SessionEventDto } from '../../src-shared/dto.js';
import { describeBackend, dockerStatusFields } from './docker-format.js';
import { formatAge, formatTable } from './text-table.js';

/** Placeholder for an absent value. */
const NONE = '-';

export { formatAge, formatTable };

/** Files named per overlap line of `berth list`; the rest are counted. */
const OVERLAP_FILES_SHOWN = 5;

/** The `berth list` table, then one line per pair of live sessions changing the same files. */
export function formatSessionTable(sessions: readonly SessionDto[], now = Date.now()): string {
  const rows = sessions.map((s) => [
    s.name,
    `${s.state}${s.attention.unread ? ' (unread)' : ''}${s.archived ? ' (archived)' : ''}${s.unsynced ? ' (not synced back)' : ''}`,
    s.agent,
    describeBackend(s),
    s.branch,
    s.git ? String(s.git.ahead) : NONE,
    s.git ? String(s.git.behind) : NONE,
    s.git ? `${s.git.changedFiles}${s.git.dirty ? ' (dirty)' : ''}` : NONE,
    s.git && s.git.overlaps.length > 0 ? s.git.overlaps.map((o) => o.name).join(', ') : NONE,
    formatAge(now - s.createdAt),
  ]);
  const table = formatTable(['NAME', 'STATE', 'AGENT', 'BACKEND', 'BRANCH', 'AHEAD', 'BEHIND', 'CHANGED', 'OVERLAP', 'AGE'], rows);
  const overlaps = overlapLines(sessions);
  return overlaps.length > 0 ? `${table}\n\n${overlaps.join('\n')}` : table;
}

/** `warning: a and b both change x, y`: each pair once. */
export function overlapLines(sessions: readonly SessionDto[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const s of sessions) {
    for (const o of s.git?.overlaps ?? []) {
      const pair = [s.id, o.sessionId].sort().join('\0');
      if (seen.has(pair)) continue;
      seen.add(pair);
      const shown = o.files.slice(0, OVERLAP_FILES_SHOWN).map((f) => JSON.stringify(f).slice(1, -1)).join(', ');
      const more = o.files.length > OVERLAP_FILES_SHOWN ? ` and ${o.files.length - OVERLAP_FILES_SHOWN} more` : '';
      lines.push(`warning: ${s.name} and ${o.name} both change ${shown}${more}`);
    }
  }
  return lines;
}

/** A duration in milliseconds, or `-` when the phase never ran. */
export function formatMs(ms: number | null): string {
  return ms === null ? NONE : `${Math.round(ms)} ms`;
}

/** `2024-05-01 12:34:56` in local time, plus a relative age. */
export function formatTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${stamp} (${formatAge(now - at)} ago)`;
}

/** The state with its exit code and reason, e.g. `exited (code 0)` or `failed: spawn bash ENOENT`. */
export function describeState(s: SessionDto): string {
  const parts: string[] = [s.state];
  if (s.exitCode !== null) parts.push(`(exit code ${s.exitCode})`);
  let text = parts.join(' ');
  if (s.reason) text += `: ${s.reason}`;
  if (s.archived) text += ' [archived]';
  if (s.unsynced) text += ` [changes not synced back: ${s.unsynced}]`;
  return text;
}

/** Quotes argv elements that need it, for display only. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** The `berth status` report: fields (with Docker details and resource use), phase timings, then the state transitions. */
export function formatStatus(s: SessionDto, events: readonly SessionEventDto[], now = Date.now()): string {
  const fields: [string, string][] = [
    ['name', s.name],
    ['id', s.id],
    ['state', `${s.state} since ${formatAge(now - s.attention.since)} ago (${s.attention.source === 'hooks' ? "from the agent's hooks" : 'from output activity'})`],
    ...(NEEDS_YOU_STATES.includes(s.state) ? [['waiting on', s.attention.detail ?? 'the user'] as [string, string]] : []),
    ['unread', s.attention.unread ? 'yes (opened in the app or `berth attach` clears it)' : 'no'],
    ['archived', s.archived ? 'yes' : 'no'],
    ['exit code', s.exitCode === null ? NONE : String(s.exitCode)],
    ['reason', s.reason ?? NONE],
    ...(s.unsynced ? [['not synced', `changes not synced back: ${s.unsynced} (\`berth sync ${s.name}\` retries)`] as [string, string]] : []),
    ['agent', s.model ? `${s.agent} (model ${s.model})` : s.agent],
    ['conversation', s.conversationId ?? NONE],
    ['backend', s.backend],
    ...dockerStatusFields(s, now),
    ['repo', s.repoPath],
    ['branch', `${s.branch} (from ${s.baseBranch})`],
    ['worktree', s.worktreePath],
    ['prompt', s.prompt === '' ? NONE : s.prompt],
    ['command', s.command.length > 0 ? formatCommand(s.command) : NONE],
    ['pid', s.pid === null ? NONE : String(s.pid)],
    ['size', `${s.cols}x${s.rows}`],
    ['created', formatTime(s.createdAt, now)],
    ['updated', formatTime(s.updatedAt, now)],
    [
      'phases',
      `worktree ${formatMs(s.phases.worktreeMs)}, start ${formatMs(s.phases.startMs)}, first output ${formatMs(s.phases.firstOutputMs)}`,
    ],
  ];
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  const lines = fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
  lines.push('', 'events:');
  if (events.length === 0) lines.push('  (none)');
  const eventRows = events.map((e) => [formatTime(e.at, now), `${e.from ?? NONE} -> ${e.to}`, e.detail ?? '']);
  if (eventRows.length > 0) {
    lines.push(
      ...formatTable(['  AT', 'TRANSITION', 'DETAIL'], eventRows.map(([at, tr, d]) => [`  ${at}`, tr ?? '', d ?? ''])).split('\n'),
    );
  }
  return lines.join('\n');
}
