/**
 * The orchestrator's composition root: store, services, backends and transports wired by hand.
 * Runs embedded (Electron utilityProcess) or headless (`berth serve`); never imports electron.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { API_FILE, LOGIN_PATH, type EventFrame } from '../../src-shared/contract.js';
import { AsyncDisposableStore, Emitter, type Event } from '../../src-shared/lifecycle.js';
import type { SessionDto } from '../../src-shared/dto.js';
import type { DockerSettings } from '../../src-shared/docker.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { AgentCatalog } from '../agents/profiles.js';
import { DockerBackend } from '../backends/docker/docker-backend.js';
import { LocalPtyBackend } from '../backends/local-pty/local-pty-backend.js';
import { BackendRegistry } from '../backends/registry.js';
import { createApi, type Api } from '../server/api.js';
import { createHttpServer } from '../server/http-server.js';
import { AccessGuard } from '../server/security.js';
import { resolveDocker } from '../sessions/backend-options.js';
import { repoWorktreesDir } from '../sessions/naming.js';
import { SessionService } from '../sessions/session-service.js';
import { ReadyWorktrees } from '../git/ready-worktrees.js';
import { GitStatusTracker } from '../git/status-tracker.js';
import { openDatabase } from '../store/database.js';
import { RecentReposRepo, SettingsRepo } from '../store/misc-repos.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { PortsRepo } from '../store/ports-repo.js';
import { RepoSettingsRepo } from '../store/repo-settings-repo.js';
import { parsePortRange, PortAllocator } from '../sessions/port-allocator.js';
import { secureDataDir, writePrivateFile } from './data-dir.js';
import { acquireLock } from './lock.js';
import { createBenchService } from '../bench-runner/runner.js';
import { describeError } from '../metrics/faults.js';
import { createMetrics, followSessions, timedRepo, type OrchestratorMetrics } from './metrics-wiring.js';
import type { ProxyService } from './proxy-wiring.js';
import { reconcile, startReconcileLoop } from './reconciler.js';
import type { DesktopKeychain } from '../vault/keychain-protocol.js';
import { createVaultProtectors } from '../vault/protectors.js';
import { VAULT_FILE, Vault } from '../vault/vault.js';
import { VERSION } from './version.js';
import { ChangesService } from '../git/changes-service.js';
import { pullRequestAvailability } from '../git/pull-request.js';

/** A stable id for this data directory's orchestrator, labelled on everything it makes. */
function instanceId(dataDir: string): string {
  const file = path.join(dataDir, 'instance-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = crypto.randomUUID();
    writePrivateFile(file, id);
    return id;
  }
}

/** How often sessions in state `unknown` (engine unreachable) are checked again. */
const RECONCILE_UNKNOWN_MS = 5_000;

/** Default port of `berth serve`. */
export const DEFAULT_PORT = 7717;

export interface OrchestratorOptions {
  dataDir: string;
  mode: 'desktop' | 'headless';
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The built renderer to serve; null serves the API only. */
  rendererDir?: string | null;
  /** Environment the agents inherit (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * The desktop app's OS keychain (Electron safeStorage in main, asked over the utility process
   * channel): one of the vault key's protectors, beside the secret service and the key file. Headless
   * has none.
   */
  keychain?: DesktopKeychain;
}

export interface RunningOrchestrator {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  api: Api;
  sessions: SessionService;
  /** Live git status of sessions (tests read its lanes' concurrency). */
  gitStatus: GitStatusTracker;
  /** Events for every client beyond sessions' (egress asks). */
  events: Event<EventFrame>;
  /** A fresh one-time browser login URL. */
  loginUrl(): string;
  close(): Promise<void>;
}

/**
 * Starts the orchestrator. One store owns its lifetime: every step (lock, database, metrics, backends,
 * sessions, reconcile loop, vault, proxy, bench, HTTP server, API file) adds its teardown as soon as it
 * is made, so a start that fails half-way (lock held, vault or port unavailable) and `close()` tear down
 * through the same path, in reverse order, leaving no timer, handle or lock behind.
 */
export async function startOrchestrator(options: OrchestratorOptions): Promise<Result<RunningOrchestrator>> {
  const life = new AsyncDisposableStore('orchestrator', (step, e) => console.error(`berth: shutting down ${step} failed: ${describeError(e)}`));
  try {
    const started = await compose(options, life);
    if (!started.ok) await life.dispose();
    return started;
  } catch (e) {
    await life.dispose();
    return err('internal', `the orchestrator could not start: ${describeError(e)}`);
  }
}

/** The orchestrator's steps, in order; each adds its teardown to `life`. */
async function compose(options: OrchestratorOptions, life: AsyncDisposableStore): Promise<Result<RunningOrchestrator>> {
  const startedAt = Date.now();
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir);
  // Private whatever existed before: the folder 0700, the files Berth keeps in it 0600.
  const secured = secureDataDir(dataDir);
  if (!secured.ok) return secured;
  const lock = acquireLock(dataDir);
  if (!lock.ok) return lock;
  life.add('lock', lock.value);

  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(path.join(dataDir, 'berth.db'));
  } catch (e) {
    return err('internal', `cannot open the database: ${(e as Error).message}`);
  }
  life.defer('database', () => void db.close());

  // BERTH_METRICS=0 switches measuring off (the bench compares create latency with and without it).
  // eslint-disable-next-line prefer-const -- assigned once, below, after the service it measures exists
  let sessions: SessionService;
  const metrics = life.add('metrics', createMetrics({ db, sessions: () => sessions, enabled: env.BERTH_METRICS !== '0' }));
  const faults = metrics.faults.background;
  const sessionsRepo = timedRepo(new SessionsRepo(db), 'sessions', metrics);
  const recentRepos = timedRepo(new RecentReposRepo(db), 'recentRepos', metrics);
  const settings = timedRepo(new SettingsRepo(db), 'settings', metrics);
  const repoSettings = timedRepo(new RepoSettingsRepo(db), 'repoSettings', metrics);
  const portRange = parsePortRange(env.BERTH_PORT_RANGE);
  if (!portRange.ok) return portRange;
  const ports = new PortAllocator(new PortsRepo(db), portRange.value);
  const backends = new BackendRegistry();
  backends.register(new LocalPtyBackend(env));
  const docker = new DockerBackend(() => settings.get().docker, instanceId(dataDir), env, (repo) => repoWorktreesDir(dataDir, repo), faults);
  backends.register(docker);
  // Warm-pool containers go on every shutdown; background pulls are cancelled and awaited (they read settings).
  life.defer('docker', async () => {
    await docker.pool.close();
    await docker.shutdown();
  });
  const agents = new AgentCatalog(env);

  // The vault and the proxy start below; a session's env waits for them (no create is served before).
  let sessionEnv: (s: SessionDto) => Promise<Result<{ env: Record<string, string>; remove: string[] }>> = async () => ok({ env: {}, remove: [] });
  const ready = new ReadyWorktrees({ worktreesDir: (repo) => repoWorktreesDir(dataDir, repo), onBackgroundError: faults });
  // Ready worktrees stay on disk for the next start; a setup still running is stopped.
  life.defer('ready-worktrees', () => ready.close());
  sessions = new SessionService({
    dataDir,
    ready,
    sessions: sessionsRepo,
    recentRepos,
    backends,
    agents,
    settings: () => settings.get(),
    sessionEnv: (s) => sessionEnv(s),
    onBackgroundError: faults,
    ports,
    repoConfig: (repoPath) => repoSettings.get(repoPath),
  });
  // Sessions whose backend survives a restart stay running unless the user chose to stop everything on quit.
  life.defer('sessions', async () => {
    await sessions.shutdown(settings.get().onQuit);
    sessions.dispose();
  });
  life.add('session-metrics', followSessions(metrics, sessions, backends));
  // Ahead / behind, dirty and overlaps on every live session, from file-system events.
  const gitStatus = life.add('git-status', new GitStatusTracker(sessions, { onError: faults }));
  await reconcile(sessions, backends, undefined, faults);
  // Sessions whose engine was unreachable are looked at again until it answers.
  life.add('reconcile', startReconcileLoop({ sessions, backends, only: ['unknown'], intervalMs: RECONCILE_UNKNOWN_MS, onError: faults }));
  // Images kept warm are pulled in the background; failures show when a session needs them.
  docker.prepull(settings.get().docker.warmImages);
  docker.track('warm-up', warmUp(docker, sessions, settings.get().docker));

  // A vault that can't be unlocked comes back locked (reason and fix in credentials.list): Berth runs on
  // without provider keys, and the file is left as it is.
  const vault = await Vault.open({
    file: path.join(dataDir, VAULT_FILE),
    protectors: createVaultProtectors({ dir: dataDir, env, keychain: options.keychain }),
    env,
  });
  if (vault.locked) console.error(`berth: the credential vault is locked: ${vault.locked.reason}`);
  life.defer('vault', async () => {
    await vault.flush();
    vault.dispose();
  });
  // Variables vault entries read their values from never reach an agent.
  const vaultEnvSources = () => vault.list().flatMap((c) => (c.source.type === 'env' ? [c.source.variable] : []));

  const events = life.add('events', new Emitter<EventFrame>());
  const proxy = startProxy({ dataDir, settings, vault, docker, sessions, metrics, events });
  life.defer('proxy', () => proxy.close());
  life.add('proxy-revoke', sessions.onDidEndTerminal((id) => proxy.current()?.revoke(id)));
  sessionEnv = async (s) => {
    const p = await proxy.ready;
    // Without the proxy a contained container has no way out at all: it is not started. Others run
    // without provider access (they never get real keys either way).
    const env = p.ok ? await p.value.sessionEnv(s) : s.docker?.networkMode === 'contained' ? p : ok({});
    return env.ok ? ok({ env: env.value, remove: vaultEnvSources() }) : env;
  };
  // Sessions still running from before (adopted above) may call providers at once.
  if (sessions.liveSessions().length > 0) void proxy.ready;

  const guard = life.add('access-guard', new AccessGuard());
  let port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? '127.0.0.1';
  const loginUrl = () => `http://${host}:${port}${LOGIN_PATH}?token=${guard.mintLoginToken()}`;
  // The benchmark drives the API in-process (creates sessions like a client); `api` is bound below.
  let apiRef: Api | null = null;
  const bench = life.add(
    'bench',
    createBenchService({
      db,
      dataDir,
      sessions,
      backends,
      docker,
      settings,
      call: (method, params) => apiRef!(method, params),
    }),
  );
  const api = createApi({
    docker,
    sessions,
    changes: new ChangesService({ find: (ref) => sessions.find(ref), pullRequest: () => pullRequestAvailability(env) }),
    ready,
    agents,
    backends,
    recentRepos,
    settings,
    repoSettings,
    loginUrl,
    logout: (caller) => guard.logout(caller),
    vault,
    metrics,
    proxy: () => proxy.ready,
    bench,
    broadcast: (frame) => events.fire(frame),
    dataDir,
    env,
    doctor: async () => {
      // Loaded on first use: nothing at start-up needs it.
      const [{ runDoctor }, { dockerDoctorDeps }] = await Promise.all([import('../doctor/doctor.js'), import('../doctor/docker-checks.js')]);
      return runDoctor({
        ...dockerDoctorDeps(docker.engine),
        warmImages: settings.get().docker.warmImages,
        selectedRuntime: settings.get().docker.runtime,
        repos: recentRepos.list().map((r) => r.path).filter((p) => fs.existsSync(p)),
        paths: [
          { label: 'worktrees', path: path.join(dataDir, 'worktrees') },
          { label: 'data', path: dataDir },
        ],
        apiPort: port,
        ownsApiPort: true,
        proxyHealth: async () => {
          const p = await proxy.ready;
          return p.ok ? ok() : p;
        },
      });
    },
    systemInfo: () => ({
      version: VERSION,
      dataDir,
      mode: options.mode,
      platform: process.platform,
      pid: process.pid,
      startedAt,
    }),
  });
  apiRef = api;

  let server;
  try {
    server = await createHttpServer({
      host,
      port,
      guard,
      api,
      sessions,
      rendererDir: options.rendererDir ?? null,
      textRoutes: { '/metrics': () => metrics.registry.toPrometheus() },
      events: events.event,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'EADDRINUSE' ? 'conflict' : 'internal', code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use; pass --port 0 for any free port` : `cannot listen: ${(e as Error).message}`);
  }
  const listening = server;
  life.defer('http-server', () => listening.close());
  const address = server.server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host}:${port}`;
  const apiFile = path.join(dataDir, API_FILE);
  writePrivateFile(apiFile, JSON.stringify({ url, port, token: guard.apiToken, pid: process.pid }));
  life.defer('api-file', () => {
    try {
      const current = JSON.parse(fs.readFileSync(apiFile, 'utf8')) as { pid?: number };
      if (current.pid === process.pid) fs.unlinkSync(apiFile);
    } catch {
      // already gone
    }
  });

  return ok({ url, port, token: guard.apiToken, dataDir, api, sessions, gitStatus, events: events.event, loginUrl, close: () => life.dispose() });
}

/** The credential proxy, started on first use. */
interface ProxyHandle {
  /** Starts the proxy if it isn't yet; resolves once it runs, or with why it can't. */
  readonly ready: Promise<Result<ProxyService>>;
  /** The running proxy, null until it is ready (or when it failed). */
  current(): ProxyService | null;
  close(): Promise<void>;
}

/**
 * The proxy (its CA, audit connection, listeners), started on first use: the first session's env, the
 * providers page or doctor. An orchestrator no session ran on has no use for it, and it was ~5 MB of an
 * idle one's memory. If it can't start, sessions run without provider access (they never get real keys
 * either way) and the error is logged and kept for `providers.list`.
 */
function startProxy(deps: {
  dataDir: string;
  settings: SettingsRepo;
  vault: Vault;
  docker: DockerBackend;
  sessions: SessionService;
  metrics: OrchestratorMetrics;
  events: Emitter<EventFrame>;
}): ProxyHandle {
  const { settings, sessions, events } = deps;
  let running: ProxyService | null = null;
  let starting: Promise<Result<ProxyService>> | null = null;
  let closed = false;
  // Once shutdown has begun, a late caller (a create still waiting for its env) must not start a proxy nobody would close.
  const start = (): Promise<Result<ProxyService>> => (starting ??= closed ? Promise.resolve(err('invalid_state', 'the orchestrator is shutting down')) : import('./proxy-wiring.js')
    .then(({ startProxyService }) =>
      startProxyService({
        dataDir: deps.dataDir,
        settings: () => settings.get(),
        saveEgressRule: (rule) => {
          const egress = settings.get().proxy.egress;
          settings.update({ proxy: { egress: { ...egress, hosts: [...egress.hosts.filter((h) => !(h.host === rule.host && h.sessionId === rule.sessionId)), rule] } } });
        },
        vault: deps.vault,
        docker: deps.docker,
        sessionName: (id) => {
          const s = sessions.find(id);
          return s.ok ? s.value.name : null;
        },
        metrics: deps.metrics,
        reportAgentState: (id, report) => sessions.reportAgentState(id, report),
      }),
    )
    .then(
      (started) => {
        if (!started.ok) {
          console.error(`berth: cannot start the credential proxy: ${started.error.message}`);
          return err(started.error.code, `the credential proxy is not running: ${started.error.message}`);
        }
        const p = started.value;
        p.egress.onDidAsk((ask) => events.fire({ type: 'event', event: 'egress.ask', ask }));
        p.egress.onDidSettle((e) => events.fire({ type: 'event', event: 'egress.settled', ...e }));
        running = p;
        return started;
      },
      (e: Error) => err('internal', `the credential proxy is not running: ${e.message}`),
    ));
  return {
    get ready() {
      return start();
    },
    current: () => running,
    close: async () => {
      closed = true;
      const p = await starting;
      if (p?.ok) await p.value.close();
    },
  };
}

/**
 * Warm pool at start: containers an earlier run left in the pool go, and the pool fills for the
 * repository of the latest Docker session with the default options. Nothing happens (not even loading
 * the Docker client) when no pool is configured.
 */
async function warmUp(docker: DockerBackend, sessions: SessionService, settings: DockerSettings): Promise<void> {
  if (settings.warmPoolSize === 0 || settings.warmImages.length === 0) return;
  if (!(await docker.probe()).ok) return;
  await docker.pool.removeLeftovers();
  const repo = sessions.lastRepo('docker');
  if (repo) docker.ensureWarm(repo, { docker: resolveDocker(undefined, settings) });
}
