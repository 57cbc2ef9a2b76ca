import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionDto, SetupLogDto } from '../../../src-shared/dto.js';
import { FakeServer, makeSession } from '../../testing/fake-server.js';
import { renderWithServer } from '../../testing/test-render.js';
import { PaneTabs, type PaneTab } from './PaneTabs.js';
import { SetupTab } from './SetupTab.js';
import { SETUP_POLL_MS, useSetupLog } from './use-setup-log.js';

function SetupHarness({ session }: { session: SessionDto }) {
  const { log, loaded } = useSetupLog(session);
  if (!loaded) return <p>loading</p>;
  return log ? <SetupTab log={log} /> : <p data-testid="no-setup">no setup</p>;
}

const RUNNING: SetupLogDto = {
  source: '.berth.json',
  command: 'npm ci && echo ready',
  status: 'running',
  exitCode: null,
  failure: null,
  startedAt: 1_000,
  ms: null,
  output: 'added 12 packages\n',
};

describe('Setup tab', () => {
  afterEach(cleanup);

  it('follows a running setup until it ends: output grows, then status, exit code and duration show', async () => {
    const answers: SetupLogDto[] = [
      RUNNING,
      { ...RUNNING, output: 'added 12 packages\nbuilding…\n' },
      { ...RUNNING, status: 'failed', exitCode: 2, failure: 'setup exited with code 2', ms: 4_200, output: 'added 12 packages\nbuilding…\nerror: no\n' },
    ];
    let calls = 0;
    const server = new FakeServer().on('sessions.setupLog', () => answers[Math.min(calls++, answers.length - 1)] ?? null);
    const { connection } = await renderWithServer(<SetupHarness session={makeSession({ state: 'creating' })} />, server);
    await waitFor(() => expect(screen.getByTestId('setup-status').textContent).toBe('Running…'));
    expect(screen.getByTestId('setup-command').textContent).toBe('npm ci && echo ready');
    expect(screen.getByTestId('setup-source').textContent).toBe('.berth.json');
    await waitFor(() => expect(screen.getByTestId('setup-status').textContent).toBe('Failed'), { timeout: SETUP_POLL_MS * 4 });
    expect(screen.getByTestId('setup-output').textContent).toBe('added 12 packages\nbuilding…\nerror: no\n');
    expect(screen.getByTestId('setup-duration').textContent).toContain('4.2 s');
    expect(screen.getByTestId('setup-failure').textContent).toBe('setup exited with code 2');
    connection.dispose();
  });

  it('reads the log once for a running session whose repository has no setup command', async () => {
    let calls = 0;
    const server = new FakeServer().on('sessions.setupLog', () => {
      calls++;
      return null;
    });
    const { connection } = await renderWithServer(<SetupHarness session={makeSession({ state: 'working' })} />, server);
    await waitFor(() => expect(screen.getByTestId('no-setup')).not.toBeNull());
    await new Promise((resolve) => setTimeout(resolve, SETUP_POLL_MS * 1.5));
    expect(calls).toBe(1);
    connection.dispose();
  });
});

describe('PaneTabs', () => {
  afterEach(cleanup);

  it('marks the current tab selected and moves with the arrow keys', () => {
    const picked: PaneTab[] = [];
    const { rerender } = renderTabs('terminal', picked);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => [t.textContent, t.getAttribute('aria-selected')])).toEqual([
      ['Terminal', 'true'],
      ['Changes', 'false'],
      ['Setup✓', 'false'],
    ]);
    fireEvent.keyDown(tabs[0]!, { key: 'ArrowLeft' });
    fireEvent.click(screen.getByTestId('tab-changes'));
    expect(picked).toEqual(['setup', 'changes']);
    rerender(<PaneTabs sessionId="s1" tabs={['terminal', 'changes', 'setup']} current="changes" onSelect={() => undefined} />);
    expect(screen.getByTestId('tab-changes').getAttribute('aria-selected')).toBe('true');
  });
});

function renderTabs(current: PaneTab, picked: PaneTab[]) {
  return render(
    <PaneTabs
      sessionId="s1"
      tabs={['terminal', 'changes', 'setup']}
      current={current}
      onSelect={(tab) => picked.push(tab)}
      badges={{ setup: { text: '✓', className: 'badge-ok' } }}
    />,
  );
}
