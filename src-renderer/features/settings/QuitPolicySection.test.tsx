import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../src-shared/docker.js';
import type { SettingsDto } from '../../../src-shared/dto.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { QuitPolicySection } from './QuitPolicySection.js';

const SETTINGS: SettingsDto = { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} };

describe('Settings → On quit', () => {
  afterEach(cleanup);

  it('shows the saved policy, saves "stop every session", and shows the saved answer', async () => {
    const updates: MethodParams<'settings.update'>[] = [];
    const fake = new FakeServer().on('settings.update', (patch) => {
      updates.push(patch);
      return { ...SETTINGS, ...patch } as SettingsDto;
    });
    const { store, connection } = await renderWithServer(<QuitPolicySection />, fake, { settings: SETTINGS, connectionStatus: 'connected' });
    const select = screen.getByTestId('settings-on-quit') as HTMLSelectElement;
    expect(select.value).toBe('leave-running');
    fireEvent.change(select, { target: { value: 'stop-all' } });
    await waitFor(() => expect(screen.getByTestId('settings-on-quit-status').textContent).toBe('Saved.'));
    expect(updates).toEqual([{ onQuit: 'stop-all' }]);
    expect(store.getState().settings?.onQuit).toBe('stop-all');
    expect(select.value).toBe('stop-all');
    connection.dispose();
  });
});
