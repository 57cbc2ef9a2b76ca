/**
 * Test harness for a real Docker engine: private `dockerd` instances in short temp dirs (each with its
 * own bridge and no iptables rules, so several coexist with each other and with a system engine), a
 * busybox test image built without any registry, and crun registration.
 *
 * Leftovers: each engine writes a registry file (/tmp/berth-dockerd-<bridge>.json) naming the process
 * that started it; the next start reaps engines whose owner died (containers, dockerd, bridge, dir).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { findExecutable as findOnPath } from '../process/find-executable.js';
import { RELAY_IMAGE } from '../backends/docker/relay-image.js';

/** Short base for engine dirs: sun_path holds 108 bytes, and `/tmp/bd-XXXXXX/docker.sock` is 26. */
const SHORT_TMP = '/tmp';
/** Longest unix socket path the kernel accepts (sun_path is 108 bytes including the NUL). */
const MAX_SOCKET_PATH = 107;
/** How long dockerd may take to answer `/_ping` after it is spawned, and the poll interval. */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;
/** Timeout of one `/_ping` request. */
const PING_TIMEOUT_MS = 2_000;
/** How long dockerd gets after SIGTERM before SIGKILL. */
const STOP_TIMEOUT_MS = 20_000;
/** Seconds dockerd waits for containers on shutdown without live-restore (its default is 15, and a
 *  busybox `sh` as PID 1 ignores SIGTERM, so every restart would take the full wait). */
const SHUTDOWN_TIMEOUT_S = 2;
/** Bridge names are `berthbr-` + 6 hex digits: IFNAMSIZ allows 15 characters. */
const BRIDGE_PREFIX = 'berthbr-';
const BRIDGE_NAME = /^berthbr-[0-9a-f]{6}$/;
/** Bridge subnets are /24s in 10.213.0.0/16, outside Docker's default pools (172.17–31/16, 192.168/16). */
const SUBNET_PREFIX = '10.213';
/** Random /24s tried before giving up on a free one. */
const SUBNET_ATTEMPTS = 64;
/** Registry files that let a later run reap an engine whose owner died. */
const REGISTRY_PREFIX = 'berth-dockerd-';
/** Where the busybox test image comes from: Debian's busybox-static is statically linked. */
const BUSYBOX = '/bin/busybox';
/** Debian's crun; 1.8.1 refuses cgroup v1 hosts whose cgroup2 mount still holds controllers. */
const CRUN = '/usr/bin/crun';
/** Wrapper that hides the cgroup2 mount from crun on such hybrid hosts (see ensureCrunRuntime). */
const CRUN_HYBRID_WRAPPER = '/tmp/berth-crun-hybrid';
/** Where root's tools live when PATH (a user's, a test's) leaves them out. */
const ROOT_SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
/** The non-root user test containers run as. */
export const AGENT_UID = 1000;
/** Default tag of the busybox test image. */
export const BUSYBOX_IMAGE = 'berth-test-busybox:latest';

export interface PrivateDockerdOptions {
  /** Engine dir (short: the socket lives in it; stop() deletes it). Default: a fresh /tmp/bd-XXXXXX. */
  dir?: string;
  /** Pass `--live-restore`: containers survive `restart()` / `down()`. */
  liveRestore?: boolean;
  /** Extra OCI runtimes, name → binary, passed as `--add-runtime name=path`. */
  runtimes?: Record<string, string>;
}

/** A running private dockerd. */
export interface PrivateDockerd {
  /** The API socket, and the same as a Docker endpoint URL (`unix://…`). */
  readonly socketPath: string;
  readonly endpoint: string;
  readonly dir: string;
  /** The bridge behind NetworkMode 'bridge', and its address: the host as containers see it. */
  readonly bridge: string;
  readonly gateway: string;
  /** pid of the running dockerd; null while it is down. */
  readonly pid: number | null;
  /** A dockerode client for this engine. */
  client(): Promise<Dockerode>;
  /** Stop dockerd only (SIGTERM, SIGKILL after a bound); with live-restore, containers keep running. */
  down(): Promise<void>;
  /** Start dockerd again with the same dirs and flags, and wait until it answers. */
  up(): Promise<void>;
  /** down() then up(): "the engine restarted mid-session". */
  restart(): Promise<void>;
  /** Tear everything down: containers, dockerd, bridge, dir. Idempotent. */
  stop(): Promise<void>;
}

/** /tmp/berth-dockerd-<bridge>.json: who started an engine, and what its teardown deletes. */
type RegistryEntry = { ownerPid: number; dir: string; bridge: string; subnet: string };

/** Whether a private dockerd can run here (Linux, root, dockerd, ip, tar, busybox-static). */
export function dockerAvailable(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== 'linux') return { ok: false, why: `private dockerd needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, why: 'private dockerd needs root (run the tests as root)' };
  for (const [bin, pkg] of [['dockerd', 'docker.io'], ['ip', 'iproute2'], ['tar', 'tar']] as const) {
    if (!findExecutable(bin)) return { ok: false, why: `\`${bin}\` not found on PATH (apt-get install ${pkg})` };
  }
  if (!fs.existsSync(BUSYBOX)) return { ok: false, why: `${BUSYBOX} missing (apt-get install busybox-static)` };
  return { ok: true };
}

/** Path of an executable found on PATH (or the sbin dirs root uses), or null. */
export function findExecutable(name: string): string | null {
  return findOnPath(name, [process.env.PATH ?? '', ...ROOT_SBIN_DIRS].join(path.delimiter));
}

/** Starts a private dockerd on its own bridge; resolves once it answers `/_ping`. */
export async function startPrivateDockerd(opts: PrivateDockerdOptions = {}): Promise<PrivateDockerd> {
  await reapStalePrivateDockerds();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(SHORT_TMP, 'bd-'));
  fs.mkdirSync(dir, { recursive: true });
  const socketPath = path.join(dir, 'docker.sock');
  if (socketPath.length > MAX_SOCKET_PATH) throw new Error(`socket path too long (${socketPath.length} > ${MAX_SOCKET_PATH}): ${socketPath}`);
  // An empty config keeps /etc/docker/daemon.json out; it also marks the dir as an engine dir for teardown.
  fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n');
  const { bridge, subnet } = createBridge(dir);
  const gateway = subnet.replace(/\.0\/24$/, '.1');
  const args = [
    ...[`--config-file=${dir}/daemon.json`, `--data-root=${dir}/data`, `--exec-root=${dir}/exec`],
    ...[`--host=unix://${socketPath}`, `--pidfile=${dir}/docker.pid`, `--bridge=${bridge}`],
    // No iptables/NAT/forwarding: a second engine must not rewrite the first one's rules. Host ↔
    // container traffic over the bridge needs none of them; containers get no route to the outside.
    ...['--iptables=false', '--ip-masq=false', '--ip-forward=false'],
    `--shutdown-timeout=${SHUTDOWN_TIMEOUT_S}`,
    ...(opts.liveRestore ? ['--live-restore'] : []),
    ...Object.entries(opts.runtimes ?? {}).map(([name, bin]) => `--add-runtime=${name}=${bin}`),
  ];
  const engine = new Engine(dir, socketPath, bridge, gateway, args);
  try {
    await engine.up();
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return engine;
}

class Engine implements PrivateDockerd {
  readonly endpoint: string;
  private child: ChildProcess | null = null;
  private stopped = false;
  private wasUp = false;

  constructor(readonly dir: string, readonly socketPath: string, readonly bridge: string, readonly gateway: string, private readonly args: string[]) {
    this.endpoint = `unix://${socketPath}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  client(): Promise<Dockerode> {
    return dockerClient(this.endpoint);
  }

  async up(): Promise<void> {
    if (this.stopped) throw new Error('engine was stopped for good');
    if (this.child) return;
    const log = fs.openSync(path.join(this.dir, 'dockerd.log'), 'a');
    const child = spawn(findExecutable('dockerd') ?? 'dockerd', this.args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref(); // a forgotten stop() must not hang the test process; the registry reaps it later
    this.child = child;
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = `dockerd exited (${signal ?? code})`;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await ping(this.socketPath))) {
      if (exited || Date.now() > deadline) {
        const tail = fs.readFileSync(path.join(this.dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
        throw new Error(`${exited ?? `dockerd not ready after ${READY_TIMEOUT_MS} ms`}; log tail:\n${tail}`);
      }
      await sleep(READY_POLL_MS);
    }
    this.wasUp = true;
  }

  async down(): Promise<void> {
    const pid = this.child?.pid;
    this.child = null;
    if (pid) await terminate(pid);
  }

  async restart(): Promise<void> {
    await this.down().then(() => this.up());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    // After down() with live-restore, containers still run: bring dockerd back so they can be removed.
    if (!this.child && this.wasUp) await this.up().catch(() => undefined);
    this.stopped = true;
    const pid = this.child?.pid ?? null;
    this.child = null;
    await teardown({ dir: this.dir, bridge: this.bridge }, pid);
  }
}

/** Removes containers, stops dockerd (and a containerd it left behind), deletes bridge, dir, registry. */
async function teardown(e: { dir: string; bridge: string }, dockerdPid: number | null): Promise<void> {
  const socketPath = path.join(e.dir, 'docker.sock');
  if (dockerdPid && alive(dockerdPid) && (await ping(socketPath))) {
    const docker = await dockerClient(`unix://${socketPath}`);
    const all = await docker.listContainers({ all: true }).catch(() => []); // best effort: dockerd is about to go
    await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  if (dockerdPid) await terminate(dockerdPid);
  const containerdPid = readPid(path.join(e.dir, 'exec/containerd/containerd.pid'));
  if (containerdPid && cmdline(containerdPid).includes(e.dir)) await terminate(containerdPid);
  tryRun('ip', ['link', 'delete', e.bridge]);
  removeDir(e.dir);
  fs.rmSync(registryPath(e.bridge), { force: true });
}

/** Reaps private engines whose owning process died (e.g. a killed test run). */
export async function reapStalePrivateDockerds(): Promise<void> {
  for (const name of fs.readdirSync(SHORT_TMP).filter((n) => n.startsWith(REGISTRY_PREFIX) && n.endsWith('.json'))) {
    const entry = readRegistry(path.join(SHORT_TMP, name));
    if (!entry || alive(entry.ownerPid)) continue;
    const pid = readPid(path.join(entry.dir, 'docker.pid'));
    await teardown(entry, pid && cmdline(pid).includes(entry.dir) ? pid : null);
  }
}

/** Creates a fresh bridge on a free 10.213.N.0/24 and records it in the registry. */
function createBridge(dir: string): { bridge: string; subnet: string } {
  const taken = takenSubnets();
  for (let i = 0; i < SUBNET_ATTEMPTS; i++) {
    const subnet = `${SUBNET_PREFIX}.${crypto.randomInt(256)}.0/24`;
    if (taken.some((t) => overlaps(t, subnet))) continue;
    const bridge = BRIDGE_PREFIX + crypto.randomBytes(3).toString('hex');
    const entry: RegistryEntry = { ownerPid: process.pid, dir, bridge, subnet };
    fs.writeFileSync(registryPath(bridge), JSON.stringify(entry));
    try {
      execFileSync('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'], { stdio: 'pipe' });
      execFileSync('ip', ['addr', 'add', subnet.replace(/\.0\/24$/, '.1/24'), 'dev', bridge], { stdio: 'pipe' });
      execFileSync('ip', ['link', 'set', bridge, 'up'], { stdio: 'pipe' });
      return { bridge, subnet };
    } catch (e) {
      tryRun('ip', ['link', 'delete', bridge]);
      fs.rmSync(registryPath(bridge), { force: true });
      throw new Error(`could not create bridge ${bridge}: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
    }
  }
  throw new Error(`no free /24 in ${SUBNET_PREFIX}.0.0/16 after ${SUBNET_ATTEMPTS} tries`);
}

/** IPv4 networks in use: interface addresses, routes, and other private engines' subnets. */
function takenSubnets(): string[] {
  const text = tryRun('ip', ['-4', '-o', 'addr', 'show']) + '\n' + tryRun('ip', ['-4', 'route', 'show']);
  const cidrs = [...text.matchAll(/(\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]!);
  for (const n of fs.readdirSync(SHORT_TMP).filter((x) => x.startsWith(REGISTRY_PREFIX))) {
    const e = readRegistry(path.join(SHORT_TMP, n));
    if (e) cidrs.push(e.subnet);
  }
  return cidrs;
}

/** Whether two IPv4 CIDRs share addresses. */
function overlaps(a: string, b: string): boolean {
  const [ipA, lenA] = a.split('/');
  const [ipB, lenB] = b.split('/');
  const num = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const len = Math.min(Number(lenA), Number(lenB));
  const block = 2 ** (32 - len);
  return Math.floor(num(ipA!) / block) === Math.floor(num(ipB!) / block);
}

/** crun's path for `--add-runtime` (a wrapper on hybrid cgroup hosts), or null when crun is absent. */
export function ensureCrunRuntime(): string | null {
  if (!fs.existsSync(CRUN)) return null;
  if (!hybridCgroupWithControllers()) return CRUN;
  // crun 1.8 fails with "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"
  // when a v1 host's cgroup2 mount still lists controllers (here: hugetlb, which has no v1 mount).
  // The wrapper runs crun in a private mount namespace without that mount: crun then sees plain v1.
  const script = `#!/bin/sh\n# Berth test harness: crun on a hybrid cgroup host (see src-main/testing/docker-engine.ts)\nexec unshare --mount --propagation private sh -c 'umount -l /sys/fs/cgroup/unified && exec ${CRUN} "$@"' crun "$@"\n`;
  if (readText(CRUN_HYBRID_WRAPPER) !== script) {
    const tmp = `${CRUN_HYBRID_WRAPPER}.${process.pid}`;
    fs.writeFileSync(tmp, script, { mode: 0o755 });
    fs.renameSync(tmp, CRUN_HYBRID_WRAPPER);
  }
  return CRUN_HYBRID_WRAPPER;
}

function hybridCgroupWithControllers(): boolean {
  const mounts = readText('/proc/mounts') ?? '';
  if (!/^\S+ \/sys\/fs\/cgroup\/unified cgroup2 /m.test(mounts)) return false;
  return (readText('/sys/fs/cgroup/unified/cgroup.controllers') ?? '').trim() !== '';
}

/**
 * Builds the busybox test image (no registry: a rootfs tarball through `docker import`); skips an
 * existing one. The default image is also tagged as Berth's egress relay image (busybox is all its
 * recipe is; no registry here to build it from), so contained sessions work on every test engine.
 */
export async function ensureBusyboxImage(endpoint: string, tag = BUSYBOX_IMAGE): Promise<string> {
  const made = await buildBusyboxImage(endpoint, tag);
  if (tag === BUSYBOX_IMAGE) await ensureRelayImageTag(endpoint);
  return made;
}

/** Tags the busybox test image as the relay image when the engine has none. */
export async function ensureRelayImageTag(endpoint: string): Promise<void> {
  const docker = await dockerClient(endpoint);
  if (!(await docker.getImage(RELAY_IMAGE).inspect().then(() => true, () => false))) await tagImage(endpoint, BUSYBOX_IMAGE, RELAY_IMAGE);
}

async function buildBusyboxImage(endpoint: string, tag: string): Promise<string> {
  const docker = await dockerClient(endpoint);
  await docker.ping(); // an unreachable engine fails here, before any work
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  const work = fs.mkdtempSync(path.join(SHORT_TMP, 'bd-img-'));
  let tar: ChildProcess | null = null;
  try {
    const rootfs = path.join(work, 'rootfs');
    const dirs = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'root', 'tmp', 'var/tmp', 'home/agent', 'workspace'];
    for (const d of dirs) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin/busybox'));
    fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
    const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const a of applets) if (a !== 'bin/busybox') fs.symlinkSync('/bin/busybox', path.join(rootfs, a));
    fs.writeFileSync(path.join(rootfs, 'etc/passwd'), `root:x:0:0:root:/root:/bin/sh\nagent:x:${AGENT_UID}:${AGENT_UID}:agent:/home/agent:/bin/sh\n`);
    fs.writeFileSync(path.join(rootfs, 'etc/group'), `root:x:0:\nagent:x:${AGENT_UID}:\n`);
    fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
    fs.chmodSync(path.join(rootfs, 'var/tmp'), 0o1777);
    for (const d of ['home/agent', 'workspace']) fs.chownSync(path.join(rootfs, d), AGENT_UID, AGENT_UID);
    const child = spawn('tar', ['-C', rootfs, '--numeric-owner', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
    tar = child;
    const tarExit = new Promise<number | null>((resolve) => child.once('close', resolve));
    const progress = await docker.importImage(child.stdout, {
      repo: tag,
      changes: ['CMD ["/bin/sh"]', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    });
    const events = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(progress, (e: Error | null, out: Array<{ error?: string }>) => (e ? reject(e) : resolve(out))),
    );
    const failed = events.find((ev) => ev.error);
    if (failed) throw new Error(`docker import failed: ${failed.error}`);
    if ((await tarExit) !== 0) throw new Error('tar of the busybox rootfs failed');
    await docker.getImage(tag).inspect();
    return tag;
  } finally {
    if (tar && tar.exitCode === null) tar.kill('SIGKILL'); // an import that failed early leaves tar blocked on its pipe
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Adds a second tag to an image (e.g. for pull-policy tests), without any registry. */
export async function tagImage(endpoint: string, source: string, target: string): Promise<string> {
  const docker = await dockerClient(endpoint);
  const at = target.lastIndexOf(':');
  const [repo, tag] = at > target.lastIndexOf('/') ? [target.slice(0, at), target.slice(at + 1)] : [target, 'latest'];
  await docker.getImage(source).tag({ repo, tag });
  return target;
}

/** A dockerode client for a `unix://` endpoint (dockerode is loaded lazily: it is slow to import). */
export async function dockerClient(endpoint: string): Promise<Dockerode> {
  if (!endpoint.startsWith('unix://')) throw new Error(`test harness supports unix:// endpoints only, got ${endpoint}`);
  const { default: Docker } = await import('dockerode');
  return new Docker({ socketPath: endpoint.slice('unix://'.length) });
}

/** GET /_ping on a unix socket: true on a 200. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** SIGTERM, wait up to STOP_TIMEOUT_MS, then SIGKILL and wait again. */
async function terminate(pid: number): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!alive(pid) || !attempt(() => process.kill(pid, signal), false)) return;
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < deadline) await sleep(READY_POLL_MS);
  }
}

/** Whether a pid names a live process (a zombie counts as dead). */
function alive(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  return stat !== null && !/^\d+ \(.*\) Z /.test(stat);
}

function cmdline(pid: number): string {
  return (readText(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ');
}

function readPid(file: string): number | null {
  const n = Number((readText(file) ?? '').trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** A registry entry, if it is ours (same uid) and well formed: it names what teardown deletes. */
function readRegistry(file: string): RegistryEntry | null {
  const e = attempt(() => (fs.statSync(file).uid === process.getuid?.() ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RegistryEntry) : null), null);
  const valid = e && Number.isInteger(e.ownerPid) && path.isAbsolute(e.dir) && BRIDGE_NAME.test(e.bridge) && typeof e.subnet === 'string';
  return valid ? e : null;
}

function registryPath(bridge: string): string {
  return path.join(SHORT_TMP, `${REGISTRY_PREFIX}${bridge}.json`);
}

/** Removes an engine dir (one with our daemon.json), first lazily unmounting anything left mounted under it. */
function removeDir(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'daemon.json'))) return;
  const mounts = (readText('/proc/mounts') ?? '').split('\n').map((l) => l.split(' ')[1] ?? '');
  const under = mounts.filter((m) => m === dir || m.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
  for (const m of under) tryRun('umount', ['-l', m]);
  const still = (readText('/proc/mounts') ?? '').includes(` ${dir}/`);
  if (still) console.warn(`docker-engine: leaving ${dir} in place: something is still mounted under it`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

function readText(file: string): string | null {
  return attempt(() => fs.readFileSync(file, 'utf8'), null);
}

/** Runs a command; its stdout, or '' when it fails. */
function tryRun(cmd: string, args: string[]): string {
  return attempt(() => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), '');
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
