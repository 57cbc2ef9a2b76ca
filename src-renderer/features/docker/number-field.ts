/**
 * Number inputs checked against the contract's schemas, with messages in words ("at least 6").
 */
import type { z } from 'zod';

/** A parsed number field: empty text is `null` (unset). */
export type NumberParse = { ok: true; value: number | null } | { ok: false; message: string };

/** One zod issue about a number, as a short phrase. */
export function describeNumberIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.inclusive ? `at least ${String(issue.minimum)}` : `more than ${String(issue.minimum)}`;
    case 'too_big':
      return issue.inclusive ? `at most ${String(issue.maximum)}` : `less than ${String(issue.maximum)}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'a whole number' : 'a number';
    default:
      return issue.message;
  }
}

/** Parses `text` with `schema`; blank is unset (null), anything else must be a number the schema accepts. */
export function parseNumberField(text: string, schema: z.ZodType<number>): NumberParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: 'enter a number' };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: issue ? `must be ${describeNumberIssue(issue)}` : 'invalid number' };
}
