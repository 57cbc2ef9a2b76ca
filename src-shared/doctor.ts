/**
 * Doctor report shapes: `berth doctor`, `berth doctor --json` and the Doctor page.
 *
 * Each check has a stable id (`docker.engine`, `git.loose-objects:/path/to/repo`, `disk.free:worktrees`, …), a
 * status, what it found (with numbers) and, for a problem, what to do about it (a command when there is one).
 */
import { z } from 'zod';

/** How a check came out: fine, worth a look, broken, or not applicable here. */
export const DoctorStatus = z.enum(['ok', 'warn', 'fail', 'skip']);
export type DoctorStatus = z.infer<typeof DoctorStatus>;

/**
 * One check's outcome.
 *
 * `fix` is null when the check is ok; for a problem it says what to do, with a shell command when there is one.
 */
export const DoctorCheckDto = z
  .object({
    /** Stable id; per-target checks end in `:<target>` (a repository path, a path label). */
    id: z.string().min(1).max(2_000),
    title: z.string(),
    status: DoctorStatus,
    /** What was found, with the numbers. */
    detail: z.string(),
    fix: z.string().nullable(),
    /** How long the check took. */
    durationMs: z.number().nonnegative(),
  })
  .refine((c) => c.status !== 'ok' || c.fix === null, { message: 'an ok check has no fix', path: ['fix'] });
export type DoctorCheckDto = z.infer<typeof DoctorCheckDto>;

/** Number of checks per status. */
export const DoctorSummaryDto = z.object({
  ok: z.number().int().nonnegative(),
  warn: z.number().int().nonnegative(),
  fail: z.number().int().nonnegative(),
  skip: z.number().int().nonnegative(),
});
export type DoctorSummaryDto = z.infer<typeof DoctorSummaryDto>;

/** A whole doctor run: when (epoch ms), every check in a stable order, and the counts. */
export const DoctorReportDto = z.object({
  at: z.number(),
  checks: z.array(DoctorCheckDto),
  summary: DoctorSummaryDto,
});
export type DoctorReportDto = z.infer<typeof DoctorReportDto>;

/** Each status's mark, the same in `berth doctor` and on the Doctor page. */
export const STATUS_MARKS: Readonly<Record<DoctorStatus, string>> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };
