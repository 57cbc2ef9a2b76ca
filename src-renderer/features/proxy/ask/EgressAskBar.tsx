/**
 * The egress "ask" prompt: a strip at the top of the window, above everything but not blocking it,
 * listing each request an "ask" policy holds (host, method, path, session, time left) with Allow /
 * Deny and whether to remember the answer (this time, this session, always). Answers go out with
 * `egress.answer`; an item leaves when the orchestrator says it settled (`egress.settled`), so a
 * request that timed out or was answered in another window disappears too.
 */
import { useState } from 'react';
import type { EgressAskDto } from '../../../../src-shared/proxy-settings.js';
import { useAppState, useServices } from '../../../app/services.js';
import { formatCountdown, secondsLeft } from '../proxy-format.js';
import { useNow } from './use-now.js';
import '../proxy.css';

/** What the user keeps of an answer. */
export type Remember = 'once' | 'session' | 'always';

const REMEMBER_LABELS: Record<Remember, string> = {
  once: 'This time',
  session: 'This session',
  always: 'Always',
};

/** Countdown seconds from which the time left is shown as urgent. */
const URGENT_SECONDS = 10;

/** Where an item's answer stands. */
type AnswerState = { kind: 'idle' } | { kind: 'sending'; allow: boolean } | { kind: 'sent'; allow: boolean } | { kind: 'error'; message: string };

function EgressAskItem({ ask, now }: { ask: EgressAskDto; now: number }) {
  const { connection, store } = useServices();
  const [remember, setRemember] = useState<Remember>('once');
  const [state, setState] = useState<AnswerState>({ kind: 'idle' });
  const left = secondsLeft(ask.expiresAt, now);
  const busy = state.kind === 'sending' || state.kind === 'sent';

  const answer = async (allow: boolean) => {
    setState({ kind: 'sending', allow });
    const result = await connection.request('egress.answer', { id: ask.id, allow, remember });
    if (!result.ok) return setState({ kind: 'error', message: result.error.message });
    setState({ kind: 'sent', allow });
    // A remembered answer is a new rule in the settings: fetch them so Settings → Egress shows it.
    if (remember !== 'once') {
      const settings = await connection.request('settings.get', {});
      if (settings.ok) store.getState().setSettings(settings.value);
    }
  };

  return (
    <li className="egress-ask" data-testid="egress-ask" data-ask-id={ask.id} role="group" aria-label={`Request to ${ask.host} waiting for your answer`}>
      <span className="egress-ask-icon" aria-hidden="true">
        ⚠
      </span>
      <span className="egress-ask-text">
        <span className="egress-ask-session" data-testid="egress-ask-session">
          {ask.sessionName ?? (ask.sessionId ? `session ${ask.sessionId.slice(0, 8)}` : 'A request without a session')}
        </span>{' '}
        wants to reach <strong className="mono" data-testid="egress-ask-host">{ask.host}</strong>:{' '}
        <code className="egress-ask-request">
          <span data-testid="egress-ask-method">{ask.method}</span> <span data-testid="egress-ask-path">{ask.path}</span>
        </code>
      </span>
      <span className={`egress-ask-countdown${left <= URGENT_SECONDS ? ' urgent' : ''}`} data-testid="egress-ask-countdown" data-seconds={left} role="timer">
        {formatCountdown(left)}
      </span>
      <label className="egress-ask-remember">
        <span className="visually-hidden">Remember the answer for</span>
        <select
          className="input input-compact"
          data-testid="egress-ask-remember"
          value={remember}
          disabled={busy}
          onChange={(e) => setRemember(e.target.value as Remember)}
        >
          {(Object.keys(REMEMBER_LABELS) as Remember[]).map((r) => (
            <option key={r} value={r} disabled={r === 'session' && ask.sessionId === null}>
              {REMEMBER_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button small primary" data-testid="egress-ask-allow" disabled={busy} onClick={() => void answer(true)}>
        {state.kind === 'sending' && state.allow ? 'Allowing…' : 'Allow'}
      </button>
      <button type="button" className="button small danger" data-testid="egress-ask-deny" disabled={busy} onClick={() => void answer(false)}>
        {state.kind === 'sending' && !state.allow ? 'Denying…' : 'Deny'}
      </button>
      {state.kind === 'error' ? (
        <span className="error-text egress-ask-error" role="alert" data-testid="egress-ask-error">
          {state.message}
        </span>
      ) : null}
    </li>
  );
}

export function EgressAskBar() {
  const asks = useAppState((s) => s.egressAsks);
  const now = useNow(asks.length > 0);
  if (asks.length === 0) return null;
  return (
    <section className="egress-ask-bar" data-testid="egress-ask-bar" aria-label="Requests waiting for your answer" aria-live="polite">
      <ul className="egress-ask-list">
        {asks.map((ask) => (
          <EgressAskItem key={ask.id} ask={ask} now={now} />
        ))}
      </ul>
    </section>
  );
}
