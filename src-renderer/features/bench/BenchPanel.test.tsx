import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BenchProgressDto, BenchRunDto } from '../../../src-shared/bench.js';
import type { MethodParams } from '../../../src-shared/contract.js';
import { err, ok } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { bindStoreToConnection } from '../../store/sync.js';
import { BACKENDS_FIXTURE, holdRequests, RUN_1, RUN_2, RUN_3 } from '../../testing/bench-fixture.js';
import { BenchPanel } from './BenchPanel.js';
import { FOREIGN_FINISH_RELOAD_MS } from './use-bench-data.js';

/** The fixed "now" of the clock tests: the Run click. */
const NOW = Date.UTC(2025, 0, 10, 12);

/** A fake orchestrator with stored `runs` (newest first, mutable) whose `bench.run` is held until released. */
function benchServer(runs: BenchRunDto[]) {
  let lists = 0;
  const fake = new FakeServer()
    .on('backends.list', () => BACKENDS_FIXTURE)
    .on('bench.list', () => {
      lists++;
      return [...runs];
    });
  const hold = holdRequests(fake, 'bench.run');
  const runRequests = () => fake.sentOfType('req').filter((f) => f.method === 'bench.run').map((f) => f.params as MethodParams<'bench.run'>);
  return { fake, hold, runRequests, lists: () => lists };
}

/** Renders the panel with the store fed by the connection's events, as the app does. */
async function renderPanel(fake: FakeServer) {
  const view = await renderWithServer(<BenchPanel />, fake, { connectionStatus: 'connected' });
  const binding = bindStoreToConnection(view.store, view.connection);
  const dispose = () => {
    binding.dispose();
    view.connection.dispose();
  };
  return { ...view, dispose };
}

const progress = (done: number, total: number, label: string): BenchProgressDto => ({ runId: 3, done, total, label });
const rows = () => screen.getAllByTestId('bench-figure');
const row = (id: string) => within(screen.getByTestId('bench-table').querySelector(`[data-figure-id="${id}"]`) as HTMLElement);

describe('Benchmark this machine', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('runs the checked backends with the runs asked for, shows progress and elapsed time, then the results compared with the previous run', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    const runs = [RUN_2, RUN_1];
    const { fake, hold, runRequests } = benchServer(runs);
    const { store, dispose } = await renderPanel(fake);

    // Before the run: the newest stored run is shown, compared with the one before it.
    await waitFor(() => expect(screen.getByTestId('bench-results').dataset.runId).toBe('2'));
    expect(row('create.local').getByTestId('figure-change').textContent).toBe('−4.0%');
    // Available backends checked, Docker (unavailable) off with its reason.
    const local = screen.getByTestId('bench-backend-local') as HTMLInputElement;
    const tmux = screen.getByTestId('bench-backend-tmux') as HTMLInputElement;
    const docker = screen.getByTestId('bench-backend-docker') as HTMLInputElement;
    expect([local.checked, tmux.checked, docker.checked, docker.disabled]).toEqual([true, true, false, true]);
    expect(screen.getByTestId('bench-backends').textContent).toContain('Docker — engine down');
    expect((screen.getByTestId('bench-runs') as HTMLInputElement).value).toBe('5');

    fireEvent.click(tmux);
    fireEvent.change(screen.getByTestId('bench-runs'), { target: { value: '2' } });
    await act(async () => fireEvent.click(screen.getByTestId('bench-run')));
    await waitFor(() => expect(hold.held()).toBe(1));
    expect(runRequests()).toEqual([{ backends: ['local'], runs: 2 }]);
    expect(screen.getByTestId('bench-run').textContent).toBe('Running…');
    expect((screen.getByTestId('bench-run') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('bench-runs') as HTMLInputElement).disabled).toBe(true);

    // Before the first event: no total yet.
    const bar = () => screen.getByRole('progressbar');
    expect(screen.getByTestId('bench-progress-count').textContent).toBe('…');
    expect(screen.getByTestId('bench-elapsed').textContent).toBe('0:00');

    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: progress(1, 4, 'prepared a scratch repository') }));
    expect(screen.getByTestId('bench-progress-count').textContent).toBe('1/4');
    expect(screen.getByTestId('bench-progress-label').textContent).toBe('prepared a scratch repository');
    expect(bar().getAttribute('aria-valuenow')).toBe('1');
    expect(bar().getAttribute('aria-valuemax')).toBe('4');
    expect((bar().firstElementChild as HTMLElement).style.width).toBe('25%');

    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: progress(2, 4, 'local: Berth create → first output') }));
    // Too early to tell the pace: no estimate yet.
    expect(screen.getByTestId('bench-progress').textContent).not.toContain('left');
    act(() => vi.advanceTimersByTime(7_000));
    expect(screen.getByTestId('bench-elapsed').textContent).toBe('0:07');
    // 7 s for 2 of 4 steps: about 7 s left.
    expect(screen.getByTestId('bench-progress').textContent).toContain('about 0:07 left');
    expect((bar().firstElementChild as HTMLElement).style.width).toBe('50%');
    expect(store.getState().benchProgress?.done).toBe(2);

    // Done: the run is stored, the answer arrives; progress goes, results of run 3 come, vs run 2.
    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: progress(4, 4, 'cleaned up') }));
    runs.unshift(RUN_3);
    await act(async () => hold.release(ok(RUN_3)));
    await waitFor(() => expect(screen.getByTestId('bench-results').dataset.runId).toBe('3'));
    expect(screen.queryByTestId('bench-progress')).toBeNull();
    expect(screen.getByTestId('bench-run').textContent).toBe('Run benchmark');

    expect(rows().map((r) => r.dataset.figureId)).toEqual(['create.local', 'create.local.overhead', 'proxy.added', 'api.rps']);
    expect(screen.getByTestId('bench-table').querySelector('thead')?.textContent).toContain('vs run 2');
    const localRow = row('create.local');
    expect(localRow.getByTestId('figure-p50').textContent).toBe('60.0 ms');
    expect(localRow.getByTestId('figure-p95').textContent).toBe('90.0 ms');
    expect(localRow.getByTestId('figure-baseline').textContent).toBe('30.0 ms');
    expect(localRow.getByTestId('figure-ratio').textContent).toBe('2.00×');
    const changes = rows().map((r) => [r.dataset.figureId, within(r).getByTestId('figure-change').textContent, within(r).getByTestId('figure-change').dataset.kind]);
    expect(changes).toEqual([
      ['create.local', '+25%', 'worse'],
      ['create.local.overhead', 'new', 'new'],
      ['proxy.added', 'same', 'same'],
      ['api.rps', '+25%', 'better'],
    ]);
    expect(row('api.rps').getByTestId('figure-p50').textContent).toBe('1,500 req/s');
    expect(screen.getAllByTestId('bench-advice-line').map((l) => l.textContent)).toEqual(['local On this machine local start is 40 ms (a bare worktree + pty 30 ms); prefer it when the agent needs no isolation']);
    expect(screen.getAllByTestId('bench-skipped-line').map((l) => l.textContent)).toEqual(['tmux skipped: the benchmark does not measure the tmux backend yet']);

    // Past runs: newest first; picking run 1 shows it, compared with nothing older.
    const history = screen.getAllByTestId('bench-history-row');
    expect(history.map((r) => r.dataset.runId)).toEqual(['3', '2', '1']);
    expect(history[0]!.dataset.selected).toBe('true');
    expect(history[0]!.textContent).toContain('local 60.0 ms');
    expect(history[0]!.textContent).toContain('proxy adds 2.00 ms');
    expect(history[0]!.textContent).toContain('1 skipped');
    fireEvent.click(within(history[2]!).getByTestId('bench-history-select'));
    expect(screen.getByTestId('bench-results').dataset.runId).toBe('1');
    expect(row('create.local').getByTestId('figure-change').textContent).toBe('—');
    expect(screen.getByTestId('bench-results').textContent).toContain('an earlier run');
    dispose();
  });

  it('shows a run refused by the orchestrator inline and lets the user try again', async () => {
    const { fake, hold } = benchServer([]);
    const { dispose } = await renderPanel(fake);
    await waitFor(() => expect(screen.getByTestId('bench-empty')).toBeTruthy());

    // Runs out of range: said inline, Run off.
    fireEvent.change(screen.getByTestId('bench-runs'), { target: { value: '51' } });
    expect(screen.getByText('Runs: a whole number from 1 to 50.')).toBeTruthy();
    expect((screen.getByTestId('bench-run') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('bench-runs'), { target: { value: '3' } });

    await act(async () => fireEvent.click(screen.getByTestId('bench-run')));
    await waitFor(() => expect(hold.held()).toBe(1));
    await act(async () => hold.release(err('conflict', 'a benchmark is already running (started 2025-01-10T12:00:00.000Z); wait for it to finish')));
    const error = await screen.findByTestId('bench-error');
    expect(error.dataset.code).toBe('conflict');
    expect(error.textContent).toBe('Another benchmark is running: a benchmark is already running (started 2025-01-10T12:00:00.000Z); wait for it to finish');
    expect((screen.getByTestId('bench-run') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('bench-progress')).toBeNull();

    // Trying again clears the error while it runs.
    await act(async () => fireEvent.click(screen.getByTestId('bench-run')));
    expect(screen.queryByTestId('bench-error')).toBeNull();
    dispose();
  });

  it('scrolls itself into view once when opened from a "Benchmark this machine" link', async () => {
    const scrolled: Element[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    try {
      const view = await renderWithServer(<BenchPanel />, benchServer([]).fake, { connectionStatus: 'connected', benchRevealRequested: true });
      await waitFor(() => expect(view.store.getState().benchRevealRequested).toBe(false));
      expect(scrolled).toEqual([screen.getByTestId('bench-panel')]);
      view.connection.dispose();
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });

  it('follows a run started elsewhere and reads the stored runs once it finished', async () => {
    const runs = [RUN_1];
    const { fake, lists } = benchServer(runs);
    const { store, dispose } = await renderPanel(fake);
    await waitFor(() => expect(screen.getByTestId('bench-results').dataset.runId).toBe('1'));
    const listsBefore = lists();

    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: progress(3, 10, 'docker: cold create') }));
    expect(screen.getByTestId('bench-progress-count').textContent).toBe('3/10');
    expect(screen.getByTestId('bench-elsewhere')).toBeTruthy();
    expect(screen.queryByTestId('bench-elapsed')).toBeNull();
    // A late event of an older run does not move the bar back.
    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: { runId: 2, done: 1, total: 4, label: 'late' } }));
    expect(screen.getByTestId('bench-progress-count').textContent).toBe('3/10');

    runs.unshift({ ...RUN_2, id: 3 });
    act(() => fake.emit({ type: 'event', event: 'bench.progress', progress: progress(10, 10, 'cleaned up') }));
    await waitFor(() => expect(screen.queryByTestId('bench-progress')).toBeNull(), { timeout: FOREIGN_FINISH_RELOAD_MS * 3 });
    expect(lists()).toBe(listsBefore + 1);
    await waitFor(() => expect(screen.getByTestId('bench-results').dataset.runId).toBe('3'));
    expect(store.getState().benchProgress).toBeNull();
    dispose();
  });
});
