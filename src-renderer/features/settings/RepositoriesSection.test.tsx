import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RepoSettingsDto } from '../../../src-shared/repo-settings.js';
import { err } from '../../../src-shared/result.js';
import { FakeServer } from '../../testing/fake-server.js';
import { renderWithServer } from '../../testing/test-render.js';
import { RepositoriesSection } from './RepositoriesSection.js';

const repo: RepoSettingsDto = { repoPath: '/src/app', name: 'app', file: null, stored: null, defaults: {}, error: null };

describe('Settings → Repositories', () => {
  afterEach(cleanup);

  it('saves the fields as a config and shows the stored result; a server refusal is shown', async () => {
    const sets: unknown[] = [];
    const server = new FakeServer()
      .on('repos.settings.list', () => [repo])
      .on('repos.settings.set', (p) => {
        sets.push(p.config);
        if (p.config?.setup === 'fail') return err('bad_request', '"setup": no');
        return { ...repo, stored: p.config ? { ...p.config, waitForSetup: p.config.waitForSetup ?? true } : null };
      });
    const { connection } = await renderWithServer(<RepositoriesSection agents={[]} backends={[]} />, server, { connectionStatus: 'connected' });
    await waitFor(() => expect((screen.getByTestId('repo-settings-repo') as HTMLSelectElement).value).toBe('/src/app'));
    fireEvent.change(screen.getByTestId('repo-settings-setup'), { target: { value: 'npm ci' } });
    fireEvent.change(screen.getByTestId('repo-settings-ports'), { target: { value: 'web, api' } });
    fireEvent.change(screen.getByTestId('repo-settings-env'), { target: { value: 'A=1' } });
    await act(async () => fireEvent.click(screen.getByTestId('repo-settings-save')));
    await waitFor(() => expect(screen.getByTestId('repo-settings-status').textContent).toBe('Saved.'));
    expect(sets).toEqual([{ setup: 'npm ci', waitForSetup: true, env: { A: '1' }, ports: ['web', 'api'] }]);

    fireEvent.change(screen.getByTestId('repo-settings-ports'), { target: { value: '9lives' } });
    await act(async () => fireEvent.click(screen.getByTestId('repo-settings-save')));
    expect(screen.getByTestId('repo-settings-status').textContent).toMatch(/"ports\.0"/);
    expect(sets).toHaveLength(1);

    fireEvent.change(screen.getByTestId('repo-settings-ports'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('repo-settings-setup'), { target: { value: 'fail' } });
    await act(async () => fireEvent.click(screen.getByTestId('repo-settings-save')));
    await waitFor(() => expect(screen.getByTestId('repo-settings-status').textContent).toBe('"setup": no'));
    connection.dispose();
  });
});
