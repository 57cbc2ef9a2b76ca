/**
 * Wording for stored credentials: kind labels, where the value comes from, when it was last used.
 */
import type { CredentialDto, CredentialKind } from '../../../src-shared/credentials.js';
import type { SourceType } from './credential-form.js';

const KIND_LABELS: Record<CredentialKind, string> = {
  'anthropic-api-key': 'Anthropic API key',
  'anthropic-oauth': 'Anthropic OAuth token',
  openai: 'OpenAI API key',
  gemini: 'Gemini API key',
  github: 'GitHub token',
  npm: 'npm token',
  custom: 'Custom',
};

/** Every kind with its label, in the order the form's select lists them. */
export const KIND_OPTIONS = Object.entries(KIND_LABELS) as Array<[CredentialKind, string]>;

export function kindLabel(kind: CredentialKind): string {
  return KIND_LABELS[kind];
}

const SOURCE_LABELS: Record<SourceType, string> = {
  value: 'Typed value',
  env: 'Environment variable',
  command: 'Command',
};

/** The form's label of a source type. */
export function sourceTypeLabel(type: SourceType): string {
  return SOURCE_LABELS[type];
}

/** Milliseconds per minute, hour and day, for "last used" wording. */
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
/** Older uses are shown as a date rather than "N days ago". */
const RELATIVE_DAYS_LIMIT = 7;

/** A past time as "just now", "5 min ago", "3 h ago", "2 days ago" or a local date; "never" for null. */
export function formatLastUsed(at: number | null, now: number = Date.now()): string {
  if (at === null) return 'never';
  const ago = Math.max(0, now - at);
  if (ago < MS_PER_MINUTE) return 'just now';
  if (ago < MS_PER_HOUR) return `${Math.floor(ago / MS_PER_MINUTE)} min ago`;
  if (ago < MS_PER_DAY) return `${Math.floor(ago / MS_PER_HOUR)} h ago`;
  const days = Math.floor(ago / MS_PER_DAY);
  if (days < RELATIVE_DAYS_LIMIT) return `${days} day${days === 1 ? '' : 's'} ago`;
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The masked value for the list, or what to say when an env/command value was not read yet. */
export function maskedText(credential: Pick<CredentialDto, 'masked'>): string {
  return credential.masked ?? 'not read yet';
}
