/**
 * What the "Needs you" section lists, as pure functions of the sessions: the sessions waiting for the
 * user (most recent first, with their question) and the quick sessions (recent repositories with the
 * agent, backend and model last used there).
 */
import { NEEDS_YOU_STATES, type SessionDto } from '../../../src-shared/dto.js';
import type { CreatePreset } from '../../store/ui-slice.js';

/** How many recent repositories the quick sessions offer. */
export const QUICK_SESSION_LIMIT = 5;

/** Active sessions that wait for the user, the one that started waiting last first. */
export function needsYou(sessions: Record<string, SessionDto>): SessionDto[] {
  return Object.values(sessions)
    .filter((s) => !s.archived && NEEDS_YOU_STATES.includes(s.state))
    .sort((a, b) => b.attention.since - a.attention.since);
}

/** A quick session: a recent repository and what to start there. */
export interface QuickSession extends CreatePreset {
  /** The repository's folder name. */
  label: string;
}

/** The last path segment of a repository path (either slash). */
export function repoBasename(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? path;
}

/**
 * The most recently used repositories (sessions archived or not), newest first, each with the agent,
 * backend and model of its newest session.
 */
export function quickSessions(sessions: Record<string, SessionDto>, limit = QUICK_SESSION_LIMIT): QuickSession[] {
  const newest = new Map<string, SessionDto>();
  for (const s of Object.values(sessions)) {
    const seen = newest.get(s.repoPath);
    if (!seen || s.createdAt > seen.createdAt) newest.set(s.repoPath, s);
  }
  return [...newest.values()]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, limit)
    .map((s) => ({ repoPath: s.repoPath, agent: s.agent, backend: s.backend, model: s.model, label: repoBasename(s.repoPath) }));
}
