import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateSessionParams } from '../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS, type DockerInfoDto } from '../../../src-shared/docker.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { CreateDialog } from './CreateDialog.js';

const capabilities = { isolation: 'container', persistsAcrossRestart: true, resourceLimits: true, egressContainment: false } as const;

const engine: DockerInfoDto = {
  available: true,
  reason: null,
  endpoint: 'unix:///run/docker.sock',
  version: '27.1',
  runtimes: ['runc', 'runsc'],
  defaultRuntime: 'runc',
  images: [],
  pool: [],
};

function dockerServer(info: DockerInfoDto = engine) {
  const created: CreateSessionParams[] = [];
  const server = new FakeServer()
    .on('agents.list', () => [
      { id: 'shell', name: 'Shell', description: 'a shell', executable: 'bash', available: true, reason: null, supportsModel: false },
    ])
    .on('backends.list', () => [
      { id: 'local', name: 'Local', description: 'pty', available: true, reason: null, capabilities },
      { id: 'docker', name: 'Docker', description: 'containers', available: true, reason: null, capabilities },
    ])
    .on('repos.recent', () => [])
    .on('settings.get', () => ({
      defaultAgent: 'shell',
      defaultBackend: 'docker',
      onQuit: 'leave-running',
      docker: { ...DEFAULT_DOCKER_SETTINGS, defaultImage: 'berth-agent:latest', limits: { cpus: 2, memoryMb: null, pids: 4096 } },
      proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {},
    }))
    .on('docker.info', () => info)
    .on('repos.inspect', ({ path }) => ({ path, name: 'repo', currentBranch: 'main', branches: ['main'] }))
    .on('sessions.create', (params) => {
      created.push(params);
      return makeSession({ id: 'd1', name: 'd1', backend: 'docker' });
    });
  return { server, created };
}

describe('New session: Advanced (Docker)', () => {
  afterEach(cleanup);

  it('shows defaults as placeholders and sends only the fields that were set', async () => {
    const { server, created } = dockerServer();
    const { store, connection } = await renderWithServer(<CreateDialog />, server, { createDialogOpen: true, connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('docker-advanced')).toBeTruthy());

    expect((screen.getByTestId('docker-image') as HTMLInputElement).placeholder).toBe('berth-agent:latest');
    expect((screen.getByTestId('docker-cpus') as HTMLInputElement).placeholder).toBe('2');
    expect((screen.getByTestId('docker-memoryMb') as HTMLInputElement).placeholder).toBe('unlimited');
    expect(screen.getByTestId('docker-volume-hint').textContent).toContain('bind: live edits');
    await waitFor(() => expect(screen.getByTestId('docker-runtime').dataset.kind).toBe('select'));
    const runtimes = [...(screen.getByTestId('docker-runtime') as HTMLSelectElement).options].map((o) => o.value);
    expect(runtimes).toEqual(['', 'runc', 'runsc']);
    // The default caches are shown checked.
    expect((screen.getByTestId('docker-caches-npm') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('docker-caches-cargo') as HTMLInputElement).checked).toBe(false);

    fireEvent.change(screen.getByTestId('create-repo'), { target: { value: '/repo' } });
    await waitFor(() => expect(screen.getByTestId('repo-status').dataset.status).toBe('ok'));
    fireEvent.change(screen.getByTestId('docker-memoryMb'), { target: { value: '3' } });
    // The problem is the field's accessible description, not just text near it.
    const memory = screen.getByTestId('docker-memoryMb');
    expect(memory.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (memory.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toEqual(['must be at least 6']);
    expect((screen.getByTestId('create-submit') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByTestId('docker-memoryMb'), { target: { value: '1024' } });
    fireEvent.change(screen.getByTestId('docker-image'), { target: { value: 'node:22' } });
    fireEvent.change(screen.getByTestId('docker-volume-mode'), { target: { value: 'volume' } });
    fireEvent.change(screen.getByTestId('docker-runtime'), { target: { value: 'runsc' } });
    fireEvent.click(screen.getByTestId('docker-caches-cargo'));
    await act(async () => fireEvent.click(screen.getByTestId('create-submit')));
    await waitFor(() => expect(store.getState().createDialogOpen).toBe(false));

    expect(created[0]).toEqual({
      repoPath: '/repo',
      agent: 'shell',
      backend: 'docker',
      prompt: '',
      docker: { image: 'node:22', volumeMode: 'volume', memoryMb: 1024, runtime: 'runsc', caches: ['npm', 'cargo', 'pip'] },
    });
    connection.dispose();
  });

  it('says an open network leaves egress uncontained, as the network select\'s description', async () => {
    const { server } = dockerServer();
    const { connection } = await renderWithServer(<CreateDialog />, server, { createDialogOpen: true, connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('docker-advanced')).toBeTruthy());
    const network = screen.getByTestId('docker-network');
    const description = () => (network.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(screen.queryByTestId('docker-network-open')).toBeNull();

    fireEvent.change(network, { target: { value: 'bridge' } });
    expect(screen.getByTestId('docker-network-open').textContent).toMatch(/^Egress not contained: this session can connect anywhere bridge reaches/);
    expect(description()).toEqual([screen.getByTestId('docker-network-open').textContent]);
    // A caution, not a problem: the session can still be created.
    expect(network.getAttribute('aria-invalid')).toBe('false');
    connection.dispose();
  });

  it('falls back to a free-text runtime when the engine cannot list runtimes, and hides the section for other backends', async () => {
    const { server } = dockerServer({ ...engine, available: false, reason: 'down', runtimes: [] });
    const { connection } = await renderWithServer(<CreateDialog />, server, { createDialogOpen: true, connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('docker-advanced')).toBeTruthy());
    expect(screen.getByTestId('docker-runtime').dataset.kind).toBe('text');
    expect((screen.getByTestId('docker-runtime') as HTMLInputElement).placeholder).toBe('default (runc)');

    fireEvent.change(screen.getByTestId('create-backend'), { target: { value: 'local' } });
    expect(screen.queryByTestId('docker-advanced')).toBeNull();
    connection.dispose();
  });
});
