import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorReportDto } from '../../../src-shared/doctor.js';
import { err } from '../../../src-shared/result.js';
import { renderWithServer } from '../../testing/test-render.js';
import { FakeServer } from '../../testing/fake-server.js';
import { DOCTOR_FIXTURE } from '../../testing/doctor-fixture.js';
import { groupChecks, parseFix, reportToJson, summaryEntries } from './doctor-format.js';
import { DoctorPage } from './DoctorPage.js';

/** Text written to the (fake) clipboard, newest last. */
let clipboard: string[] = [];

beforeEach(() => {
  clipboard = [];
  Object.defineProperty(window.navigator, 'clipboard', {
    configurable: true,
    value: { writeText: async (text: string) => void clipboard.push(text) },
  });
});

function doctorServer(reports: Array<DoctorReportDto | string>) {
  let runs = 0;
  const fake = new FakeServer().on('doctor.run', () => {
    const next = reports[Math.min(runs, reports.length - 1)] as DoctorReportDto | string;
    runs++;
    return typeof next === 'string' ? err('internal', next) : next;
  });
  return { fake, runs: () => runs };
}

describe('doctor wording', () => {
  it('the fixture is a valid report', () => {
    expect(DoctorReportDto.safeParse(DOCTOR_FIXTURE).success).toBe(true);
  });

  it('groups worst first and leaves out empty groups', () => {
    const groups = groupChecks({ ...DOCTOR_FIXTURE, checks: DOCTOR_FIXTURE.checks.filter((c) => c.status !== 'warn') });
    expect(groups.map((g) => [g.status, g.checks.map((c) => c.id)])).toEqual([
      ['fail', ['docker.engine']],
      ['ok', ['git.version', 'disk.free:data']],
      ['skip', ['docker.runtimes']],
    ]);
    expect(summaryEntries(DOCTOR_FIXTURE).map((e) => e.label)).toEqual(['1 failed', '1 warning', '2 passed', '1 skipped']);
  });

  it('splits a fix into prose and the commands it quotes', () => {
    expect(parseFix('Find it (`ss -ltnp`) and stop it, or `berth serve --port N`.')).toEqual({
      segments: [
        { kind: 'text', text: 'Find it (' },
        { kind: 'command', text: 'ss -ltnp' },
        { kind: 'text', text: ') and stop it, or ' },
        { kind: 'command', text: 'berth serve --port N' },
        { kind: 'text', text: '.' },
      ],
      commands: ['ss -ltnp', 'berth serve --port N'],
    });
    expect(parseFix('no command; a stray ` stays')).toEqual({ segments: [{ kind: 'text', text: 'no command; a stray ` stays' }], commands: [] });
  });
});

describe('Doctor page', () => {
  afterEach(cleanup);

  it('runs the checks on open and shows them grouped by status, with counts and fixes', async () => {
    const { fake, runs } = doctorServer([DOCTOR_FIXTURE]);
    const { connection } = await renderWithServer(<DoctorPage />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getAllByTestId('doctor-group')).toHaveLength(4));
    expect(runs()).toBe(1);
    expect(screen.getAllByTestId('doctor-group').map((g) => g.dataset.status)).toEqual(['fail', 'warn', 'ok', 'skip']);
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['Failed (1)', 'Warnings (1)', 'Passed (2)', 'Skipped (1)']);
    expect(['fail', 'warn', 'ok', 'skip'].map((s) => screen.getByTestId(`doctor-count-${s}`).dataset.count)).toEqual(['1', '1', '2', '1']);

    const checks = screen.getAllByTestId('doctor-check');
    expect(checks.map((c) => c.dataset.checkId)).toEqual(['docker.engine', 'git.loose-objects:/home/u/repo', 'git.version', 'disk.free:data', 'docker.runtimes']);
    const engine = checks[0] as HTMLElement;
    expect(within(engine).getByRole('img').getAttribute('aria-label')).toBe('failed');
    expect(within(engine).getByTestId('doctor-check-title').textContent).toBe('Docker engine');
    expect(within(engine).getByTestId('doctor-check-detail').textContent).toContain('not reachable');
    expect(within(engine).getByTestId('doctor-fix').textContent).toContain('Start Docker (sudo systemctl start docker), or point Settings');
    expect(within(engine).getAllByTestId('doctor-command').map((b) => b.querySelector('pre')?.textContent)).toEqual(['sudo systemctl start docker']);
    // Ok and skipped checks carry no fix.
    expect(within(checks[2] as HTMLElement).queryByTestId('doctor-fix')).toBeNull();
    expect(within(checks[4] as HTMLElement).queryByTestId('doctor-fix')).toBeNull();

    // A command is copied on its own; the report as `berth doctor --json` prints it.
    await act(async () => fireEvent.click(within(checks[1] as HTMLElement).getByTestId('doctor-command-copy')));
    expect(clipboard).toEqual(["git -C '/home/u/repo' gc"]);
    expect(within(checks[1] as HTMLElement).getByTestId('doctor-command-copy').textContent).toBe('Copied');
    await act(async () => fireEvent.click(screen.getByTestId('doctor-copy-json')));
    expect(clipboard[1]).toBe(reportToJson(DOCTOR_FIXTURE));
    expect(JSON.parse(clipboard[1] as string)).toEqual(DOCTOR_FIXTURE);
    expect(screen.getByTestId('doctor-copy-json').textContent).toBe('Copied');
    connection.dispose();
  });

  it('runs again on "Run checks" and shows an error as a value, keeping the page usable', async () => {
    const allOk: DoctorReportDto = {
      at: DOCTOR_FIXTURE.at + 60_000,
      checks: [{ id: 'git.version', title: 'git', status: 'ok', detail: 'git 2.47.2', fix: null, durationMs: 3 }],
      summary: { ok: 1, warn: 0, fail: 0, skip: 0 },
    };
    const { fake, runs } = doctorServer([DOCTOR_FIXTURE, 'doctor.run failed: boom', allOk]);
    const { connection } = await renderWithServer(<DoctorPage />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getAllByTestId('doctor-check')).toHaveLength(5));

    await act(async () => fireEvent.click(screen.getByTestId('doctor-run')));
    await waitFor(() => expect(screen.getByTestId('doctor-error').textContent).toBe('doctor.run failed: boom'));
    // The last report stays on screen under the error.
    expect(screen.getAllByTestId('doctor-check')).toHaveLength(5);

    await act(async () => fireEvent.click(screen.getByTestId('doctor-run')));
    await waitFor(() => expect(screen.getAllByTestId('doctor-check')).toHaveLength(1));
    expect(screen.queryByTestId('doctor-error')).toBeNull();
    expect(screen.getByTestId('doctor-count-fail').dataset.count).toBe('0');
    expect(runs()).toBe(3);
    connection.dispose();
  });

  it('waits for the connection before running, and copies nothing without a report', async () => {
    const { fake, runs } = doctorServer([DOCTOR_FIXTURE]);
    const { connection, store } = await renderWithServer(<DoctorPage />, fake, { connectionStatus: 'connecting' });
    expect((screen.getByTestId('doctor-copy-json') as HTMLButtonElement).disabled).toBe(true);
    expect(runs()).toBe(0);
    act(() => store.getState().setConnectionStatus('connected'));
    await waitFor(() => expect(screen.getAllByTestId('doctor-check')).toHaveLength(5));
    // Reconnecting does not rerun on its own.
    act(() => store.getState().setConnectionStatus('reconnecting'));
    act(() => store.getState().setConnectionStatus('connected'));
    expect(runs()).toBe(1);
    connection.dispose();
  });
});
