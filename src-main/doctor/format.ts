/**
 * The doctor report as text for `berth doctor`: one line per check (✓ ok, ! warn, ✗ fail, - skip) with what was
 * found, the fix indented below, and a summary line.
 */
import { STATUS_MARKS, type DoctorReportDto, type DoctorStatus } from '../../src-shared/doctor.js';

/** Indent of the fix line under its check. */
const FIX_INDENT = '    ';

/** The mark of a status (shared with the Doctor page). */
export function statusMark(status: DoctorStatus): string {
  return STATUS_MARKS[status];
}

/** Plain text (no colour); the CLI may colour the marks. */
export function formatDoctorText(report: DoctorReportDto): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${statusMark(c.status)} ${c.title}: ${c.detail}`);
    if (c.fix !== null) lines.push(`${FIX_INDENT}fix: ${c.fix}`);
  }
  const { ok, warn, fail, skip } = report.summary;
  lines.push('', `${ok} ok, ${warn} warning(s), ${fail} failure(s), ${skip} skipped`);
  return `${lines.join('\n')}\n`;
}
