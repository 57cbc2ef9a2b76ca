/**
 * A metrics snapshot, chart series and resources as the orchestrator sends them, for the Dashboard's
 * unit tests: local and Docker (cold and warm) creates by phase, API routes, a proxy provider, DB
 * operations, event-loop gauges, two sessions and the orchestrator process.
 */
import type { SessionDto } from '../../src-shared/dto.js';
import type { MetricSeriesDto, MetricTimeSeriesDto, MetricsSnapshotDto } from '../../src-shared/metrics.js';
import type { ResourcesDto } from '../features/dashboard/resources-data.js';

/** The fixture's clock: 2025-01-10 12:00:05 UTC. */
export const FIXTURE_AT = Date.UTC(2025, 0, 10, 12, 0, 5);

/** Session ids of the fixture. */
export const ALPHA_ID = '11111111-1111-4111-8111-111111111111';
export const BETA_ID = '22222222-2222-4222-8222-222222222222';

function h(name: string, labels: Record<string, string>, count: number, p50: number | null, p95: number | null, p99: number | null): MetricSeriesDto {
  const key = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return {
    name,
    series: `${name}{${key}}`,
    labels,
    count,
    sum: count * (p50 ?? 0),
    min: p50,
    max: p99,
    p50,
    p95,
    p99,
    totalCount: count + 3,
  };
}

export const SNAPSHOT_FIXTURE: MetricsSnapshotDto = {
  at: FIXTURE_AT,
  window: '5m',
  enabled: true,
  histograms: [
    h('session_create_ms', { backend: 'local', phase: 'total', warm: 'false' }, 2, 38, 61.2, 61.2),
    h('session_create_ms', { backend: 'local', phase: 'worktree', warm: 'false' }, 2, 21, 24.5, 24.5),
    h('session_create_ms', { backend: 'local', phase: 'first-output', warm: 'false' }, 2, 12, 30, 30),
    h('session_create_ms', { backend: 'local', phase: 'start', warm: 'false' }, 2, 3.2, 4.1, 4.1),
    h('session_create_ms', { backend: 'docker', phase: 'total', warm: 'true' }, 3, 84, 96, 99),
    h('session_create_ms', { backend: 'docker', phase: 'total', warm: 'false' }, 1, 410, 410, 410),
    h('session_create_ms', { backend: 'docker', phase: 'image', warm: 'false' }, 1, 120, 120, 120),
    // A series with nothing in the window: left out of every table.
    h('session_create_ms', { backend: 'tmux', phase: 'total', warm: 'false' }, 0, null, null, null),
    h('api_request_ms', { method: 'sessions.list' }, 40, 0.8, 2.4, 3.9),
    h('api_request_ms', { method: 'sessions.create' }, 3, 35, 60, 60),
    h('api_request_ms', { method: 'resources.get' }, 40, 0.3, 0.6, 0.9),
    h('api_request_ms', { method: 'doctor.run' }, 1, 380, 380, 380),
    h('proxy_request_ms', { provider: 'anthropic', kind: 'added' }, 12, 0.4, 0.9, 1.4),
    h('proxy_request_ms', { provider: 'anthropic', kind: 'upstream' }, 12, 240, 610, 700),
    h('proxy_request_ms', { provider: 'openai', kind: 'added' }, 4, 0.5, 2.2, 2.2),
    h('db_query_ms', { op: 'sessions.insert' }, 2, 0.9, 1.6, 1.6),
    h('db_query_ms', { op: 'metrics.flush' }, 30, 0.2, 0.4, 0.7),
  ],
  gauges: [
    { name: 'event_loop_delay_ms', labels: { stat: 'p50' }, value: 0.4 },
    { name: 'event_loop_delay_ms', labels: { stat: 'p99' }, value: 12.6 },
    { name: 'event_loop_delay_ms', labels: { stat: 'max' }, value: 19 },
    { name: 'sessions', labels: { state: 'working' }, value: 1 },
    { name: 'sessions', labels: { state: 'idle' }, value: 1 },
    { name: 'resource_cpu_percent', labels: { subject: `session:${ALPHA_ID}` }, value: 12.5 },
    { name: 'resource_memory_bytes', labels: { subject: `session:${ALPHA_ID}` }, value: 41_000_000 },
  ],
  counters: [{ name: 'proxy_requests_total', labels: { provider: 'anthropic', note: 'a "quoted", value' }, value: 12 }],
};

/** The per-second series `metrics.series` answers for session_create_ms (every phase; the chart keeps `total`). */
export const SERIES_FIXTURE: MetricTimeSeriesDto[] = [
  {
    name: 'session_create_ms',
    series: 'session_create_ms{backend="local",phase="total",warm="false"}',
    labels: { backend: 'local', phase: 'total', warm: 'false' },
    start: FIXTURE_AT - 5_000,
    stepMs: 1_000,
    count: [0, 1, 0, 1, 0],
    p50: [null, 38, null, 61.2, null],
    p95: [null, 38, null, 61.2, null],
    p99: [null, 38, null, 61.2, null],
    max: [null, 38, null, 61.2, null],
  },
  {
    name: 'session_create_ms',
    series: 'session_create_ms{backend="local",phase="worktree",warm="false"}',
    labels: { backend: 'local', phase: 'worktree', warm: 'false' },
    start: FIXTURE_AT - 5_000,
    stepMs: 1_000,
    count: [0, 1, 0, 1, 0],
    p50: [null, 21, null, 24.5, null],
    p95: [null, 21, null, 24.5, null],
    p99: [null, 21, null, 24.5, null],
    max: [null, 21, null, 24.5, null],
  },
  {
    name: 'session_create_ms',
    series: 'session_create_ms{backend="docker",phase="total",warm="true"}',
    labels: { backend: 'docker', phase: 'total', warm: 'true' },
    start: FIXTURE_AT - 5_000,
    stepMs: 1_000,
    count: [1, 0, 0, 0, 2],
    p50: [84, null, null, null, 90],
    p95: [84, null, null, null, 96],
    p99: [84, null, null, null, 96],
    max: [84, null, null, null, 96],
  },
];

/** Two sampled sessions (alpha, beta), one sampled session the store does not know, and the orchestrator. */
export const RESOURCES_FIXTURE: ResourcesDto = {
  latest: {
    at: FIXTURE_AT,
    intervalMs: 1_000,
    samples: [
      { subject: `session:${ALPHA_ID}`, at: FIXTURE_AT, cpuPercent: 12.5, memoryBytes: 41_000_000, processCount: 2 },
      { subject: `session:${BETA_ID}`, at: FIXTURE_AT, cpuPercent: 0.4, memoryBytes: 3_500_000, processCount: 1 },
      { subject: 'session:99999999-9999-4999-8999-999999999999', at: FIXTURE_AT, cpuPercent: null, memoryBytes: null, processCount: null },
      { subject: 'berth:orchestrator', at: FIXTURE_AT, cpuPercent: 3.1, memoryBytes: 120_000_000, processCount: 1 },
    ],
    machine: { at: FIXTURE_AT, cores: 8, cpuPercent: 96, memoryTotalBytes: 16_000_000_000, memoryUsedBytes: 6_000_000_000 },
  },
  history: {
    [`session:${ALPHA_ID}`]: [
      { subject: `session:${ALPHA_ID}`, at: FIXTURE_AT - 2_000, cpuPercent: null, memoryBytes: 40_000_000, processCount: 2 },
      { subject: `session:${ALPHA_ID}`, at: FIXTURE_AT - 1_000, cpuPercent: 30, memoryBytes: 40_500_000, processCount: 2 },
      { subject: `session:${ALPHA_ID}`, at: FIXTURE_AT, cpuPercent: 12.5, memoryBytes: 41_000_000, processCount: 2 },
    ],
    'berth:orchestrator': [{ subject: 'berth:orchestrator', at: FIXTURE_AT, cpuPercent: 3.1, memoryBytes: 120_000_000, processCount: 1 }],
  },
};

/** A session as the store holds it. */
export function sessionFixture(id: string, name: string, overrides: Partial<SessionDto> = {}): SessionDto {
  return {
    id,
    name,
    repoPath: '/home/u/repo',
    worktreePath: `/home/u/.berth/worktrees/${name}`,
    branch: `berth/${name}`,
    baseBranch: 'main',
    agent: 'shell',
    backend: 'local',
    prompt: '',
    model: null,
    command: ['sh'],
    state: 'working',
    exitCode: null,
    reason: null,
    unsynced: null,
    conversationId: null,
    archived: false,
    createdAt: FIXTURE_AT - 60_000,
    updatedAt: FIXTURE_AT - 60_000,
    cols: 120,
    rows: 32,
    pid: 4242,
    phases: { worktreeMs: 21, startMs: 3, firstOutputMs: 12 },
    docker: null,
    stats: null,
    ports: [],
    git: null,
    attention: { detail: null, source: 'activity', since: 0, unread: false },
    ...overrides,
  };
}

/** The store's sessions: alpha (running), beta (idle), an exited and an archived one (neither shown). */
export const SESSIONS_FIXTURE: Record<string, SessionDto> = {
  [ALPHA_ID]: sessionFixture(ALPHA_ID, 'alpha'),
  [BETA_ID]: sessionFixture(BETA_ID, 'beta', { state: 'idle', createdAt: FIXTURE_AT - 30_000 }),
  'done-id': sessionFixture('done-id', 'done', { state: 'exited', exitCode: 0, pid: null }),
  'old-id': sessionFixture('old-id', 'old', { state: 'exited', archived: true, pid: null }),
};
