import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../src-shared/docker.js';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateSessionParams } from '../../../src-shared/contract.js';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { CreateDialog } from './CreateDialog.js';

const capabilities = { isolation: 'none', persistsAcrossRestart: false, resourceLimits: false, egressContainment: false } as const;

function fakeServer(createResults: Array<'fail' | 'ok'>) {
  const created: CreateSessionParams[] = [];
  const server = new FakeServer()
    .on('agents.list', () => [
      { id: 'shell', name: 'Shell', description: 'a shell', executable: 'bash', available: true, reason: null, supportsModel: false },
      {
        id: 'claude-code',
        name: 'Claude Code',
        description: 'agent',
        executable: 'claude',
        available: false,
        reason: 'claude is not on PATH',
        supportsModel: true,
      },
    ])
    .on('backends.list', () => [
      { id: 'local', name: 'Local', description: 'pty', available: true, reason: null, capabilities },
      { id: 'docker', name: 'Docker', description: 'containers', available: false, reason: 'engine down', capabilities },
    ])
    .on('repos.recent', () => [{ path: '/repo', name: 'repo', lastUsedAt: 1 }])
    .on('settings.get', () => ({ defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} }))
    .on('repos.inspect', ({ path }) =>
      path === '/repo'
        ? { path, name: 'repo', currentBranch: 'main', branches: ['main', 'dev'] }
        : err('not_a_repo', `${path} is not a git repository`),
    )
    .on('sessions.create', (params) => {
      created.push(params);
      return createResults.shift() === 'fail' ? err('spawn_failed', 'could not start bash') : makeSession({ id: 'new1', name: 'new1' });
    });
  return { server, created };
}

describe('CreateDialog', () => {
  afterEach(cleanup);

  it('validates the repository live and keeps input after a failed create', async () => {
    const { server, created } = fakeServer(['fail', 'ok']);
    const { store, connection } = await renderWithServer(<CreateDialog />, server, { createDialogOpen: true });

    await waitFor(() => expect(screen.getByLabelText('Command to run')).toBeTruthy());
    const docker = screen.getByRole('option', { name: /Docker — engine down/ }) as HTMLOptionElement;
    expect(docker.disabled).toBe(true);

    fireEvent.change(screen.getByTestId('create-repo'), { target: { value: '/tmp/nope' } });
    await waitFor(() => expect(screen.getByTestId('repo-status').textContent).toContain('is not a git repository'));
    expect((screen.getByTestId('create-submit') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'repo' })); // a recent repository
    await waitFor(() => expect(screen.getByTestId('repo-status').textContent).toContain('repo on main'));
    fireEvent.change(screen.getByTestId('create-prompt'), { target: { value: 'echo berth-ready' } });
    expect((screen.getByTestId('create-name') as HTMLInputElement).placeholder).toBe('echo-berth-ready');
    fireEvent.change(screen.getByTestId('create-base-branch'), { target: { value: 'dev' } });

    await act(async () => fireEvent.click(screen.getByTestId('create-submit')));
    await waitFor(() => expect(screen.getByTestId('create-error').textContent).toBe('could not start bash'));
    expect((screen.getByTestId('create-repo') as HTMLInputElement).value).toBe('/repo');
    expect((screen.getByTestId('create-prompt') as HTMLTextAreaElement).value).toBe('echo berth-ready');
    expect(created[0]).toEqual({ repoPath: '/repo', agent: 'shell', backend: 'local', prompt: 'echo berth-ready', baseBranch: 'dev' });

    await act(async () => fireEvent.click(screen.getByTestId('create-submit')));
    await waitFor(() => expect(store.getState().createDialogOpen).toBe(false));
    expect(store.getState().panes).toEqual(['new1']);
    expect(store.getState().sessions.new1?.name).toBe('new1');
    connection.dispose();
  });
});

describe('CreateDialog repository defaults', () => {
  afterEach(cleanup);

  it("takes the picked repository's defaults: base branch and agent; an unavailable backend is left alone", async () => {
    const { server, created } = fakeServer(['ok']);
    server.on('repos.settings.get', ({ repoPath }) => ({
      repoPath,
      name: 'repo',
      file: '.berth.json' as const,
      stored: null,
      defaults: { agent: 'shell' as const, backend: 'docker' as const, baseBranch: 'dev' },
      error: null,
    }));
    const { connection } = await renderWithServer(<CreateDialog />, server, { createDialogOpen: true });
    await waitFor(() => expect(screen.getByLabelText('Command to run')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'repo' }));
    await waitFor(() => expect((screen.getByTestId('create-base-branch') as HTMLSelectElement).value).toBe('dev'));
    expect((screen.getByTestId('create-backend') as HTMLSelectElement).value).toBe('local');
    await act(async () => fireEvent.click(screen.getByTestId('create-submit')));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ repoPath: '/repo', agent: 'shell', backend: 'local', baseBranch: 'dev' });
    connection.dispose();
  });
});

describe('CreateDialog quick session', () => {
  afterEach(cleanup);

  it("opens prefilled with a quick session's repository, agent and backend, which win over the repository's defaults", async () => {
    const { server, created } = fakeServer(['ok']);
    server.on('repos.settings.get', ({ repoPath }) => ({
      repoPath,
      name: 'repo',
      file: '.berth.json' as const,
      stored: null,
      defaults: { agent: 'claude-code' as const, baseBranch: 'dev' },
      error: null,
    }));
    server.on('agents.list', () => [
      { id: 'shell', name: 'Shell', description: 'a shell', executable: 'bash', available: true, reason: null, supportsModel: false },
      { id: 'claude-code', name: 'Claude Code', description: 'agent', executable: 'claude', available: true, reason: null, supportsModel: true },
    ]);
    const { connection } = await renderWithServer(<CreateDialog />, server, {
      createDialogOpen: true,
      createPreset: { repoPath: '/repo', agent: 'shell', backend: 'local', model: null },
    });
    await waitFor(() => expect((screen.getByTestId('create-base-branch') as HTMLSelectElement).value).toBe('dev'));
    expect((screen.getByTestId('create-repo') as HTMLInputElement).value).toBe('/repo');
    expect((screen.getByTestId('create-backend') as HTMLSelectElement).value).toBe('local');
    await waitFor(() => expect((screen.getByTestId('create-submit') as HTMLButtonElement).disabled).toBe(false));
    await act(async () => fireEvent.click(screen.getByTestId('create-submit')));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({ repoPath: '/repo', agent: 'shell', backend: 'local', baseBranch: 'dev' });
    connection.dispose();
  });
});
