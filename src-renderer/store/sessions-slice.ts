/**
 * Sessions slice: every session the orchestrator knows (active and archived) and creation progress.
 *
 * Fed by `sessions.list` on each (re)connect and by `session.*` events; terminal bytes never come here.
 */
import type { StateCreator } from 'zustand';
import type { CreatePhase, ProgressDto, SessionDto } from '../../src-shared/dto.js';

/** Progress of one session's creation, by phase. */
export type CreateProgress = Partial<Record<CreatePhase, ProgressDto>>;

/** State and actions of the sessions slice. */
export interface SessionsSlice {
  sessions: Record<string, SessionDto>;
  progress: Record<string, CreateProgress>;
  /** True once the first full list has arrived. */
  sessionsLoaded: boolean;
  /** Replaces the list; entries already newer in the store (from events) are kept. */
  replaceSessions(list: readonly SessionDto[]): void;
  upsertSession(session: SessionDto): void;
  removeSession(id: string): void;
  applyProgress(progress: ProgressDto): void;
}

function newer(a: SessionDto | undefined, b: SessionDto): SessionDto {
  return a && a.updatedAt > b.updatedAt ? a : b;
}

export const createSessionsSlice: StateCreator<SessionsSlice, [], [], SessionsSlice> = (set) => ({
  sessions: {},
  progress: {},
  sessionsLoaded: false,
  replaceSessions: (list) =>
    set((state) => {
      const sessions: Record<string, SessionDto> = {};
      for (const session of list) sessions[session.id] = newer(state.sessions[session.id], session);
      return { sessions, sessionsLoaded: true };
    }),
  upsertSession: (session) =>
    set((state) => ({ sessions: { ...state.sessions, [session.id]: newer(state.sessions[session.id], session) } })),
  removeSession: (id) =>
    set((state) => {
      if (!(id in state.sessions) && !(id in state.progress)) return state;
      const { [id]: _removed, ...sessions } = state.sessions;
      const { [id]: _progress, ...progress } = state.progress;
      return { sessions, progress };
    }),
  applyProgress: (progress) =>
    set((state) => {
      const previous = state.progress[progress.sessionId]?.[progress.phase];
      // The image phase's closing event carries no layer counts: keep the last ones seen.
      const merged = progress.image == null && previous?.image ? { ...progress, image: previous.image } : progress;
      return {
        progress: {
          ...state.progress,
          [progress.sessionId]: { ...state.progress[progress.sessionId], [progress.phase]: merged },
        },
      };
    }),
});

/** Sessions in display order: newest first. */
export function sortSessions(sessions: readonly SessionDto[]): SessionDto[] {
  return [...sessions].sort((a, b) => b.createdAt - a.createdAt);
}
