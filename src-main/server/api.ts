/**
 * The contract's request handlers, transport-free: the HTTP, WebSocket and MessagePort transports all
 * dispatch here, so every input is parsed by the contract's schema in exactly one place.
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import { isMethodName, methods, type MethodName, type MethodResult, type Methods } from '../../src-shared/contract.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import type { AgentCatalog } from '../agents/profiles.js';
import type { BackendRegistry } from '../backends/registry.js';
import { inspectRepo } from '../git/git.js';
import { worktreeReady } from '../git/branch-ops.js';
import { landSession } from '../git/land.js';
import { listPrunable, runPrune, type PruneDeps } from '../git/prune.js';
import { createPullRequest } from '../git/pull-request.js';
import { pushSession } from '../git/push.js';
import { updateSession } from '../git/update.js';
import type { SessionService } from '../sessions/session-service.js';
import type { ChangesService } from '../git/changes-service.js';
import type { ReadyWorktrees } from '../git/ready-worktrees.js';
import type { RecentReposRepo, SettingsRepo } from '../store/misc-repos.js';
import type { RepoSettingsRepo } from '../store/repo-settings-repo.js';
import { getRepoSettings, listRepoSettings, setRepoSettings } from '../git/repo-settings.js';
import { cleanCaches, dockerInfo, listCaches } from '../backends/docker/docker-admin.js';
import type { DoctorReportDto } from '../../src-shared/doctor.js';
import type { Vault } from '../vault/vault.js';
import type { OrchestratorMetrics } from '../orchestrator/metrics-wiring.js';
import type { ProxyService } from '../orchestrator/proxy-wiring.js';
import type { BenchService } from '../bench-runner/bench-service.js';
import type { EventFrame } from '../../src-shared/contract.js';
import type { DockerBackend } from '../backends/docker/docker-backend.js';
import type { SessionDto, SystemInfoDto } from '../../src-shared/dto.js';
import { RawJson } from './raw-json.js';
import { inBackground } from '../metrics/faults.js';
import type { Principal } from './security.js';

export interface ApiDeps {
  docker: DockerBackend;
  sessions: SessionService;
  changes: ChangesService;
  /** Ready worktrees kept per repository. */
  ready: ReadyWorktrees;
  agents: AgentCatalog;
  backends: BackendRegistry;
  recentRepos: RecentReposRepo;
  settings: SettingsRepo;
  /** Per-repository settings (Settings → Repositories). */
  repoSettings: RepoSettingsRepo;
  systemInfo: () => SystemInfoDto;
  loginUrl: () => string;
  /** Ends browser logins: the caller's own (a browser) or all (the CLI, the desktop app); how many ended. */
  logout: (caller: Principal | undefined) => number;
  vault: Vault;
  doctor: () => Promise<DoctorReportDto>;
  metrics: OrchestratorMetrics;
  /** The credential proxy once it has started (it starts in the background), or why it isn't running. */
  proxy: () => Promise<Result<ProxyService>>;
  bench: BenchService;
  /** Sends an event to every client (benchmark progress). */
  broadcast: (frame: EventFrame) => void;
  /** The data directory (its worktree folders are what prune looks at). */
  dataDir: string;
  /** The orchestrator's environment (where `gh` is looked up). */
  env: NodeJS.ProcessEnv;
}

/** Benchmark runs `bench.list` returns unless asked for more. */
const DEFAULT_BENCH_RUNS_LISTED = 10;

/** After a `resources.get`, sampling stays at the fast rate this long (the dashboard asks every second). */
const DASHBOARD_LEASE_MS = 5_000;

/**
 * One handler per contract method, typed from the method's schemas: it gets the params as the schema
 * parsed them and must answer the schema's result, so a handler can't drift from its schema without a
 * compile error.
 */
export type Handlers = {
  [M in MethodName]: (params: z.output<Methods[M]['params']>, caller: Principal | undefined) => Promise<Result<MethodResult<M>>> | Result<MethodResult<M>>;
};

/** Serialized list pages kept with their response bytes. */
const MAX_RAW_PAGES = 8;

/**
 * Dispatches one call. `caller` is who made it (the request gate's verdict); absent for in-process
 * callers (the desktop window's MessagePort, the benchmark).
 */
export type Api = (method: string, params: unknown, caller?: Principal) => Promise<Result<unknown>>;

/** Bytes of randomness in an error id (enough to find one line in a log). */
const ERROR_ID_BYTES = 6;

/**
 * An unexpected failure as clients see it: a generic message with an id; the message and stack, which
 * may name paths, queries or internals, go to the orchestrator's log under the same id.
 */
export function internalError(where: string, error: unknown): Result<never> {
  const id = crypto.randomBytes(ERROR_ID_BYTES).toString('hex');
  console.error(`berth: internal error ${id} in ${where}:`, error instanceof Error ? (error.stack ?? error.message) : error);
  return err('internal', `internal error (id ${id}); the details are in the orchestrator's log`);
}

export function createApi(deps: ApiDeps): Api {
  const { sessions } = deps;
  // The index hands out the same string while a page is cached; reuse its RawJson (and its bytes).
  const rawPages = new Map<string, RawJson>();
  const rawList = (json: string): RawJson => {
    let raw = rawPages.get(json);
    if (!raw) {
      if (rawPages.size >= MAX_RAW_PAGES) rawPages.clear();
      raw = new RawJson(json);
      rawPages.set(json, raw);
    }
    return raw;
  };
  let dashboardLease: NodeJS.Timeout | undefined;
  /** Every session, live or archived (what prune must never list). */
  const everySession = () => [...sessions.list(false, Number.MAX_SAFE_INTEGER), ...sessions.list(true, Number.MAX_SAFE_INTEGER)];
  const prune: PruneDeps = { dataDir: deps.dataDir, repos: () => deps.recentRepos.list().map((r) => r.path), sessions: everySession };
  /** Runs `fn` with the session `ref` names. */
  const withSession = async <T>(ref: string, fn: (s: SessionDto) => Promise<Result<T>>): Promise<Result<T>> => {
    const s = sessions.find(ref);
    return s.ok ? fn(s.value) : s;
  };
  const handlers = {
    'system.info': () => ok(deps.systemInfo()),
    'agents.list': () => ok(deps.agents.list()),
    'backends.list': async () => ok(await deps.backends.describe()),
    'repos.inspect': (p) => inspectRepo(p.path),
    'repos.recent': () => ok(deps.recentRepos.list()),
    'repos.settings.get': (p) => getRepoSettings(p.repoPath, deps.repoSettings),
    'repos.settings.set': (p) => setRepoSettings(p.repoPath, p.config, deps.repoSettings),
    'repos.settings.list': () => listRepoSettings(deps.recentRepos.list().map((r) => r.path), deps.repoSettings),
    'repos.ready': () => ok(deps.ready.status()),
    'sessions.list': (p) =>
      ok(rawList(sessions.listJson(p.archived ?? false, p.limit, p.offset)) as unknown as SessionDto[]),
    'sessions.get': (p) => sessions.find(p.ref),
    'sessions.events': (p) => sessions.events(p.ref),
    'sessions.setupLog': (p) => sessions.setupLog(p.ref),
    'sessions.create': (p) => sessions.create(p),
    'sessions.stop': (p) => sessions.stop(p.ref),
    'sessions.restart': (p) => sessions.restart(p.ref, p.fresh === true),
    'sessions.seen': async (p) => sessions.markSeen(p.ref),
    'sessions.archive': (p) => sessions.archive(p.ref),
    'sessions.unarchive': (p) => sessions.unarchive(p.ref),
    'sessions.delete': (p) => sessions.delete(p.ref, p.force ?? false),
    'sessions.sync': (p) => sessions.sync(p.ref),
    'sessions.land': (p) => withSession(p.ref, async (s) => {
      const ready = worktreeReady(s);
      return ready.ok ? landSession(s, p.mode, p.message) : ready;
    }),
    'sessions.update': (p) => withSession(p.ref, async (s) => {
      const ready = worktreeReady(s);
      return ready.ok ? updateSession(s, p.mode) : ready;
    }),
    'sessions.push': (p) => withSession(p.ref, async (s) => {
      const ready = worktreeReady(s);
      return ready.ok ? pushSession(s, p.remote) : ready;
    }),
    'sessions.pr': (p) => withSession(p.ref, (s) => createPullRequest(s, deps.env, { title: p.title, body: p.body })),
    'prune.list': async () => ok(await listPrunable(prune)),
    'prune.run': async (p) => ok(await runPrune(prune, p.ids, p.confirmUnsaved)),
    'terminal.text': async (p) => {
      const s = sessions.find(p.ref);
      if (!s.ok) return s;
      const host = sessions.host(s.value.id);
      if (!host) return err('invalid_state', `session "${s.value.name}" has no live terminal (it is ${s.value.state})`);
      return ok({ text: await host.text() });
    },
    'settings.get': () => ok(deps.settings.get()),
    'settings.update': (p) => {
      const updated = deps.settings.update(p);
      // Newly listed warm images are pulled now, in the background, not at the next start.
      if (p.docker?.warmImages) deps.docker.prepull(updated.docker.warmImages);
      if (p.docker) deps.docker.pool.resize();
      if (p.proxy) inBackground('proxy-apply', deps.proxy().then((proxy) => (proxy.ok ? proxy.value.apply() : undefined)), deps.metrics.faults.background);
      return ok(updated);
    },
    'docker.info': async () => ok(await dockerInfo(deps.docker, () => deps.docker.pool.status(), (image) => sessions.lastUsedImage(image))),
    'caches.list': (p) => listCaches(deps.docker, p.type),
    'caches.clean': (p) => cleanCaches(deps.docker, p.type),
    // A browser login may not mint links: that would let it outlive its idle and absolute limits.
    'auth.loginUrl': (_p, caller) =>
      caller?.kind === 'browser' ? err('forbidden', 'login links are made by `berth open` (the API token), not by a browser login') : ok({ url: deps.loginUrl() }),
    'auth.logout': (_p, caller) => ok({ revoked: deps.logout(caller) }),
    'doctor.run': async () => ok(await deps.doctor()),
    'bench.run': (p) => deps.bench.run(p, (progress) => deps.broadcast({ type: 'event', event: 'bench.progress', progress })),
    'bench.list': (p) => ok(deps.bench.list(p.limit ?? DEFAULT_BENCH_RUNS_LISTED)),
    'bench.advice': () => ok(deps.bench.advice()),
    'providers.list': async () => {
      const proxy = await deps.proxy();
      return proxy.ok ? ok(proxy.value.providers()) : proxy;
    },
    'providers.set': async (p) => {
      const proxy = await deps.proxy();
      if (!proxy.ok) return proxy;
      const current = deps.settings.get().proxy.providers;
      const existing = current.find((c) => c.id === p.id) ?? proxy.value.providers().find((c) => c.id === p.id);
      const upstream = p.upstream ?? existing?.upstream;
      if (!upstream) return err('bad_request', `provider "${p.id}" is new: give its --upstream URL`);
      const next = {
        ...current.find((c) => c.id === p.id),
        id: p.id,
        upstream,
        credential: p.credential !== undefined ? p.credential : (current.find((c) => c.id === p.id)?.credential ?? null),
        ...(p.allowPrivate !== undefined ? { allowPrivate: p.allowPrivate } : {}),
      };
      deps.settings.update({ proxy: { providers: [...current.filter((c) => c.id !== p.id), next] } });
      const applied = await proxy.value.apply();
      if (!applied.ok) {
        deps.settings.update({ proxy: { providers: current } });
        await proxy.value.apply();
        return applied;
      }
      const dto = proxy.value.providers().find((c) => c.id === p.id);
      return dto ? ok(dto) : err('internal', `provider "${p.id}" was not applied`);
    },
    'audit.list': async (p) => {
      const proxy = await deps.proxy();
      return proxy.ok ? ok(proxy.value.audit.list(p)) : proxy;
    },
    'usage.list': async (p) => {
      const proxy = await deps.proxy();
      return proxy.ok ? ok(proxy.value.audit.usage(p)) : proxy;
    },
    'egress.pending': async () => {
      const proxy = await deps.proxy();
      return proxy.ok ? ok(proxy.value.egress.list()) : proxy;
    },
    'egress.answer': async (p) => {
      const proxy = await deps.proxy();
      if (!proxy.ok) return proxy;
      const r = proxy.value.egress.answer(p.id, p.allow, p.remember);
      return r.ok ? ok({ id: p.id }) : r;
    },
    'metrics.snapshot': (p) => ok(deps.metrics.registry.snapshot(p.window ?? '1m')),
    'metrics.series': (p) => ok(deps.metrics.registry.timeSeries({ seconds: p.seconds, names: p.names })),
    'metrics.text': () => ok({ text: deps.metrics.registry.toPrometheus() }),
    'resources.get': () => {
      deps.metrics.sampler.setVisible(true);
      clearTimeout(dashboardLease);
      dashboardLease = setTimeout(() => deps.metrics.sampler.setVisible(false), DASHBOARD_LEASE_MS).unref();
      return ok({ latest: deps.metrics.sampler.latest(), history: deps.metrics.history() });
    },
    'changes.list': (p) => deps.changes.list(p.ref),
    'changes.diff': (p) => deps.changes.diff(p),
    'changes.stage': (p) => deps.changes.stage(p),
    'changes.unstage': (p) => deps.changes.unstage(p),
    'changes.stageHunk': (p) => deps.changes.stageHunk(p),
    'changes.discard': (p) => deps.changes.discard(p),
    'changes.commit': (p) => deps.changes.commit(p),
    'credentials.list': () => ok({ credentials: deps.vault.list(), protection: deps.vault.keyDescription, warning: deps.vault.keyWarning, vault: deps.vault.status() }),
    'credentials.set': (p) => deps.vault.set(p),
    'credentials.delete': async (p) => {
      const r = await deps.vault.delete(p.name);
      return r.ok ? ok({ name: p.name }) : r;
    },
    'credentials.unlock': async () => ok(await deps.vault.unlock()),
    'credentials.reset': async () => {
      const r = await deps.vault.reset();
      return r.ok ? ok({ backup: r.value.backup, vault: r.value.status }) : r;
    },
  } satisfies Handlers;

  return async (method, params, caller) => {
    if (!isMethodName(method)) return err('not_found', `unknown method "${method}"`);
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) return err('bad_request', `invalid parameters for ${method}: ${describeZodError(parsed.error)}`);
    const stop = deps.metrics.timeRequest(method);
    try {
      // The params were parsed by this very method's schema, which is what its handler's type says.
      const handler = handlers[method] as (p: unknown, caller: Principal | undefined) => Promise<Result<unknown>> | Result<unknown>;
      return await handler(parsed.data, caller);
    } catch (e) {
      return internalError(method, e);
    } finally {
      stop();
    }
  };
}
