/**
 * Wording and grouping for the Doctor page: status marks and headings (the same marks as `berth doctor`),
 * checks grouped worst first, fixes split into prose and the shell commands they quote.
 */
import { STATUS_MARKS, type DoctorCheckDto, type DoctorReportDto, type DoctorStatus } from '../../../src-shared/doctor.js';
import { assertNever } from '../../../src-shared/result.js';

/** Groups in the order shown: what is broken first, what does not apply last. */
export const STATUS_ORDER: readonly DoctorStatus[] = ['fail', 'warn', 'ok', 'skip'];

/** The mark of a status, as `berth doctor` prints it. */
export function statusMark(status: DoctorStatus): string {
  return STATUS_MARKS[status];
}

/** A status in words, for screen readers and titles. */
export function statusLabel(status: DoctorStatus): string {
  switch (status) {
    case 'ok':
      return 'ok';
    case 'warn':
      return 'warning';
    case 'fail':
      return 'failed';
    case 'skip':
      return 'skipped';
    default:
      return assertNever(status);
  }
}

/** A group's heading. */
export function groupHeading(status: DoctorStatus): string {
  switch (status) {
    case 'ok':
      return 'Passed';
    case 'warn':
      return 'Warnings';
    case 'fail':
      return 'Failed';
    case 'skip':
      return 'Skipped';
    default:
      return assertNever(status);
  }
}

/** One status's checks, in the report's order. */
export interface CheckGroup {
  status: DoctorStatus;
  checks: DoctorCheckDto[];
}

/** The report's checks by status in STATUS_ORDER, empty groups left out. */
export function groupChecks(report: DoctorReportDto): CheckGroup[] {
  return STATUS_ORDER.map((status) => ({ status, checks: report.checks.filter((c) => c.status === status) })).filter(
    (group) => group.checks.length > 0,
  );
}

/** A piece of a fix: prose, or a command quoted in backticks. */
export type FixSegment = { kind: 'text'; text: string } | { kind: 'command'; text: string };

/** A fix as prose with inline commands, and the commands on their own (for copyable blocks). */
export interface ParsedFix {
  segments: FixSegment[];
  commands: string[];
}

/**
 * Splits a fix at its backticks: the doctor quotes every shell command as `` `cmd` `` inside the prose
 * (src-main/doctor/*-checks.ts). An unpaired backtick is kept as text.
 */
export function parseFix(fix: string): ParsedFix {
  const segments: FixSegment[] = [];
  const commands: string[] = [];
  const pattern = /`([^`]+)`/g;
  let last = 0;
  for (const match of fix.matchAll(pattern)) {
    const command = match[1] ?? '';
    if (match.index > last) segments.push({ kind: 'text', text: fix.slice(last, match.index) });
    segments.push({ kind: 'command', text: command });
    if (!commands.includes(command)) commands.push(command);
    last = match.index + match[0].length;
  }
  if (last < fix.length) segments.push({ kind: 'text', text: fix.slice(last) });
  return { segments, commands };
}

/** The report as `berth doctor --json` prints it. */
export function reportToJson(report: DoctorReportDto): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** "3 failed · 1 warning · 12 passed · 2 skipped" style counts, one entry per status (zeros included). */
export function summaryEntries(report: DoctorReportDto): Array<{ status: DoctorStatus; count: number; label: string }> {
  return STATUS_ORDER.map((status) => {
    const count = report.summary[status];
    const noun = status === 'warn' ? (count === 1 ? 'warning' : 'warnings') : groupHeading(status).toLowerCase();
    return { status, count, label: `${count} ${noun}` };
  });
}

/** When a report was made, as a local "YYYY-MM-DD HH:MM:SS". */
export function formatRunTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
