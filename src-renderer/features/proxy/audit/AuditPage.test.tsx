import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../../../src-shared/contract.js';
import { DEFAULT_DOCKER_SETTINGS } from '../../../../src-shared/docker.js';
import { DEFAULT_PROXY_SETTINGS } from '../../../../src-shared/proxy-settings.js';
import { AuditRowDto, UsageDto } from '../../../../src-shared/proxy.js';
import { err } from '../../../../src-shared/result.js';
import { renderWithServer } from '../../../testing/test-render.js';
import { FakeServer, makeSession } from '../../../testing/fake-server.js';
import { AUDIT_ROWS, FIXTURE_NOW, USAGE_ROWS } from '../../../testing/audit-fixture.js';
import { AuditPage } from './AuditPage.js';
import { AuditTable } from './AuditTable.js';
import { AUDIT_PAGE_SIZE } from './use-audit.js';

const SESSIONS = { s1: makeSession({ id: 's1', name: 'fix-tests' }), s2: makeSession({ id: 's2', name: 'docs', archived: true }) };

/** `n` rows with ids from `top` down, like the orchestrator's newest-first pages. */
function rowsFrom(top: number, n: number): AuditRowDto[] {
  const first = AUDIT_ROWS[0] as AuditRowDto;
  return Array.from({ length: n }, (_, i) => ({ ...first, id: top - i, at: FIXTURE_NOW - i * 1000 }));
}

const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent);

describe('Audit table', () => {
  afterEach(cleanup);

  it('the fixtures are valid DTOs', () => {
    for (const row of AUDIT_ROWS) expect(AuditRowDto.safeParse(row).success).toBe(true);
    for (const row of USAGE_ROWS) expect(UsageDto.safeParse(row).success).toBe(true);
  });

  it('renders every column of each row from the fixtures', () => {
    render(<AuditTable rows={AUDIT_ROWS} sessions={SESSIONS} now={FIXTURE_NOW} />);
    const rows = screen.getAllByTestId('audit-row');
    expect(rows.map((r) => r.dataset.id)).toEqual(['14', '13', '12', '11']);
    expect(cells(rows[0] as HTMLElement)).toEqual([
      '11:59:55',
      'fix-tests',
      'anthropic',
      'api.anthropic.com',
      'POST',
      '/v1/messages',
      '200',
      '312 B',
      '1.8 kB',
      '812 ms',
      'yes',
      'allow',
      '1,250 / 430',
      '$0.0102',
    ]);
    expect(cells(rows[1] as HTMLElement)).toEqual([
      '11:59:00',
      'docs',
      'anthropic',
      'api.anthropic.com',
      'POST',
      '/v1/messages',
      '403',
      '312 B',
      '120 B',
      '3.2 ms',
      'no',
      'deny',
      '—',
      '—',
    ]);
    // A request without a valid stand-in token has no session; yesterday's row carries its date.
    expect(within(rows[2] as HTMLElement).getByTestId('audit-session').textContent).toBe('—');
    expect(within(rows[2] as HTMLElement).getByTestId('audit-status').className).toContain('audit-status-bad');
    expect(cells(rows[3] as HTMLElement).slice(0, 7)).toEqual(['2025-01-09 12:00:00', 'docs', 'github', 'api.github.com', 'GET', '/repos/acme/widgets/pulls', '200']);
    expect(rows.map((r) => r.dataset.injected)).toEqual(['true', 'false', 'false', 'true']);
  });

  it('says when there is nothing to show', () => {
    render(<AuditTable rows={[]} sessions={{}} />);
    expect(screen.getByTestId('audit-empty').textContent).toBe('No requests recorded.');
  });
});

describe('Audit page', () => {
  afterEach(cleanup);

  it('filters by session, pages with beforeId, and shows usage per session and model with totals', async () => {
    const lists: Array<MethodParams<'audit.list'>> = [];
    const usages: Array<MethodParams<'usage.list'>> = [];
    const fake = new FakeServer()
      .on('audit.list', (p) => {
        lists.push(p);
        if (p.sessionId === 's2') return AUDIT_ROWS.filter((r) => r.sessionId === 's2');
        // A full first page, then a short one: "Load more" goes away after it.
        return p.beforeId === undefined ? rowsFrom(500, AUDIT_PAGE_SIZE) : rowsFrom(p.beforeId - 1, 3);
      })
      .on('usage.list', (p) => {
        usages.push(p);
        return p.sessionId ? USAGE_ROWS.filter((r) => r.sessionId === p.sessionId) : USAGE_ROWS;
      });
    const { connection } = await renderWithServer(<AuditPage />, fake, { sessions: SESSIONS, connectionStatus: 'connected' });

    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(AUDIT_PAGE_SIZE));
    expect(lists[0]).toEqual({ limit: AUDIT_PAGE_SIZE });
    expect(usages[0]).toEqual({});
    expect(screen.getByTestId('audit-count').textContent).toBe(`${AUDIT_PAGE_SIZE} requests shown`);

    await act(async () => fireEvent.click(screen.getByTestId('audit-load-more')));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(AUDIT_PAGE_SIZE + 3));
    expect(lists[1]).toEqual({ limit: AUDIT_PAGE_SIZE, beforeId: 500 - AUDIT_PAGE_SIZE + 1 });
    expect(screen.getAllByTestId('audit-row').at(-1)?.dataset.id).toBe(String(500 - AUDIT_PAGE_SIZE - 2));
    expect(screen.queryByTestId('audit-load-more')).toBeNull();

    // Archived sessions can be chosen too.
    const filter = screen.getByTestId('audit-session-filter') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.textContent)).toEqual(['All sessions', 'fix-tests', 'docs (archived)']);
    await act(async () => fireEvent.change(filter, { target: { value: 's2' } }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row').map((r) => r.dataset.id)).toEqual(['13', '11']));
    expect(lists.at(-1)).toEqual({ sessionId: 's2', limit: AUDIT_PAGE_SIZE });
    expect(usages.at(-1)).toEqual({ sessionId: 's2' });

    await act(async () => fireEvent.change(filter, { target: { value: '' } }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(AUDIT_PAGE_SIZE));
    fireEvent.click(screen.getByTestId('audit-tab-usage'));
    const usage = screen.getAllByTestId('usage-row');
    // Grouped by session name ("docs" before "fix-tests"), the costliest model first.
    expect(usage.map((r) => [r.dataset.sessionId, r.dataset.model])).toEqual([
      ['s2', 'gpt-5'],
      ['s1', 'claude-sonnet-4-5'],
      ['s1', 'claude-haiku-4-5'],
    ]);
    expect(cells(usage[1] as HTMLElement)).toEqual(['fix-tests', 'anthropic', 'claude-sonnet-4-5', '5', '12,500', '4,300', '$1.23']);
    expect(cells(screen.getByTestId('usage-total'))).toEqual(['10', '17,000', '5,300', '$1.25']);
    connection.dispose();
  });

  it('shows the server error and that audit is off', async () => {
    const fake = new FakeServer().on('audit.list', () => err('internal', 'database is locked')).on('usage.list', () => []);
    const { connection, store } = await renderWithServer(<AuditPage />, fake, { connectionStatus: 'connected' });
    await waitFor(() => expect(screen.getByTestId('audit-error').textContent).toBe('database is locked'));
    expect(screen.queryByTestId('audit-table')).toBeNull();
    expect(screen.queryByTestId('audit-disabled')).toBeNull();
    act(() =>
      store.getState().setSettings({
        defaultAgent: 'shell',
        defaultBackend: 'local',
        onQuit: 'leave-running',
        dashboardTargets: {},
        docker: DEFAULT_DOCKER_SETTINGS,
        proxy: { ...DEFAULT_PROXY_SETTINGS, audit: { ...DEFAULT_PROXY_SETTINGS.audit, enabled: false } },
      }),
    );
    expect(screen.getByTestId('audit-disabled').textContent).toContain('Audit is off');
    connection.dispose();
  });
});
