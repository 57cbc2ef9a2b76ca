/**
 * Attention: what a state change means for the user. A session that begins waiting (a question, an
 * approval), finishes or fails becomes unread until the user opens it; one that goes back to work
 * needs nobody any more. Pure functions of the session before and the change, used by SessionService
 * on every transition.
 */
import type { AgentState, SessionAttentionDto, SessionDto, SessionState } from '../../src-shared/dto.js';

/** States that want the user: a marker on the card, a notification, the tray's "needs you". */
const WANTS_USER: ReadonlySet<SessionState> = new Set(['waiting-input', 'waiting-approval', 'exited', 'failed']);
/** States after which nothing is waiting on the user any more. */
const NOTHING_WAITING: ReadonlySet<SessionState> = new Set(['creating', 'working', 'idle']);

/** A new session's attention: nothing to say, nothing unseen, state from activity until a hook reports. */
export function initialAttention(at: number): SessionAttentionDto {
  return { detail: null, source: 'activity', since: at, unread: false };
}

/**
 * The attention after a change: `since` moves when the state does; entering a state that wants the
 * user makes the session unread and takes the change's detail (or, for a failure, its reason);
 * going back to work clears both. A change that keeps the state keeps them (a new detail replaces the
 * old one: the agent asks something else). `byUser`: the user caused the change, so it is not unread.
 */
export function nextAttention(s: SessionDto, change: Partial<SessionDto>, at: number, byUser = false): SessionAttentionDto {
  const base = { ...s.attention, ...change.attention };
  const state = change.state ?? s.state;
  if (state === s.state) return base;
  const detail = change.attention?.detail ?? (state === 'failed' || state === 'exited' ? (change.reason ?? s.reason ?? null) : null);
  // What the user did themselves (a stop) is nothing new to them.
  if (WANTS_USER.has(state)) return { ...base, detail, since: at, unread: !byUser };
  if (NOTHING_WAITING.has(state)) return { ...base, detail: change.attention?.detail ?? null, since: at, unread: false };
  return { ...base, since: at };
}

/** A state the agent reported through its hooks, with the question or tool when the hook gives one. */
export interface AgentReport {
  state: AgentState;
  detail: string | null;
}

/** The change an agent's report makes to a running session; null when it changes nothing. */
export function reportChange(s: SessionDto, report: AgentReport): Partial<SessionDto> | null {
  const detail = report.detail;
  if (s.state === report.state && s.attention.detail === detail && s.attention.source === 'hooks') return null;
  return { state: report.state, attention: { ...s.attention, source: 'hooks', detail } };
}
