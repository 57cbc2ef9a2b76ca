/**
 * Machine checks: free disk where Berth keeps things, the API port, the credential proxy, bubblewrap, tmux.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describeFailure, runProcess, type ProcessOutcome } from '../process/run.js';
import { formatBytes, shellQuote } from './text.js';
import { okOutcome, type CheckOutcome, type DoctorCheck, type DoctorDeps, type DoctorPath, type DoctorThresholds } from './types.js';

/** One free-space check per path. */
export function diskChecks(paths: readonly DoctorPath[], t: DoctorThresholds): DoctorCheck[] {
  return paths.map((p) => ({ id: `disk.free:${p.label}`, title: `Free disk for ${p.label}`, run: () => diskCheck(p, t) }));
}

/** Free space on the filesystem holding `target.path` (or its nearest existing parent). */
async function diskCheck(target: DoctorPath, t: DoctorThresholds): Promise<CheckOutcome> {
  const measured = await nearestExisting(target.path);
  const s = await fs.promises.statfs(measured);
  const total = s.blocks * s.bsize;
  if (total === 0) return { status: 'skip', detail: `the filesystem at ${measured} reports no size`, fix: null };
  // bavail, not bfree: what an unprivileged process can still write.
  const free = s.bavail * s.bsize;
  const percent = (s.bavail / s.blocks) * 100;
  const where = measured === target.path ? target.path : `${target.path} (not created yet; measured at ${measured})`;
  const detail = `${formatBytes(free)} free of ${formatBytes(total)} (${percent.toFixed(1)} %) at ${where}`;
  const fail = percent < t.diskFailPercent || free < t.diskFailBytes;
  const warn = percent < t.diskWarnPercent || free < t.diskWarnBytes;
  if (!fail && !warn) return okOutcome(detail);
  const limit = fail ? `below ${t.diskFailPercent} % or ${formatBytes(t.diskFailBytes)}` : `below ${t.diskWarnPercent} % or ${formatBytes(t.diskWarnBytes)}`;
  return {
    status: fail ? 'fail' : 'warn',
    detail: `${detail}: ${limit}${fail ? '; new worktrees, caches and database writes may fail' : ''}`,
    fix: `Free space on the filesystem holding ${target.path}: see what uses it (\`du -xsh ${shellQuote(measured)}/* | sort -h | tail\`), remove archived sessions and their worktrees, prune Docker caches (\`docker system prune\`), or move ${target.label} to a bigger disk.`,
  };
}

async function nearestExisting(p: string): Promise<string> {
  let current = path.resolve(p);
  for (;;) {
    try {
      await fs.promises.access(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/** The API port: ours, free, or held by another process. */
export function portCheck(deps: DoctorDeps): DoctorCheck {
  return { id: 'port.api', title: 'API port', run: () => apiPortCheck(deps.apiPort, deps.ownsApiPort) };
}

async function apiPortCheck(port: number | null, ours: boolean): Promise<CheckOutcome> {
  if (port === null || port === 0) return { status: 'skip', detail: 'the API port is chosen by the system at each start', fix: null };
  if (ours) return okOutcome(`127.0.0.1:${port} is served by this orchestrator`);
  const r = await tryListen(port);
  if (r === null) return okOutcome(`127.0.0.1:${port} is free`);
  if (r === 'EADDRINUSE') {
    return {
      status: 'fail',
      detail: `127.0.0.1:${port} is in use by another process, so Berth's API can't listen there`,
      fix: `Find the process (\`ss -ltnp 'sport = :${port}'\`) and stop it, or start Berth on another port (\`berth serve --port N\`).`,
    };
  }
  return { status: 'fail', detail: `cannot listen on 127.0.0.1:${port}: ${r}`, fix: `Pick a port above 1024 that nothing else uses (\`berth serve --port N\`).` };
}

/** null when 127.0.0.1:port could be bound (and was released), else the error code. */
function tryListen(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** The credential proxy answers. */
export function proxyCheck(deps: DoctorDeps): DoctorCheck {
  return {
    id: 'proxy.health',
    title: 'Credential proxy',
    async run() {
      if (!deps.proxyHealth) return { status: 'skip', detail: 'the credential proxy is not running in this orchestrator', fix: null };
      const r = await deps.proxyHealth();
      if (r.ok) return okOutcome('the credential proxy answers');
      return {
        status: 'fail',
        detail: `the credential proxy does not answer: ${r.error.message}; agents can't reach their LLM providers`,
        fix: 'Restart Berth (its proxy starts with the orchestrator); if its port is taken, free it or change it in Settings.',
      };
    },
  };
}

/** bubblewrap installed, and able to make a user namespace (what the sandbox backend needs). */
export function bwrapCheck(deps: DoctorDeps): DoctorCheck {
  const bwrap = deps.commands?.bwrap ?? 'bwrap';
  return {
    id: 'sandbox.bwrap',
    title: 'Sandbox (bubblewrap)',
    async run(signal) {
      const version = await probe(bwrap, ['--version'], signal);
      if (!succeeded(version)) {
        return {
          status: 'warn',
          detail: notFound(version) ? `${bwrap} not found: the sandbox backend is unavailable` : `\`${bwrap} --version\` failed: ${firstLine(version)}`,
          fix: 'Install bubblewrap (`sudo apt install bubblewrap`, `sudo dnf install bubblewrap`).',
        };
      }
      // --unshare-user so the probe needs user namespaces even when Berth runs as root, like an unprivileged user would.
      const trial = await probe(bwrap, ['--unshare-user', '--ro-bind', '/', '/', 'true'], signal);
      const v = version.stdout.trim();
      if (succeeded(trial)) return okOutcome(`${v}; an unprivileged sandbox starts`);
      return {
        status: 'fail',
        detail: `${v} is installed but cannot start a sandbox: ${firstLine(trial)}`,
        fix: 'Allow unprivileged user namespaces: `sudo sysctl -w kernel.unprivileged_userns_clone=1` (Debian), or on Ubuntu 24.04+ `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile for bwrap); inside a container, run it with user namespaces allowed.',
      };
    },
  };
}

/** tmux installed (the backend whose sessions survive an app restart). */
export function tmuxCheck(deps: DoctorDeps): DoctorCheck {
  const tmux = deps.commands?.tmux ?? 'tmux';
  return {
    id: 'tmux',
    title: 'tmux',
    async run(signal) {
      const r = await probe(tmux, ['-V'], signal);
      if (succeeded(r)) return okOutcome(r.stdout.trim());
      return {
        status: 'warn',
        detail: notFound(r) ? `${tmux} not found: the tmux backend (sessions that survive a restart) is unavailable` : `\`${tmux} -V\` failed: ${firstLine(r)}`,
        fix: 'Install tmux (`sudo apt install tmux`, `brew install tmux`).',
      };
    },
  };
}

/** Longest a probe command (`tmux -V`, `bwrap … true`) may run. */
const PROBE_TIMEOUT_MS = 10_000;

/** Runs a probe with untranslated messages; every ending is a value. */
function probe(file: string, args: readonly string[], signal: AbortSignal): Promise<ProcessOutcome> {
  return runProcess(file, args, { timeoutMs: PROBE_TIMEOUT_MS, signal, env: { ...process.env, LC_ALL: 'C' } });
}

function succeeded(r: ProcessOutcome): r is Extract<ProcessOutcome, { kind: 'exit' }> {
  return r.kind === 'exit' && r.code === 0;
}

function notFound(r: ProcessOutcome): boolean {
  return r.kind === 'error' && r.code === 'ENOENT';
}

/** Why a probe failed, in one line: the first line of its stderr, else how it ended. */
function firstLine(r: ProcessOutcome): string {
  return (r.kind === 'exit' && r.stderr.trim().split('\n')[0]) || describeFailure(r);
}
