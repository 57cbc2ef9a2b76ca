/**
 * The orchestrator's measurements, wired: create-latency histograms per backend, phase and warm/cold;
 * API request and DB times; event-loop delay; sessions by state; CPU and memory of every session (a
 * local session's process tree, a container's engine stats) and of Berth itself. One registry serves
 * the dashboard (`metrics.snapshot`, `metrics.series`, `resources.get`) and `/metrics`.
 */
import type { ResourceSampleDto } from '../../src-shared/metrics.js';
import { DisposableStore, type Disposable } from '../../src-shared/lifecycle.js';
import type { BackendRegistry } from '../backends/registry.js';
import { EventLoopMonitor } from '../metrics/event-loop.js';
import { createFaults, type Faults } from '../metrics/faults.js';
import { MetricsRegistry } from '../metrics/registry.js';
import { registerResourceGauges } from '../metrics/resource-gauges.js';
import { ResourceSampler } from '../metrics/resource-sampler.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Db } from '../store/database.js';

/** Points of per-subject history `resources.get` returns (one a second while the dashboard looks). */
const SPARKLINE_POINTS = 60;

/** The subject name of a session in the sampler and in `resource_*` gauges. */
export const sessionSubject = (id: string) => `session:${id}`;

export interface OrchestratorMetrics extends Disposable {
  registry: MetricsRegistry;
  sampler: ResourceSampler;
  /** Background failures and what the process-wide handlers caught, logged and counted. */
  faults: Faults;
  /** Times one API request (`api_request_ms{method}`); call the returned function when it is answered. */
  timeRequest(method: string): () => void;
  /** Times a DB operation (`db_query_ms{op}`). */
  timeDb<T>(op: string, fn: () => T): T;
  /** Per-subject sample history for sparklines. */
  history(): Record<string, ResourceSampleDto[]>;
}

export function createMetrics(deps: { db: Db; sessions: () => SessionService; enabled?: boolean }): OrchestratorMetrics {
  const store = new DisposableStore();
  const registry = store.add(new MetricsRegistry({ db: deps.db, enabled: deps.enabled ?? true }));
  const faults = store.add(createFaults(registry));
  const sampler = store.add(new ResourceSampler({ db: deps.db, onError: (e) => faults.background('sampler', e) }));
  store.add(new EventLoopMonitor({ registry }));
  registerResourceGauges(registry, sampler);
  const api = registry.histogram({ name: 'api_request_ms', help: 'API request handling time (ms)', labelNames: ['method'] });
  const db = registry.histogram({ name: 'db_query_ms', help: 'Database operation time (ms)', labelNames: ['op'] });
  registry.gauge({
    name: 'sessions',
    help: 'Sessions by state (not archived)',
    labelNames: ['state'],
    collect: () => {
      const counts = new Map<string, number>();
      for (const s of deps.sessions().liveSessions()) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
      return [...counts].map(([state, value]) => ({ labels: { state }, value }));
    },
  });
  sampler.addProcesses('berth:orchestrator', [process.pid]);

  return {
    registry,
    sampler,
    faults,
    timeRequest: (method) => {
      const stop = api.time({ method });
      return () => void stop();
    },
    timeDb: (op, fn) => {
      const stop = db.time({ op });
      try {
        return fn();
      } finally {
        stop();
      }
    },
    history: () => {
      const out: Record<string, ResourceSampleDto[]> = {};
      for (const s of sampler.latest()?.samples ?? []) out[s.subject] = sampler.history(s.subject).slice(-SPARKLINE_POINTS);
      return out;
    },
    dispose: () => store.dispose(),
  };
}

/**
 * The repository with every method call timed as `db_query_ms{op="<name>.<method>"}` (a Proxy, so the
 * store code stays unaware of metrics).
 */
export function timedRepo<T extends object>(repo: T, name: string, metrics: OrchestratorMetrics): T {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => metrics.timeDb(`${name}.${prop}`, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

/**
 * Follows sessions: each one's create phases become `session_create_ms` samples, and while it runs
 * its resources are sampled (a local process tree by pid; other backends through their stats) and
 * written onto the session.
 */
export function followSessions(metrics: OrchestratorMetrics, sessions: SessionService, backends: BackendRegistry): Disposable {
  const store = new DisposableStore();
  const create = metrics.registry.histogram({
    name: 'session_create_ms',
    help: 'Session creation time by phase (ms): worktree, include, setup, image, start, first-output, and total (request → first output byte)',
    labelNames: ['backend', 'phase', 'warm'],
  });
  store.add(sessions.onDidPhase(({ backend, phase, ms, warm }) => create.observe({ backend, phase, warm }, ms)));
  const subjects = new Map<string, Disposable>();
  store.add(
    sessions.onDidStartTerminal((id) => {
      const s = sessions.find(id);
      if (!s.ok) return;
      subjects.get(id)?.dispose();
      const backend = backends.get(s.value.backend);
      if (s.value.backend === 'local' && s.value.pid) {
        subjects.set(id, metrics.sampler.addProcessTree(sessionSubject(id), s.value.pid));
      } else if (backend.ok && backend.value.stats) {
        const stats = backend.value.stats.bind(backend.value);
        const containerId = () => {
          const current = sessions.find(id);
          return current.ok ? (current.value.docker?.containerId ?? null) : null;
        };
        subjects.set(id, metrics.sampler.addSource(sessionSubject(id), () => stats(id, containerId())));
      }
    }),
  );
  store.add(
    sessions.onDidEndTerminal((id) => {
      subjects.get(id)?.dispose();
      subjects.delete(id);
    }),
  );
  store.add(
    metrics.sampler.onDidSample((tick) => {
      for (const sample of tick.samples) {
        if (!sample.subject.startsWith('session:') || sample.cpuPercent === null || sample.memoryBytes === null) continue;
        sessions.setStats(sample.subject.slice('session:'.length), { cpuPercent: sample.cpuPercent, memoryBytes: sample.memoryBytes, at: sample.at });
      }
    }),
  );
  store.add({ dispose: () => subjects.forEach((d) => d.dispose()) });
  return store;
}
