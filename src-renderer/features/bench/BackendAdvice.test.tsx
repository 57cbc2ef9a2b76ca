import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchAdviceDto } from '../../../src-shared/bench.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../src-shared/docker.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { CreateDialog } from '../sessions/CreateDialog.js';
import { BACKENDS_FIXTURE, DOCKER_ADVICE, LOCAL_ADVICE } from '../../testing/bench-fixture.js';

/** A fake orchestrator for the New session dialog whose latest benchmark gave `advice`. */
function dialogServer(advice: BenchAdviceDto[]) {
  let adviceCalls = 0;
  const fake = new FakeServer()
    .on('agents.list', () => [{ id: 'shell', name: 'Shell', description: 'a shell', executable: 'bash', available: true, reason: null, supportsModel: false }])
    // Docker available here, so it can be picked.
    .on('backends.list', () => BACKENDS_FIXTURE.map((b) => ({ ...b, available: true, reason: null })))
    .on('repos.recent', () => [])
    .on('settings.get', () => ({ defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} }))
    .on('bench.advice', () => {
      adviceCalls++;
      return advice;
    });
  return { fake, adviceCalls: () => adviceCalls };
}

describe('benchmark advice in the New session dialog', () => {
  afterEach(cleanup);

  it('shows the latest run’s advice for the backend picked, read once when the dialog opens', async () => {
    const { fake, adviceCalls } = dialogServer([LOCAL_ADVICE, DOCKER_ADVICE]);
    const { connection } = await renderWithServer(<CreateDialog />, fake, { createDialogOpen: true, connectionStatus: 'connected' });

    const advice = await screen.findByTestId('backend-advice');
    expect(advice.dataset.backend).toBe('local');
    expect(advice.textContent).toContain('On this machine local start is 40 ms (a bare worktree + pty 30 ms)');

    fireEvent.change(screen.getByTestId('create-backend'), { target: { value: 'docker' } });
    await waitFor(() => expect(screen.getByTestId('backend-advice').dataset.backend).toBe('docker'));
    expect(screen.getByTestId('backend-advice').textContent).toContain('On this machine Docker warm start is 84 ms with a pool of 2; cold 410 ms');

    // A backend the run did not measure: nothing (there is advice, just not for it).
    fireEvent.change(screen.getByTestId('create-backend'), { target: { value: 'tmux' } });
    await waitFor(() => expect(screen.queryByTestId('backend-advice')).toBeNull());
    expect(screen.queryByTestId('bench-advice-link')).toBeNull();
    expect(adviceCalls()).toBe(1);
    connection.dispose();
  });

  it('before any run offers a quiet link that opens the benchmark on the Dashboard', async () => {
    const { fake } = dialogServer([]);
    const { connection, store } = await renderWithServer(<CreateDialog />, fake, { createDialogOpen: true, connectionStatus: 'connected' });

    const link = await screen.findByTestId('bench-advice-link');
    expect(screen.queryByTestId('backend-advice')).toBeNull();
    expect(link.textContent).toBe('Benchmark this machine');
    fireEvent.click(link);
    const state = store.getState();
    expect([state.view, state.createDialogOpen, state.benchRevealRequested]).toEqual(['dashboard', false, true]);
    connection.dispose();
  });
});
