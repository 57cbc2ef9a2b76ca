/**
 * `berth doctor`: runs every check in parallel, each under a time limit, and reports each problem with its fix.
 *
 * A check that throws or overruns becomes a `fail` carrying its message; the run itself never throws.
 */
import { performance } from 'node:perf_hooks';
import type { DoctorCheckDto, DoctorReportDto, DoctorSummaryDto } from '../../src-shared/doctor.js';
import { dockerChecks } from './docker-checks.js';
import { gitChecks } from './git-checks.js';
import { messageOf } from './text.js';
import { bwrapCheck, diskChecks, portCheck, proxyCheck, tmuxCheck } from './system-checks.js';
import { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_THRESHOLDS, type CheckOutcome, type DoctorCheck, type DoctorDeps } from './types.js';

export { formatDoctorText } from './format.js';
export { DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_THRESHOLDS, type DoctorDeps, type DoctorDockerFacts, type DoctorPath, type DoctorThresholds } from './types.js';

/** Every check for these deps, in report order. */
export function doctorChecks(deps: DoctorDeps): DoctorCheck[] {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...deps.thresholds };
  return [
    ...dockerChecks(deps),
    ...gitChecks(deps.repos, thresholds),
    ...diskChecks(deps.paths, thresholds),
    portCheck(deps),
    proxyCheck(deps),
    bwrapCheck(deps),
    tmuxCheck(deps),
  ];
}

/** Runs all checks in parallel; the report keeps doctorChecks' order. */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReportDto> {
  const at = Date.now();
  const timeoutMs = deps.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const checks = await Promise.all(doctorChecks(deps).map((check) => runCheck(check, timeoutMs)));
  return { at, checks, summary: summarize(checks) };
}

/** One check under its time limit; a throw or an overrun is a `fail`. */
export async function runCheck(check: DoctorCheck, timeoutMs: number): Promise<DoctorCheckDto> {
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort(new Error(`${check.id} timed out`));
      resolve({
        status: 'fail',
        detail: `the check did not finish within ${timeoutMs} ms`,
        fix: 'The machine, the engine or the disk may be overloaded or hung; run `berth doctor` again, and look at what is slow.',
      });
    }, timeoutMs);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([Promise.resolve().then(() => check.run(abort.signal)), overrun]);
  } catch (e) {
    outcome = {
      status: 'fail',
      detail: `the check failed: ${messageOf(e)}`,
      fix: 'An unexpected error in the check itself: run `berth doctor` again, and report it if it persists.',
    };
  } finally {
    clearTimeout(timer);
  }
  // An ok check carries no fix (the schema insists).
  const fix = outcome.status === 'ok' ? null : outcome.fix;
  return { id: check.id, title: check.title, status: outcome.status, detail: outcome.detail, fix, durationMs: Math.round((performance.now() - started) * 10) / 10 };
}

function summarize(checks: readonly DoctorCheckDto[]): DoctorSummaryDto {
  const summary: DoctorSummaryDto = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}
