/**
 * Wording and formatting shared by the session views.
 */
import type { AgentId, BackendId, SessionDto } from '../../../src-shared/dto.js';

/** Milliseconds in a second, for duration formatting. */
const MS_PER_SECOND = 1_000;
/** Durations below this are shown in milliseconds. */
const SHOW_SECONDS_FROM_MS = 1_000;

/** A duration as "340 ms" or "2.4 s"; an em dash when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < SHOW_SECONDS_FROM_MS) return `${Math.round(ms)} ms`;
  return `${(ms / MS_PER_SECOND).toFixed(1)} s`;
}

const AGENT_LABELS: Record<AgentId, string> = {
  shell: 'Shell',
  'claude-code': 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  aider: 'aider',
  custom: 'Custom',
};

const BACKEND_LABELS: Record<BackendId, string> = {
  local: 'local',
  tmux: 'tmux',
  sandbox: 'sandbox',
  docker: 'docker',
  kubernetes: 'kubernetes',
};

export function agentLabel(agent: AgentId): string {
  return AGENT_LABELS[agent];
}

export function backendLabel(backend: BackendId): string {
  return BACKEND_LABELS[backend];
}

/** How a finished session ended, e.g. "exit code 0" or "failed: spawn error"; null while alive. */
export function describeEnd(session: Pick<SessionDto, 'state' | 'exitCode' | 'reason'>): string | null {
  if (session.state !== 'exited' && session.state !== 'failed') return null;
  const parts: string[] = [];
  if (session.exitCode !== null) parts.push(`exit code ${session.exitCode}`);
  if (session.reason) parts.push(session.reason);
  if (parts.length === 0) return session.state === 'failed' ? 'failed' : 'exited';
  return parts.join(' — ');
}

/** Longest slug derived from a prompt for the name placeholder. */
const MAX_SLUG_CHARS = 40;

/** A session-name slug from free text: lowercase letters, digits and single dashes. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_SLUG_CHARS)
    .replace(/-+$/, '');
}
