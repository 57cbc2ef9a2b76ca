import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricWindow } from '../../../src-shared/metrics.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { RESOURCES_FIXTURE, SERIES_FIXTURE, SESSIONS_FIXTURE, SNAPSHOT_FIXTURE } from '../../testing/dashboard-fixture.js';
import { DashboardPage } from './DashboardPage.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../src-shared/docker.js';
import type { SettingsDto } from '../../../src-shared/dto.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../src-shared/proxy-settings.js';

/** The orchestrator's settings as the fake keeps them (targets edited on the page are saved there). */
const settings: { current: SettingsDto } = { current: baseSettings() };
function baseSettings(): SettingsDto {
  return { defaultAgent: 'shell', defaultBackend: 'local', onQuit: 'leave-running', docker: DEFAULT_DOCKER_SETTINGS, proxy: DEFAULT_PROXY_SETTINGS, dashboardTargets: {} };
}

/** A fake orchestrator answering the Dashboard's three requests, recording the windows asked for. */
function dashboardServer() {
  const windows: Array<MetricWindow | undefined> = [];
  let resourceCalls = 0;
  const fake = new FakeServer()
    .on('metrics.snapshot', (p) => {
      windows.push(p.window);
      return { ...SNAPSHOT_FIXTURE, window: p.window ?? '1m' };
    })
    .on('metrics.series', () => SERIES_FIXTURE)
    .on('resources.get', () => {
      resourceCalls++;
      return RESOURCES_FIXTURE;
    })
    .on('settings.update', (p) => {
      settings.current = { ...settings.current, dashboardTargets: p.dashboardTargets ?? settings.current.dashboardTargets };
      return settings.current;
    });
  return { fake, windows, resourceCalls: () => resourceCalls };
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

const getContext = HTMLCanvasElement.prototype.getContext;
const { createObjectURL, revokeObjectURL } = URL;

beforeEach(() => {
  // jsdom draws nothing (and says so loudly): no 2D canvas, so no chart and blank sparklines.
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof getContext;
  settings.current = baseSettings();
});

afterEach(() => {
  cleanup();
  HTMLCanvasElement.prototype.getContext = getContext;
  Object.assign(URL, { createObjectURL, revokeObjectURL });
  setVisibility('visible');
  vi.restoreAllMocks();
});

async function renderDashboard() {
  const server = dashboardServer();
  const rendered = await renderWithServer(<DashboardPage />, server.fake, { connectionStatus: 'connected', sessions: SESSIONS_FIXTURE, sessionsLoaded: true, settings: settings.current });
  await waitFor(() => expect(screen.getByTestId('create-table')).toBeTruthy());
  return { ...server, ...rendered };
}

describe('Dashboard page', () => {
  it('shows create latency by backend, cold/warm and phase, targets coloured, latency tables and resources', async () => {
    const { connection } = await renderDashboard();
    expect(screen.getByTestId('dash-poll').textContent).toBe('Live · every second');

    const groups = screen.getAllByTestId('create-group');
    expect(groups.map((g) => [g.dataset.backend, g.dataset.warm])).toEqual([
      ['local', 'false'],
      ['docker', 'false'],
      ['docker', 'true'],
    ]);
    const localRows = within(groups[0]!).getAllByTestId('create-row');
    expect(localRows.map((r) => r.dataset.phase)).toEqual(['worktree', 'start', 'first-output', 'total']);
    const total = localRows[3]!;
    expect(within(total).getByTestId('cell-p50').textContent).toBe('38 ms');
    expect(within(total).getByTestId('cell-p95').textContent).toBe('61 ms');
    expect(within(total).getByTestId('cell-count').textContent).toBe('2');
    expect(screen.getByTestId('create-chart').dataset.series).toBe('2');

    const targets = screen.getAllByTestId('target-row');
    expect(targets.map((t) => [t.dataset.targetId, t.dataset.status])).toEqual([
      ['create.local', 'acceptable'],
      ['create.docker.warm', 'ok'],
      ['create.docker.cold', 'ok'],
      ['api.request', 'ok'],
      ['proxy.added', 'acceptable'],
      ['event-loop', 'acceptable'],
    ]);
    expect(within(targets[0]!).getByTestId('target-live').textContent).toBe('61 ms');
    expect(within(targets[0]!).getByTestId('target-status').textContent).toBe('acceptable');

    expect(screen.getAllByTestId('api-table-row').map((r) => r.dataset.label)).toEqual(['doctor.run', 'sessions.create', 'sessions.list', 'resources.get']);
    expect(screen.getAllByTestId('proxy-row').map((r) => r.dataset.provider)).toEqual(['anthropic', 'openai']);
    expect(screen.getAllByTestId('db-table-row').map((r) => r.dataset.label)).toEqual(['sessions.insert', 'metrics.flush']);
    expect(screen.getByTestId('loop-p99').textContent).toBe('13 ms');
    expect(screen.getByTestId('dash-states').textContent).toBe('1 idle1 working');

    // Resources: sorted by CPU, biggest first; Berth's process in its own group.
    const sessionRows = within(screen.getByTestId('resources-sessions')).getAllByTestId('resource-row');
    expect(sessionRows.map((r) => r.dataset.name)).toEqual(['alpha', 'beta', '99999999']);
    expect(within(sessionRows[0]!).getByTestId('resource-cpu').textContent).toBe('12.5%');
    expect(within(sessionRows[0]!).getByTestId('resource-memory').textContent).toBe('41 MB');
    expect(within(screen.getByTestId('resources-berth')).getAllByTestId('resource-row').map((r) => r.dataset.name)).toEqual(['orchestrator']);
    expect(screen.getByTestId('meter-cpu').textContent).toContain('8 cores');
    expect(screen.getByTestId('resources-total').textContent).toContain('16.0%');

    fireEvent.click(screen.getByTestId('sort-name'));
    expect(within(screen.getByTestId('resources-sessions')).getAllByTestId('resource-row').map((r) => r.dataset.name)).toEqual(['99999999', 'alpha', 'beta']);
    fireEvent.click(screen.getByTestId('sort-name'));
    expect(within(screen.getByTestId('resources-sessions')).getAllByTestId('resource-row').map((r) => r.dataset.name)).toEqual(['beta', 'alpha', '99999999']);
    expect(screen.getByTestId('sort-name').closest('th')?.getAttribute('aria-sort')).toBe('descending');
    connection.dispose();
  });

  it('asks for the chosen window, keeps polling about once a second, and stops while hidden', async () => {
    const { connection, windows, resourceCalls } = await renderDashboard();
    expect(windows[0]).toBe('5m');
    await act(async () => fireEvent.click(screen.getByTestId('window-1m')));
    await waitFor(() => expect(windows.at(-1)).toBe('1m'));
    expect(screen.getByTestId('window-1m').getAttribute('aria-pressed')).toBe('true');
    const before = resourceCalls();
    await waitFor(() => expect(resourceCalls()).toBeGreaterThan(before), { timeout: 3_000 });

    act(() => setVisibility('hidden'));
    expect(screen.getByTestId('dash-poll').textContent).toBe('Paused while hidden');
    const hiddenAt = resourceCalls();
    await act(async () => new Promise((r) => setTimeout(r, 1_500)));
    expect(resourceCalls()).toBe(hiddenAt);

    act(() => setVisibility('visible'));
    await waitFor(() => expect(resourceCalls()).toBe(hiddenAt + 1));
    expect(screen.getByTestId('dash-poll').textContent).toBe('Live · every second');
    connection.dispose();
  });

  it('edits targets, refuses an acceptable below the target, and keeps edits in Settings', async () => {
    const first = await renderDashboard();
    fireEvent.click(screen.getByTestId('targets-edit'));
    const row = () => screen.getAllByTestId('target-row')[0]!;
    fireEvent.change(within(row()).getByTestId('target-input'), { target: { value: '70' } });
    fireEvent.change(within(row()).getByTestId('acceptable-input'), { target: { value: '60' } });
    expect(within(row()).getByTestId('target-problem').textContent).toBe('acceptable must be at least the target');
    expect((screen.getByTestId('targets-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(row()).getByTestId('acceptable-input'), { target: { value: '140' } });
    fireEvent.click(screen.getByTestId('targets-save'));
    // 61 ms is within a 70 ms target.
    await waitFor(() => expect(row().dataset.status).toBe('ok'));
    expect(settings.current.dashboardTargets).toEqual({ 'create.local': { targetMs: 70, acceptableMs: 140 } });
    first.connection.dispose();
    cleanup();

    // A fresh page reads the edits back; Reset brings back the defaults.
    const { connection } = await renderDashboard();
    expect(row().dataset.status).toBe('ok');
    fireEvent.click(screen.getByTestId('targets-edit'));
    fireEvent.click(screen.getByTestId('targets-reset'));
    await waitFor(() => expect(row().dataset.status).toBe('acceptable'));
    expect(settings.current.dashboardTargets).toEqual({});
    connection.dispose();
  });

  it('exports the window as CSV and JSON through a Blob download', async () => {
    const { connection } = await renderDashboard();
    const blobs: Blob[] = [];
    Object.assign(URL, { createObjectURL: (b: Blob) => (blobs.push(b), `blob:x/${blobs.length}`), revokeObjectURL: () => undefined });
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    fireEvent.click(screen.getByTestId('export-csv'));
    fireEvent.click(screen.getByTestId('export-json'));
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^berth-metrics-5m-\d{8}-\d{6}\.csv$/);
    expect(names[1]).toMatch(/\.json$/);
    const csv = await blobs[0]!.text();
    expect(csv.split('\r\n')[0]).toBe('type,name,labels,count,sum,min,max,p50,p95,p99,value');
    expect(csv).toContain('histogram,session_create_ms,backend=local;phase=total;warm=false,2,');
    expect(csv).toContain('session=alpha');
    const json = JSON.parse(await blobs[1]!.text()) as { window: string; snapshot: unknown; resources: unknown };
    expect(json.window).toBe('5m');
    expect(json.resources).toEqual(RESOURCES_FIXTURE);
    connection.dispose();
  });

  it('waits for the connection and shows an error as a value', async () => {
    const fake = new FakeServer()
      .on('metrics.snapshot', () => SNAPSHOT_FIXTURE)
      .on('metrics.series', () => SERIES_FIXTURE);
    const { connection, store } = await renderWithServer(<DashboardPage />, fake, { connectionStatus: 'connecting' });
    expect(screen.getByTestId('dash-poll').textContent).toBe('Waiting for the orchestrator');
    expect((screen.getByTestId('export-csv') as HTMLButtonElement).disabled).toBe(true);
    act(() => store.getState().setConnectionStatus('connected'));
    await waitFor(() => expect(screen.getByTestId('dash-error').textContent).toBe('no handler for resources.get'));
    // The rest still shows.
    expect(screen.getAllByTestId('create-group')).toHaveLength(3);
    expect(within(screen.getByTestId('resources-sessions')).getByText('No live sessions.')).toBeTruthy();
    connection.dispose();
  });
});
