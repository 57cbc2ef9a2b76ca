import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS, type DockerInfoDto } from '../../../src-shared/docker.js';
import type { SettingsDto } from '../../../src-shared/dto.js';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { SettingsPage } from './SettingsPage.js';

const SETTINGS: SettingsDto = { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} };

const UP: DockerInfoDto = {
  available: true,
  reason: null,
  endpoint: 'unix:///run/docker.sock',
  version: '27.1.0',
  runtimes: ['runc', 'runsc'],
  defaultRuntime: 'runc',
  images: [{ ref: 'node:22', id: 'sha256:1', sizeBytes: 1_100_000_000, createdAt: Date.UTC(2024, 4, 1), lastUsedAt: null }],
  pool: [],
};

const DOWN: DockerInfoDto = {
  ...UP,
  available: false,
  reason: 'Docker is not reachable at unix:///nonexistent.sock (no socket there); start Docker',
  endpoint: 'unix:///nonexistent.sock',
  version: null,
  runtimes: [],
  defaultRuntime: null,
  images: [],
};

function server(info: DockerInfoDto) {
  const updates: Array<MethodParams<'settings.update'>> = [];
  let settings = SETTINGS;
  const fake = new FakeServer()
    .on('docker.info', () => info)
    .on('caches.list', () => err('backend_unavailable', info.reason ?? 'down'))
    .on('settings.update', (patch) => {
      updates.push(patch);
      settings = { ...settings, docker: { ...settings.docker, ...patch.docker } };
      return settings;
    });
  return { fake, updates };
}

describe('Settings → Docker', () => {
  afterEach(cleanup);

  it('shows the engine, its images and runtimes, and saves only the changed fields', async () => {
    const { fake, updates } = server(UP);
    const { store, connection } = await renderWithServer(<SettingsPage />, fake, { settings: SETTINGS, connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('docker-engine-status').dataset.state).toBe('available'));
    expect(screen.getByTestId('docker-engine-text').textContent).toContain('Docker 27.1.0 at unix:///run/docker.sock');
    const row = screen.getByTestId('docker-image-row');
    expect(within(row).getByText('node:22')).toBeTruthy();
    expect(within(row).getByText('1.1 GB')).toBeTruthy();
    expect(within(row).getByText('never')).toBeTruthy();
    expect(screen.getByTestId('settings-docker-runtime').dataset.kind).toBe('select');

    const save = screen.getByTestId('settings-docker-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    fireEvent.change(screen.getByTestId('settings-docker-defaultImage'), { target: { value: 'node:22' } });
    fireEvent.change(screen.getByTestId('settings-docker-pullPolicy'), { target: { value: 'Always' } });
    fireEvent.change(screen.getByTestId('settings-docker-memoryMb'), { target: { value: '4096' } });
    fireEvent.change(screen.getByTestId('settings-docker-runtime'), { target: { value: 'runsc' } });
    fireEvent.change(screen.getByTestId('settings-docker-networkMode'), { target: { value: 'none' } });
    fireEvent.click(screen.getByTestId('settings-docker-caches-pip')); // off
    fireEvent.change(screen.getByTestId('warm-image-input'), { target: { value: 'python:3.12' } });
    fireEvent.click(screen.getByTestId('warm-image-add'));
    expect(screen.getAllByTestId('warm-image').map((e) => e.textContent)).toEqual(['python:3.12✕']);
    expect(save.disabled).toBe(false);

    await act(async () => fireEvent.click(save));
    await waitFor(() => expect(screen.getByTestId('settings-docker-save-status').textContent).toBe('Saved.'));
    expect(updates).toEqual([
      {
        docker: {
          defaultImage: 'node:22',
          pullPolicy: 'Always',
          warmImages: ['python:3.12'],
          limits: { cpus: null, memoryMb: 4096, pids: 4096 },
          runtime: 'runsc',
          networkMode: 'none',
          caches: ['npm'],
        },
      },
    ]);
    expect(store.getState().settings?.docker.defaultImage).toBe('node:22');
    // The form now shows the saved settings: nothing left to save.
    expect((screen.getByTestId('settings-docker-save') as HTMLButtonElement).disabled).toBe(true);
    connection.dispose();
  });

  it('explains an unreachable engine, takes the runtime as free text and blocks invalid input', async () => {
    const { fake, updates } = server(DOWN);
    const { connection } = await renderWithServer(<SettingsPage />, fake, { settings: SETTINGS, connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('docker-engine-status').dataset.state).toBe('unavailable'));
    expect(screen.getByTestId('docker-engine-text').textContent).toBe(`Unavailable: ${DOWN.reason}`);
    expect(screen.queryByTestId('docker-images')).toBeNull();
    expect(screen.getByTestId('settings-docker-runtime').dataset.kind).toBe('text');
    await waitFor(() => expect(screen.getByTestId('caches-error').textContent).toContain('not reachable'));

    fireEvent.change(screen.getByTestId('settings-docker-endpoint'), { target: { value: 'localhost:2375' } });
    expect(screen.getByText('use unix:///path/to/docker.sock or tcp://host:port')).toBeTruthy();
    expect((screen.getByTestId('settings-docker-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('settings-docker-endpoint'), { target: { value: 'tcp://localhost:2375' } });
    fireEvent.change(screen.getByTestId('settings-docker-runtime'), { target: { value: 'kata' } });
    await act(async () => fireEvent.click(screen.getByTestId('settings-docker-save')));
    await waitFor(() => expect(updates).toEqual([{ docker: { endpoint: 'tcp://localhost:2375', runtime: 'kata' } }]));
    connection.dispose();
  });
});
