/**
 * Doctor plumbing shared by the checks: what the orchestrator injects, the thresholds, and the shape of one check.
 */
import type { DoctorStatus } from '../../src-shared/doctor.js';
import type { Result } from '../../src-shared/result.js';

/** What a successful Docker probe learns (structurally DockerEngine.probe()'s EngineFacts). */
export interface DoctorDockerFacts {
  version: string;
  runtimes: string[];
  defaultRuntime: string | null;
}

/** A place on disk whose free space matters, e.g. `{label: 'worktrees', path: '/home/u/.berth/worktrees'}`. */
export interface DoctorPath {
  label: string;
  path: string;
}

/** Limits above or below which a check warns or fails. Defaults in DEFAULT_THRESHOLDS. */
export interface DoctorThresholds {
  /** Loose objects above this count → warn. */
  looseObjects: number;
  /** Loose objects above this size → warn. */
  looseBytes: number;
  /** More packs than this → warn (git's own gc.autoPackLimit). */
  packs: number;
  /** An untracked file above this size is reported. */
  untrackedFileBytes: number;
  diskWarnPercent: number;
  diskWarnBytes: number;
  diskFailPercent: number;
  diskFailBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_THRESHOLDS: Readonly<DoctorThresholds> = {
  // Well below git's own gc.auto (6,700) so the advice comes before git gets slow on its own.
  looseObjects: 2_000,
  looseBytes: 50 * MiB,
  // git's gc.autoPackLimit default.
  packs: 50,
  // Big enough to be data (a model, a dump, a video), not source.
  untrackedFileBytes: 50 * MiB,
  diskWarnPercent: 10,
  diskWarnBytes: 5 * GiB,
  diskFailPercent: 2,
  diskFailBytes: 1 * GiB,
};

/** How long any one check may take before it counts as failed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;

/**
 * What `runDoctor` needs from the orchestrator. Optional probes that are absent make their checks `skip`.
 */
export interface DoctorDeps {
  /** DockerEngine.probe(); absent → the Docker checks are skipped (Docker not in use). */
  dockerProbe?: () => Promise<Result<DoctorDockerFacts>>;
  /** Whether the engine has an image locally (DockerAdmin / images.ts). */
  dockerImagePresent?: (ref: string) => Promise<boolean>;
  /** Settings → Docker → warm images. */
  warmImages: readonly string[];
  /** Settings → Docker → runtime; null for the engine's default. */
  selectedRuntime: string | null;
  /** Repositories in use (sessions' repos, recent repos); absolute paths. */
  repos: readonly string[];
  /** Where worktrees, caches and the data dir / DB live. */
  paths: readonly DoctorPath[];
  /** The HTTP API port (null when it is chosen by the OS at each start). */
  apiPort: number | null;
  /** True when this orchestrator is the one listening on apiPort (then the port is fine, not a conflict). */
  ownsApiPort: boolean;
  /** A cheap request through the credential proxy; absent → skipped. */
  proxyHealth?: () => Promise<Result<void>>;
  /** Per-check time limit; DEFAULT_CHECK_TIMEOUT_MS when absent. */
  checkTimeoutMs?: number;
  thresholds?: Partial<DoctorThresholds>;
  /** Executables, for installs outside PATH (and tests). */
  commands?: { bwrap?: string; tmux?: string };
}

/** A check's verdict before timing is added. */
export interface CheckOutcome {
  status: DoctorStatus;
  detail: string;
  fix: string | null;
}

/** One check: a stable id, a title, and a run that honours the abort signal (fired at the time limit). */
export interface DoctorCheck {
  id: string;
  title: string;
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

export function okOutcome(detail: string): CheckOutcome {
  return { status: 'ok', detail, fix: null };
}
