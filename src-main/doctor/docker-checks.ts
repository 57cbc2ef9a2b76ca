/**
 * Docker checks: the engine answers, the warm images are present, the selected runtime is registered,
 * the egress relay image (contained sessions' only way out) is there.
 *
 * They share one probe per doctor run, so they run in parallel without asking the engine three times.
 */
import type { Result } from '../../src-shared/result.js';
import type { DockerEngine } from '../backends/docker/engine.js';
import { RELAY_BUILD_FIX, RELAY_IMAGE } from '../backends/docker/relay-image.js';
import { shellQuote } from './text.js';
import { okOutcome, type CheckOutcome, type DoctorCheck, type DoctorDeps, type DoctorDockerFacts } from './types.js';

/** The engine's answer for an image it doesn't have. */
const HTTP_NOT_FOUND = 404;

const SKIP_NOT_IN_USE: CheckOutcome = { status: 'skip', detail: 'Docker is not configured in this orchestrator', fix: null };
const SKIP_UNREACHABLE: CheckOutcome = { status: 'skip', detail: 'Docker is not reachable (see the Docker engine check)', fix: null };

/** The checks for the Docker engine; all skip when the orchestrator has no Docker probe. */
export function dockerChecks(deps: DoctorDeps): DoctorCheck[] {
  const probeFn = deps.dockerProbe;
  let probe: Promise<Result<DoctorDockerFacts>> | null = null;
  const facts = (): Promise<Result<DoctorDockerFacts>> | null => {
    if (!probeFn) return null;
    probe ??= probeFn();
    return probe;
  };
  return [
    { id: 'docker.engine', title: 'Docker engine reachable', run: () => engineCheck(facts()) },
    { id: 'docker.images', title: 'Warm images present', run: () => imagesCheck(facts(), deps) },
    { id: 'docker.runtimes', title: 'Container runtime registered', run: () => runtimeCheck(facts(), deps.selectedRuntime) },
    { id: 'docker.relay', title: 'Egress relay image present', run: () => relayCheck(facts(), deps) },
  ];
}

async function engineCheck(pending: Promise<Result<DoctorDockerFacts>> | null): Promise<CheckOutcome> {
  if (!pending) return SKIP_NOT_IN_USE;
  const r = await pending;
  if (r.ok) {
    const runtimes = r.value.runtimes.length > 0 ? r.value.runtimes.join(', ') : 'none reported';
    return okOutcome(`Docker ${r.value.version}; runtimes: ${runtimes}; default: ${r.value.defaultRuntime ?? 'unknown'}`);
  }
  return { status: 'fail', detail: withoutTrailingFix(r.error.message), fix: unreachableFix(r.error.message) };
}

/**
 * engine.ts's unreachableMessage() ends in "; <fix>"; the doctor puts the fix in its own field, so the detail keeps
 * only what was found.
 */
function withoutTrailingFix(message: string): string {
  if (!message.startsWith('Docker is not reachable')) return message;
  const cut = message.indexOf('; ');
  return cut > 0 ? message.slice(0, cut) : message;
}

function unreachableFix(message: string): string {
  if (/permission denied|EACCES/i.test(message)) {
    return 'Check the permissions of the Docker socket (`ls -l /var/run/docker.sock`): add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again) or point Settings → Docker at a rootless Docker socket.';
  }
  return 'Start the Docker daemon (`sudo systemctl start docker`, or Docker Desktop), or set the engine endpoint in Settings → Docker; if the socket exists, check its permissions (`ls -l /var/run/docker.sock`).';
}

async function imagesCheck(pending: Promise<Result<DoctorDockerFacts>> | null, deps: DoctorDeps): Promise<CheckOutcome> {
  if (!pending || !deps.dockerImagePresent) return SKIP_NOT_IN_USE;
  if (!(await pending).ok) return SKIP_UNREACHABLE;
  if (deps.warmImages.length === 0) return { status: 'skip', detail: 'no warm images configured (Settings → Docker)', fix: null };
  const present = deps.dockerImagePresent;
  const found = await Promise.all(deps.warmImages.map(async (ref) => ({ ref, present: await present(ref) })));
  const missing = found.filter((f) => !f.present).map((f) => f.ref);
  if (missing.length === 0) return okOutcome(`all ${found.length} warm image(s) present: ${deps.warmImages.join(', ')}`);
  return {
    status: 'warn',
    detail: `${missing.length} of ${found.length} warm image(s) missing: ${missing.join(', ')}; sessions on them start cold (pull first)`,
    fix: `Pull them: ${missing.map((ref) => `\`docker pull ${shellQuote(ref)}\``).join(', ')} (or let Berth pull them at start-up).`,
  };
}

async function runtimeCheck(pending: Promise<Result<DoctorDockerFacts>> | null, selected: string | null): Promise<CheckOutcome> {
  if (!pending) return SKIP_NOT_IN_USE;
  const r = await pending;
  if (!r.ok) return SKIP_UNREACHABLE;
  const { runtimes, defaultRuntime } = r.value;
  if (selected === null) return okOutcome(`using the engine's default runtime (${defaultRuntime ?? 'unknown'})`);
  if (runtimes.includes(selected)) return okOutcome(`runtime "${selected}" is registered (engine has: ${runtimes.join(', ')})`);
  return {
    status: 'fail',
    detail: `runtime "${selected}" selected in Settings → Docker is not registered with the engine (it has: ${runtimes.join(', ') || 'none'})`,
    fix: `Install ${selected} and register it under "runtimes" in /etc/docker/daemon.json, then restart dockerd; or pick ${runtimes.length > 0 ? `one of ${runtimes.join(', ')}` : 'the default runtime'} in Settings → Docker.`,
  };
}

/** The relay image: without it (and without a registry to build it from) no contained session can start. */
async function relayCheck(pending: Promise<Result<DoctorDockerFacts>> | null, deps: DoctorDeps): Promise<CheckOutcome> {
  if (!pending || !deps.dockerImagePresent) return SKIP_NOT_IN_USE;
  if (!(await pending).ok) return SKIP_UNREACHABLE;
  if (await deps.dockerImagePresent(RELAY_IMAGE)) return okOutcome(`${RELAY_IMAGE} present: contained sessions can reach the proxy`);
  return {
    status: 'warn',
    detail: `${RELAY_IMAGE} is missing: Berth builds it at the first contained Docker session, which fails if the engine can't pull busybox`,
    fix: `${RELAY_BUILD_FIX.charAt(0).toUpperCase()}${RELAY_BUILD_FIX.slice(1)}.`,
  };
}

/** The Docker deps for runDoctor from the orchestrator's DockerEngine: its probe, and an image lookup (404 → absent). */
export function dockerDoctorDeps(engine: DockerEngine): Pick<DoctorDeps, 'dockerProbe' | 'dockerImagePresent'> {
  return {
    dockerProbe: () => engine.probe(),
    async dockerImagePresent(ref) {
      const docker = await engine.docker();
      if (!docker.ok) throw new Error(docker.error.message);
      try {
        await docker.value.getImage(ref).inspect();
        return true;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === HTTP_NOT_FOUND) return false;
        throw e;
      }
    },
  };
}
