import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MethodParams } from '../../../../src-shared/contract.js';
import type { EgressAskDto } from '../../../../src-shared/proxy-settings.js';
import { err } from '../../../../src-shared/result.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer } from '../../../testing/fake-server.js';
import { bindStoreToConnection } from '../../../store/sync.js';
import { EgressAskBar } from './EgressAskBar.js';

/** The fixed "now" of these tests. */
const NOW = Date.UTC(2025, 0, 10, 12);

function ask(patch: Partial<EgressAskDto> & Pick<EgressAskDto, 'id'>): EgressAskDto {
  return {
    sessionId: 's1',
    sessionName: 'fix-tests',
    host: '127.0.0.1',
    method: 'POST',
    path: '/v1/messages',
    at: NOW,
    expiresAt: NOW + 65_000,
    ...patch,
  };
}

/** A fake orchestrator holding `pending` asks; answers are recorded, `fail` makes the next one an error. */
function egressServer(pending: EgressAskDto[]) {
  const answers: Array<MethodParams<'egress.answer'>> = [];
  const control = { fail: null as string | null, settingsGets: 0 };
  const fake = new FakeServer()
    .on('egress.pending', () => pending)
    .on('egress.answer', (p) => {
      answers.push(p);
      if (control.fail) return err('not_found', control.fail);
      return { id: p.id };
    })
    .on('settings.get', () => {
      control.settingsGets++;
      return err('internal', 'not in this test');
    });
  return { fake, answers, control };
}

/** Renders the bar with the store fed by the connection (egress.pending on connect, then events). */
async function renderBar(fake: FakeServer) {
  const view = await renderWithServer(<EgressAskBar />, fake);
  const binding = bindStoreToConnection(view.store, view.connection);
  return { ...view, dispose: () => (binding.dispose(), view.connection.dispose()) };
}

const items = () => screen.queryAllByTestId('egress-ask');
const item = (id: string) => screen.getByTestId('egress-ask-bar').querySelector(`[data-ask-id="${id}"]`) as HTMLElement;

describe('egress ask prompt', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('shows nothing while no request waits', async () => {
    const { fake } = egressServer([]);
    const { dispose } = await renderBar(fake);
    await act(async () => undefined);
    expect(screen.queryByTestId('egress-ask-bar')).toBeNull();
    dispose();
  });

  it('shows each waiting request with host, method, path and session, and counts down to its expiry', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    const { fake } = egressServer([ask({ id: 'a1' }), ask({ id: 'a2', sessionId: null, sessionName: null, host: 'api.github.com', method: 'GET', path: '/user', expiresAt: NOW + 12_000 })]);
    const { dispose } = await renderBar(fake);
    await waitFor(() => expect(items()).toHaveLength(2));

    const first = within(item('a1'));
    expect(first.getByTestId('egress-ask-session').textContent).toBe('fix-tests');
    expect(first.getByTestId('egress-ask-host').textContent).toBe('127.0.0.1');
    expect(first.getByTestId('egress-ask-method').textContent).toBe('POST');
    expect(first.getByTestId('egress-ask-path').textContent).toBe('/v1/messages');
    expect(first.getByTestId('egress-ask-countdown').textContent).toBe('denied in 1:05');
    const second = within(item('a2'));
    expect(second.getByTestId('egress-ask-session').textContent).toBe('A request without a session');
    expect(second.getByTestId('egress-ask-countdown').textContent).toBe('denied in 12 s');
    // Without a session, "this session" can't be remembered.
    const remember = second.getByTestId('egress-ask-remember') as HTMLSelectElement;
    expect([...remember.options].filter((o) => o.disabled).map((o) => o.value)).toEqual(['session']);

    act(() => vi.advanceTimersByTime(3_000));
    expect(first.getByTestId('egress-ask-countdown').textContent).toBe('denied in 1:02');
    expect(second.getByTestId('egress-ask-countdown').textContent).toBe('denied in 9 s');
    expect(second.getByTestId('egress-ask-countdown').className).toContain('urgent');
    expect(first.getByTestId('egress-ask-countdown').className).not.toContain('urgent');

    act(() => vi.advanceTimersByTime(10_000));
    expect(second.getByTestId('egress-ask-countdown').textContent).toBe('timing out…');
    expect(second.getByTestId('egress-ask-countdown').dataset.seconds).toBe('0');
    dispose();
  });

  it('answers with the remember choice, keeps the item until egress.settled, and shows a failed answer inline', async () => {
    const { fake, answers, control } = egressServer([ask({ id: 'a1' }), ask({ id: 'a2', host: 'example.com' })]);
    const { dispose, store } = await renderBar(fake);
    await waitFor(() => expect(items()).toHaveLength(2));

    const first = within(item('a1'));
    fireEvent.change(first.getByTestId('egress-ask-remember'), { target: { value: 'session' } });
    await act(async () => fireEvent.click(first.getByTestId('egress-ask-allow')));
    await waitFor(() => expect(answers).toEqual([{ id: 'a1', allow: true, remember: 'session' }]));
    // Answered but not settled yet: still shown, buttons off so it can't be answered twice.
    expect(items()).toHaveLength(2);
    expect((first.getByTestId('egress-ask-allow') as HTMLButtonElement).disabled).toBe(true);
    expect((first.getByTestId('egress-ask-deny') as HTMLButtonElement).disabled).toBe(true);
    // A remembered answer is a new rule: the settings are fetched again.
    await waitFor(() => expect(control.settingsGets).toBe(2));

    act(() => fake.emit({ type: 'event', event: 'egress.settled', id: 'a1', allowed: true, by: 'user' }));
    await waitFor(() => expect(items()).toHaveLength(1));
    expect(store.getState().egressAsks.map((a) => a.id)).toEqual(['a2']);

    control.fail = 'that request is no longer waiting (it was answered or timed out)';
    const second = within(item('a2'));
    await act(async () => fireEvent.click(second.getByTestId('egress-ask-deny')));
    await waitFor(() => expect(second.getByTestId('egress-ask-error').textContent).toBe(control.fail));
    expect(answers.at(-1)).toEqual({ id: 'a2', allow: false, remember: 'once' });
    // After an error it can be answered again.
    expect((second.getByTestId('egress-ask-deny') as HTMLButtonElement).disabled).toBe(false);

    // A new ask arrives by event; a timeout settles the other.
    act(() => fake.emit({ type: 'event', event: 'egress.ask', ask: ask({ id: 'a3', host: 'registry.npmjs.org' }) }));
    await waitFor(() => expect(items().map((i) => i.dataset.askId)).toEqual(['a2', 'a3']));
    act(() => fake.emit({ type: 'event', event: 'egress.settled', id: 'a2', allowed: false, by: 'timeout' }));
    await waitFor(() => expect(items().map((i) => i.dataset.askId)).toEqual(['a3']));
    act(() => fake.emit({ type: 'event', event: 'egress.settled', id: 'a3', allowed: false, by: 'timeout' }));
    await waitFor(() => expect(screen.queryByTestId('egress-ask-bar')).toBeNull());
    dispose();
  });
});
