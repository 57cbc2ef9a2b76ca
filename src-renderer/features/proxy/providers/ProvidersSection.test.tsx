import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialDto } from '../../../../src-shared/credentials.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../../src-shared/docker.js';
import type { SettingsDto } from '../../../../src-shared/dto.js';
import { DEFAULT_PROXY_SETTINGS, type ProviderSetRequest } from '../../../../src-shared/proxy-settings.js';
import type { ProviderConfig, ProviderDto } from '../../../../src-shared/proxy.js';
import { err } from '../../../../src-shared/result.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer } from '../../../testing/fake-server.js';
import { ProvidersSection } from './ProvidersSection.js';

function credential(name: string): CredentialDto {
  return { name, kind: 'anthropic-api-key', source: { type: 'value' }, masked: '••••abcd', createdAt: 1, updatedAt: 1, lastUsedAt: null, lastError: null };
}

/** Providers and their overrides behind a fake orchestrator; `fail` makes the next set answer with that error. */
function providersServer() {
  let overrides: ProviderConfig[] = [];
  const status: Record<string, Pick<ProviderDto, 'status' | 'lastError'>> = {
    openai: { status: 'open-circuit', lastError: 'upstream answered 503 five times' },
  };
  const defaults: Array<[string, string, string]> = [
    ['anthropic', 'Anthropic', 'https://api.anthropic.com'],
    ['openai', 'OpenAI', 'https://api.openai.com'],
  ];
  const sets: ProviderSetRequest[] = [];
  const control = { fail: null as string | null };
  const settings = (): SettingsDto => ({
    defaultAgent: 'shell',
    defaultBackend: 'local',
    onQuit: 'leave-running',
    dashboardTargets: {},
    docker: DEFAULT_DOCKER_SETTINGS,
    proxy: { ...DEFAULT_PROXY_SETTINGS, providers: overrides },
  });
  const list = (): ProviderDto[] =>
    defaults.map(([id, name, upstream]) => {
      const o = overrides.find((c) => c.id === id);
      return { id, name, upstream: o?.upstream ?? upstream, credential: o?.credential ?? (id === 'anthropic' ? 'anthropic' : null), status: 'ok', lastError: null, ...status[id] };
    });
  const fake = new FakeServer()
    .on('providers.list', list)
    .on('credentials.list', () => ({ credentials: [credential('anthropic'), credential('work-key')], protection: 'key file', warning: null, vault: { file: '/home/u/.berth/vault.json', locked: null, protectors: [] } }))
    .on('settings.get', settings)
    .on('providers.set', (p) => {
      sets.push(p as ProviderSetRequest);
      if (control.fail) return err('bad_request', control.fail);
      const current = list().find((c) => c.id === p.id)!;
      const old = overrides.find((c) => c.id === p.id);
      const next: ProviderConfig = {
        id: p.id,
        upstream: p.upstream ?? current.upstream,
        credential: p.credential !== undefined ? p.credential : (old?.credential ?? null),
        ...(p.allowPrivate !== undefined ? { allowPrivate: p.allowPrivate } : old?.allowPrivate !== undefined ? { allowPrivate: old.allowPrivate } : {}),
      };
      overrides = [...overrides.filter((c) => c.id !== p.id), next];
      return list().find((c) => c.id === p.id)!;
    });
  return { fake, sets, control, settings };
}

const row = (id: string) => within(screen.getByTestId('provider-list').querySelector(`[data-provider="${id}"]`) as HTMLElement);

describe('Settings → Providers', () => {
  afterEach(cleanup);

  it('lists providers with status, last error and the credential in use', async () => {
    const { fake, settings } = providersServer();
    const { connection } = await renderWithServer(<ProvidersSection />, fake, { connectionStatus: 'connected', settings: settings() });
    await waitFor(() => expect(screen.getAllByTestId('provider-row')).toHaveLength(2));
    expect(row('anthropic').getByTestId('provider-status').textContent).toBe('ok');
    expect(row('anthropic').getByTestId('provider-credential-in-use').textContent).toBe('injects anthropic');
    expect((row('anthropic').getByTestId('provider-credential') as HTMLSelectElement).value).toBe('');
    expect([...(row('anthropic').getByTestId('provider-credential') as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['Automatic', 'anthropic', 'work-key']);
    expect(row('anthropic').queryByTestId('provider-last-error')).toBeNull();
    expect(row('openai').getByTestId('provider-status').dataset.status).toBe('open-circuit');
    expect(row('openai').getByTestId('provider-status').textContent).toBe('circuit open');
    expect(row('openai').getByTestId('provider-last-error').textContent).toBe('Last error: upstream answered 503 five times');
    expect(row('openai').getByTestId('provider-credential-in-use').textContent).toBe('no credential: nothing injected');
    expect((row('openai').getByTestId('provider-save') as HTMLButtonElement).disabled).toBe(true);
    connection.dispose();
  });

  it('validates inline, saves only the changes with providers.set, and shows the server error', async () => {
    const { fake, sets, control, settings } = providersServer();
    const { connection, store } = await renderWithServer(<ProvidersSection />, fake, { connectionStatus: 'connected', settings: settings() });
    await waitFor(() => expect(screen.getAllByTestId('provider-row')).toHaveLength(2));

    // An invalid URL: a problem under the field and Save off; nothing sent.
    fireEvent.change(row('anthropic').getByTestId('provider-upstream'), { target: { value: 'api.example.com' } });
    expect(row('anthropic').getByTestId('provider-problem-upstream').textContent).toMatch(/http:\/\/ or https:\/\//);
    expect((row('anthropic').getByTestId('provider-save') as HTMLButtonElement).disabled).toBe(true);
    // A loopback upstream needs "allow private addresses".
    fireEvent.change(row('anthropic').getByTestId('provider-upstream'), { target: { value: 'http://127.0.0.1:4010' } });
    expect(row('anthropic').getByTestId('provider-problem-upstream').textContent).toMatch(/Allow private addresses/);
    fireEvent.click(row('anthropic').getByTestId('provider-allow-private'));
    expect(row('anthropic').queryByTestId('provider-problem-upstream')).toBeNull();
    fireEvent.change(row('anthropic').getByTestId('provider-credential'), { target: { value: 'work-key' } });
    expect(sets).toEqual([]);

    await act(async () => fireEvent.click(row('anthropic').getByTestId('provider-save')));
    await waitFor(() => expect(row('anthropic').getByTestId('provider-save-status').textContent).toBe('Saved.'));
    expect(sets).toEqual([{ id: 'anthropic', upstream: 'http://127.0.0.1:4010', credential: 'work-key', allowPrivate: true }]);
    // The row starts again from what was saved: the settings' override is in the store.
    expect(store.getState().settings?.proxy.providers).toEqual([{ id: 'anthropic', upstream: 'http://127.0.0.1:4010', credential: 'work-key', allowPrivate: true }]);
    expect((row('anthropic').getByTestId('provider-upstream') as HTMLInputElement).value).toBe('http://127.0.0.1:4010');
    expect(row('anthropic').getByTestId('provider-credential-in-use').textContent).toBe('injects work-key');
    expect((row('anthropic').getByTestId('provider-save') as HTMLButtonElement).disabled).toBe(true);

    // Back to automatic: credential null. The server refuses; its message shows in the row.
    control.fail = 'provider anthropic: upstream must be an http(s) URL';
    fireEvent.change(row('anthropic').getByTestId('provider-credential'), { target: { value: '' } });
    expect(row('anthropic').getByTestId('provider-save-status').textContent).toBe('');
    await act(async () => fireEvent.click(row('anthropic').getByTestId('provider-save')));
    await waitFor(() => expect(row('anthropic').getByTestId('provider-save-status').textContent).toBe(control.fail));
    expect(row('anthropic').getByTestId('provider-save-status').getAttribute('role')).toBe('alert');
    expect(sets.at(-1)).toEqual({ id: 'anthropic', credential: null });
    connection.dispose();
  });
});
