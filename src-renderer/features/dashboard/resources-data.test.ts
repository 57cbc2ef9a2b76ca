import { describe, expect, it } from 'vitest';
import { ALPHA_ID, BETA_ID, RESOURCES_FIXTURE, SESSIONS_FIXTURE } from '../../testing/dashboard-fixture.js';
import { resourceRows, resourceTotals, shareOf, sortRows } from './resources-data.js';
import { sameMeta, sessionMeta } from './use-session-meta.js';

describe('resource rows', () => {
  const meta = sessionMeta(SESSIONS_FIXTURE);

  it('has a row per live session (sampled or not), per sampled unknown session, and per Berth process', () => {
    const rows = resourceRows(RESOURCES_FIXTURE, meta);
    expect(rows.sessions.map((r) => [r.name, r.backend, r.state, r.cpuPercent, r.memoryBytes])).toEqual([
      ['alpha', 'local', 'working', 12.5, 41_000_000],
      ['beta', 'local', 'idle', 0.4, 3_500_000],
      ['99999999', null, null, null, null],
    ]);
    expect(rows.sessions[0]!.cpuHistory).toEqual([null, 30, 12.5]);
    expect(rows.sessions[1]!.cpuHistory).toEqual([]);
    expect(rows.berth.map((r) => [r.name, r.kind, r.cpuPercent, r.memoryBytes])).toEqual([['orchestrator', 'berth', 3.1, 120_000_000]]);
    // Before the first tick: the live sessions, without figures.
    expect(resourceRows(null, meta).sessions.map((r) => [r.name, r.cpuPercent])).toEqual([
      ['alpha', null],
      ['beta', null],
    ]);
  });

  it('sorts by any column either way, rows without a value last', () => {
    const rows = resourceRows(RESOURCES_FIXTURE, meta).sessions;
    expect(sortRows(rows, 'cpu', 'desc').map((r) => r.name)).toEqual(['alpha', 'beta', '99999999']);
    expect(sortRows(rows, 'cpu', 'asc').map((r) => r.name)).toEqual(['beta', 'alpha', '99999999']);
    expect(sortRows(rows, 'memory', 'asc').map((r) => r.name)).toEqual(['beta', 'alpha', '99999999']);
    expect(sortRows(rows, 'name', 'desc').map((r) => r.name)).toEqual(['beta', 'alpha', '99999999']);
    // idle < running; the unknown session has no state.
    expect(sortRows(rows, 'state', 'asc').map((r) => r.name)).toEqual(['beta', 'alpha', '99999999']);
  });

  it('sums sessions and Berth beside the machine', () => {
    const rows = resourceRows(RESOURCES_FIXTURE, meta);
    const totals = resourceTotals(rows, RESOURCES_FIXTURE.latest!.machine);
    expect(totals.sessions).toEqual({ cpuPercent: 12.9, memoryBytes: 44_500_000, counted: 2 });
    expect(totals.berth).toEqual({ cpuPercent: 3.1, memoryBytes: 120_000_000, counted: 1 });
    expect(totals.machine?.cores).toBe(8);
    expect(shareOf(200, 800)).toBe(25);
    expect(shareOf(900, 800)).toBe(100);
    expect(shareOf(5, 0)).toBe(0);
  });

  it('tells meta changes that matter (name, state) from stats-only updates', () => {
    const withStats = { ...SESSIONS_FIXTURE, [ALPHA_ID]: { ...SESSIONS_FIXTURE[ALPHA_ID]!, stats: { cpuPercent: 1, memoryBytes: 2, at: 3 }, updatedAt: 9 } };
    expect(sameMeta(meta, sessionMeta(withStats))).toBe(true);
    const stopped = { ...SESSIONS_FIXTURE, [BETA_ID]: { ...SESSIONS_FIXTURE[BETA_ID]!, state: 'exited' as const } };
    expect(sameMeta(meta, sessionMeta(stopped))).toBe(false);
    const { [BETA_ID]: _gone, ...fewer } = SESSIONS_FIXTURE;
    expect(sameMeta(meta, sessionMeta(fewer))).toBe(false);
  });
});
