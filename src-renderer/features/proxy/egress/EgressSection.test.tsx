import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../../src-shared/docker.js';
import type { SettingsDto } from '../../../../src-shared/dto.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../../src-shared/proxy-settings.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer, makeSession } from '../../../testing/fake-server.js';
import { EgressSection } from './EgressSection.js';

const INITIAL: SettingsDto = { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} };

/** Settings behind a fake orchestrator that merges `proxy` field by field, like the real one. */
function settingsServer(onServer: SettingsDto) {
  let settings = onServer;
  const updates: Array<MethodParams<'settings.update'>> = [];
  const fake = new FakeServer()
    .on('settings.get', () => settings)
    .on('settings.update', (patch) => {
      updates.push(patch);
      settings = { ...settings, proxy: { ...settings.proxy, ...patch.proxy } };
      return settings;
    });
  return { fake, updates };
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('Settings → Egress', () => {
  afterEach(cleanup);

  it('fetches the settings again on open (remembered answers), edits rules and policy, and saves what changed', async () => {
    // The orchestrator has a rule the store doesn't know yet (an "always" answer from the ask prompt).
    const remembered = { ...INITIAL, proxy: { ...INITIAL.proxy, egress: { ...INITIAL.proxy.egress, hosts: [{ host: 'evil.example', decision: 'deny' as const, sessionId: null }] } } };
    const { fake, updates } = settingsServer(remembered);
    const sessions = { s1: makeSession({ id: 's1', name: 'fix-tests' }), s2: makeSession({ id: 's2', name: 'old', archived: true }) };
    const { connection, store } = await renderWithServer(<EgressSection />, fake, { connectionStatus: 'connected', settings: INITIAL, sessions });
    await waitFor(() => expect(screen.getAllByTestId('egress-rule').map((r) => r.dataset.host)).toEqual(['evil.example']));
    expect(screen.getByTestId('egress-rule-scope').textContent).toBe('All sessions');
    expect((screen.getByTestId('settings-egress-save') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('audit-cost-note').textContent).toContain('proxy.audit.loss');

    fireEvent.change(screen.getByTestId('settings-egress-default'), { target: { value: 'ask' } });
    // Only active sessions can be chosen for a new rule.
    const scope = screen.getByTestId('egress-add-scope') as HTMLSelectElement;
    expect([...scope.options].map((o) => o.textContent)).toEqual(['All sessions', 'fix-tests']);
    fireEvent.change(input('egress-add-host'), { target: { value: 'api.example.com' } });
    fireEvent.change(screen.getByTestId('egress-add-decision'), { target: { value: 'allow' } });
    fireEvent.change(scope, { target: { value: 's1' } });
    fireEvent.click(screen.getByTestId('egress-add'));
    expect(input('egress-add-host').value).toBe('');
    // A duplicate is refused with a reason.
    fireEvent.change(input('egress-add-host'), { target: { value: 'api.example.com' } });
    fireEvent.change(scope, { target: { value: 's1' } });
    fireEvent.click(screen.getByTestId('egress-add'));
    expect(screen.getByTestId('egress-add-problem').textContent).toBe('there is already a rule for api.example.com for that session');
    const rows = screen.getAllByTestId('egress-rule');
    expect(rows.map((r) => within(r).getByTestId('egress-rule-scope').textContent)).toEqual(['All sessions', 'Session fix-tests']);
    fireEvent.click(within(rows[0] as HTMLElement).getByTestId('egress-rule-remove'));
    fireEvent.change(input('settings-egress-askTimeoutSeconds'), { target: { value: '45' } });
    fireEvent.click(screen.getByTestId('settings-audit-enabled'));

    await act(async () => fireEvent.click(screen.getByTestId('settings-egress-save')));
    await waitFor(() => expect(screen.getByTestId('settings-egress-save-status').textContent).toBe('Saved.'));
    expect(updates).toEqual([
      {
        proxy: {
          egress: { defaultDecision: 'ask', hosts: [{ host: 'api.example.com', decision: 'allow', sessionId: 's1' }], askTimeoutSeconds: 45 },
          audit: { ...INITIAL.proxy.audit, enabled: false },
        },
      },
    ]);
    expect(store.getState().settings?.proxy.egress.defaultDecision).toBe('ask');
    expect((screen.getByTestId('settings-egress-default') as HTMLSelectElement).value).toBe('ask');
    expect((screen.getByTestId('settings-egress-save') as HTMLButtonElement).disabled).toBe(true);
    connection.dispose();
  });

  it('blocks saving while a number is out of range', async () => {
    const { fake, updates } = settingsServer(INITIAL);
    const { connection } = await renderWithServer(<EgressSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    fireEvent.change(input('settings-egress-retentionDays'), { target: { value: '0' } });
    expect(screen.getByText('must be at least 1')).toBeTruthy();
    expect((screen.getByTestId('settings-egress-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(screen.getByTestId('egress-form'));
    await act(async () => undefined);
    expect(updates).toEqual([]);
    connection.dispose();
  });
});
