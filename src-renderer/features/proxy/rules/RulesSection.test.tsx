import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../../src-shared/contract.js';
import type { CredentialDto } from '../../../../src-shared/credentials.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../../src-shared/docker.js';
import type { SettingsDto } from '../../../../src-shared/dto.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../../src-shared/proxy-settings.js';
import { err } from '../../../../src-shared/result.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer } from '../../../testing/fake-server.js';
import { RulesSection } from './RulesSection.js';

const INITIAL: SettingsDto = { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} };

const credential = (name: string): CredentialDto => ({
  name,
  kind: 'custom',
  source: { type: 'value' },
  masked: '••••',
  createdAt: 0,
  updatedAt: 0,
  lastUsedAt: null,
  lastError: null,
});

/** Settings and a vault behind a fake orchestrator that merges `proxy` field by field, like the real one. */
function rulesServer(onServer: SettingsDto, stored: string[]) {
  let settings = onServer;
  const control = { names: stored, fail: null as string | null };
  const updates: Array<MethodParams<'settings.update'>> = [];
  const fake = new FakeServer()
    .on('settings.get', () => settings)
    .on('settings.update', (patch) => {
      updates.push(patch);
      if (control.fail) return err('bad_request', control.fail);
      settings = { ...settings, proxy: { ...settings.proxy, ...patch.proxy } };
      return settings;
    })
    .on('credentials.list', () => ({ credentials: control.names.map(credential), protection: 'the key file', warning: null, vault: { file: '/home/u/.berth/vault.json', locked: null, protectors: [] } }));
  return { fake, updates, control };
}

const row = (id: string) => screen.getAllByTestId('rule-row').find((r) => r.dataset.rule === id) as HTMLElement;
const rowIds = () => screen.getAllByTestId('rule-row').map((r) => r.dataset.rule);
const states = () => Object.fromEntries(screen.getAllByTestId('rule-row').map((r) => [r.dataset.rule, r.dataset.state]));
const field = (id: string) => within(screen.getByTestId('rule-editor')).getByTestId(id) as HTMLInputElement;
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe('Settings → Injection rules', () => {
  afterEach(cleanup);

  it('lists the default rules with whether each credential is stored, and says what the rules do', async () => {
    const { fake, updates } = rulesServer(INITIAL, ['github']);
    const { connection } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    await waitFor(() => expect(states()).toEqual({ 'github-git': 'active', 'github-api': 'active', 'npm-registry': 'inactive' }));
    expect(screen.getAllByTestId('rule-target').map((t) => t.textContent)).toEqual(['https://github.com', 'https://api.github.com', 'https://registry.npmjs.org']);
    expect(screen.getAllByTestId('rule-default')).toHaveLength(3);
    expect(within(row('github-git')).getByTestId('rule-header').textContent).toBe('authorization');
    expect(within(row('github-git')).getByTestId('rule-format-cell').textContent).toBe('basic-x-access-token');
    expect(within(row('github-git')).getByTestId('rule-state-note').textContent).toBe('credential stored');
    expect(within(row('npm-registry')).getByTestId('rule-state-note').textContent).toBe('credential not stored: tunnelled untouched');
    const explanation = screen.getByTestId('rules-explanation').textContent ?? '';
    expect(explanation).toContain(
      'Berth intercepts TLS only for these hosts (its CA is name-constrained to them) and injects the credential into the header; all other HTTPS traffic is tunnelled untouched or denied by the egress policy.',
    );
    expect(explanation).toContain('no wildcards');
    expect(screen.getByTestId('rules-defaults').textContent).toContain('https://registry.npmjs.org with credential npm');
    expect(button('rules-save').disabled).toBe(true);
    expect(button('rules-reset-defaults').disabled).toBe(true);
    expect(updates).toEqual([]);
    connection.dispose();
  });

  it('adds a rule (a wildcard refused with a reason), shows it inactive, and saves the list whole', async () => {
    const { fake, updates } = rulesServer(INITIAL, ['github']);
    const { connection, store } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    await waitFor(() => expect(states()['github-git']).toBe('active'));

    // Nothing typed: the problems show on submit, and nothing is added.
    fireEvent.click(button('rule-submit'));
    expect(field('rule-problem-host').textContent).toBe('enter a host, e.g. api.example.com');
    expect(rowIds()).toHaveLength(3);

    fireEvent.change(field('rule-host'), { target: { value: '*.example.com' } });
    expect(field('rule-problem-host').textContent).toMatch(/^exact hosts only/);
    fireEvent.change(field('rule-host'), { target: { value: 'git.example.com' } });
    fireEvent.change(field('rule-credential-name'), { target: { value: 'example' } });
    expect(screen.getByTestId('rule-credential-hint').textContent).toMatch(/^Not stored yet/);
    fireEvent.change(screen.getByTestId('rule-format'), { target: { value: 'basic-x-access-token' } });
    fireEvent.click(button('rule-submit'));

    expect(rowIds()).toEqual(['github-git', 'github-api', 'npm-registry', 'git-example-com']);
    expect(states()['git-example-com']).toBe('inactive');
    expect(screen.queryAllByTestId('rule-default')).toHaveLength(3);
    expect(field('rule-host').value).toBe('');
    expect(screen.getByTestId('rules-dirty').textContent).toBe('Unsaved changes');

    await act(async () => fireEvent.click(button('rules-save')));
    await waitFor(() => expect(screen.getByTestId('settings-rules-save-status').textContent).toBe('Saved.'));
    const added = { id: 'git-example-com', host: 'git.example.com', scheme: 'https', header: 'authorization', format: 'basic-x-access-token', credential: 'example' };
    expect(updates).toEqual([{ proxy: { rules: [...DEFAULT_PROXY_SETTINGS.rules, added] } }]);
    expect(store.getState().settings?.proxy.rules).toHaveLength(4);
    expect(button('rules-save').disabled).toBe(true);
    expect(screen.getByTestId('rules-dirty').textContent).toBe('');
    connection.dispose();
  });

  it('edits a rule in place (ids stay unique), removes one, and resets to the defaults', async () => {
    const custom = { id: 'corp', host: 'git.corp.example', scheme: 'https' as const, port: 8443, header: 'authorization', format: 'token' as const, credential: 'corp' };
    const settings = { ...INITIAL, proxy: { ...INITIAL.proxy, rules: [DEFAULT_PROXY_SETTINGS.rules[0]!, custom] } };
    const { fake, updates } = rulesServer(settings, ['github', 'npm']);
    const { connection } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings });
    await waitFor(() => expect(states()).toEqual({ 'github-git': 'active', corp: 'inactive' }));
    expect(within(row('corp')).getByTestId('rule-target').textContent).toBe('https://git.corp.example:8443');
    expect(button('rules-reset-defaults').disabled).toBe(false);

    fireEvent.click(within(row('corp')).getByTestId('rule-edit'));
    expect(screen.getByTestId('rule-editor').dataset.mode).toBe('edit');
    expect(field('rule-port').value).toBe('8443');
    fireEvent.change(field('rule-id'), { target: { value: 'github-git' } });
    expect(field('rule-problem-id').textContent).toBe('another rule already has the id "github-git"');
    fireEvent.change(field('rule-id'), { target: { value: 'corp-git' } });
    fireEvent.change(field('rule-credential-name'), { target: { value: 'npm' } });
    expect(screen.getByTestId('rule-credential-hint').textContent).toBe('Stored: the rule is active once saved.');
    fireEvent.click(button('rule-submit'));
    expect(rowIds()).toEqual(['github-git', 'corp-git']);
    expect(states()['corp-git']).toBe('active');
    expect(screen.getByTestId('rule-editor').dataset.mode).toBe('add');

    fireEvent.click(within(row('github-git')).getByTestId('rule-remove'));
    expect(rowIds()).toEqual(['corp-git']);
    await act(async () => fireEvent.click(button('rules-save')));
    await waitFor(() => expect(screen.getByTestId('settings-rules-save-status').textContent).toBe('Saved.'));
    expect(updates.at(-1)).toEqual({ proxy: { rules: [{ ...custom, id: 'corp-git', credential: 'npm' }] } });

    // Reset to defaults puts the defaults back in the list; Discard takes the change back; Save sends it.
    fireEvent.click(button('rules-reset-defaults'));
    expect(rowIds()).toEqual(['github-git', 'github-api', 'npm-registry']);
    fireEvent.click(button('rules-discard'));
    expect(rowIds()).toEqual(['corp-git']);
    fireEvent.click(button('rules-reset-defaults'));
    await act(async () => fireEvent.click(button('rules-save')));
    await waitFor(() => expect(button('rules-reset-defaults').disabled).toBe(true));
    expect(updates.at(-1)).toEqual({ proxy: { rules: DEFAULT_PROXY_SETTINGS.rules } });
    expect(updates).toHaveLength(2);
    connection.dispose();
  });

  it('removing every rule shows the empty list; Refresh picks up a credential stored since', async () => {
    const { fake, updates, control } = rulesServer(INITIAL, []);
    const { connection } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    await waitFor(() => expect(states()).toEqual({ 'github-git': 'inactive', 'github-api': 'inactive', 'npm-registry': 'inactive' }));
    control.names = ['npm'];
    await act(async () => fireEvent.click(button('rules-refresh')));
    await waitFor(() => expect(states()['npm-registry']).toBe('active'));
    expect(states()['github-git']).toBe('inactive');

    for (const id of ['github-git', 'github-api', 'npm-registry']) fireEvent.click(within(row(id)).getByTestId('rule-remove'));
    expect(screen.getByTestId('rules-empty')).toBeTruthy();
    await act(async () => fireEvent.click(button('rules-save')));
    await waitFor(() => expect(screen.getByTestId('settings-rules-save-status').textContent).toBe('Saved.'));
    expect(updates).toEqual([{ proxy: { rules: [] } }]);
    connection.dispose();
  });

  it("shows the server's refusal and keeps the edits", async () => {
    const { fake, control } = rulesServer(INITIAL, ['github']);
    control.fail = 'settings are read-only';
    const { connection, store } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    await waitFor(() => expect(states()['github-git']).toBe('active'));
    fireEvent.click(within(row('npm-registry')).getByTestId('rule-remove'));
    await act(async () => fireEvent.click(button('rules-save')));
    await waitFor(() => expect(screen.getByTestId('settings-rules-save-status').textContent).toBe('settings are read-only'));
    expect(rowIds()).toEqual(['github-git', 'github-api']);
    expect(store.getState().settings?.proxy.rules).toHaveLength(3);
    expect(button('rules-save').disabled).toBe(false);
    connection.dispose();
  });

  it('says when the credentials cannot be listed, and marks every rule unknown', async () => {
    const { fake } = rulesServer(INITIAL, []);
    fake.on('credentials.list', () => err('internal', 'the vault is locked'));
    const { connection } = await renderWithServer(<RulesSection />, fake, { connectionStatus: 'connected', settings: INITIAL });
    await waitFor(() => expect(screen.getByTestId('rules-credentials-error').textContent).toBe('Cannot tell which rules are active: the vault is locked'));
    expect(Object.values(states())).toEqual(['unknown', 'unknown', 'unknown']);
    connection.dispose();
  });
});
