/**
 * Settings → Credentials as a form: the non-secret fields as typed, their checks against the contract's
 * `CredentialSetRequest`, and the request to send.
 *
 * The typed value is not part of `CredentialFormFields`: it lives only in the form's password input and
 * is passed in at save time, so no React state or store ever holds it.
 */
import {
  CredentialKind,
  CredentialSetRequest,
  MAX_CREDENTIAL_COMMAND_LENGTH,
  MAX_CREDENTIAL_NAME_LENGTH,
  MAX_ENV_VARIABLE_LENGTH,
  type CredentialDto,
  type CredentialSource,
} from '../../../src-shared/credentials.js';
import { assertNever } from '../../../src-shared/result.js';

/** Where the value comes from, as the form's radio buttons name it. */
export type SourceType = CredentialSource['type'];

/** Every source type, in the order the form offers them. */
export const SOURCE_TYPES: readonly SourceType[] = ['value', 'env', 'command'];

/** The form's fields as typed, without the value (see the file comment). */
export interface CredentialFormFields {
  name: string;
  kind: CredentialKind;
  sourceType: SourceType;
  variable: string;
  command: string;
}

/** Field that a problem is shown under. */
export type CredentialField = 'name' | 'kind' | 'variable' | 'command' | 'value';

/** Problems by field; empty when the form can be saved. Messages never quote the value. */
export type CredentialProblems = Partial<Record<CredentialField, string>>;

/** The outcome of checking the form: the request to send, or what to fix. */
export type CredentialFormCheck = { ok: true; request: CredentialSetRequest } | { ok: false; problems: CredentialProblems };

/** A blank form (typed value, Anthropic API key: the most common first credential). */
export function emptyCredentialForm(): CredentialFormFields {
  return { name: '', kind: 'anthropic-api-key', sourceType: 'value', variable: '', command: '' };
}

/** The form prefilled from a stored credential, to replace it (the value is typed again). */
export function credentialToForm(credential: CredentialDto): CredentialFormFields {
  const { source } = credential;
  return {
    name: credential.name,
    kind: credential.kind,
    sourceType: source.type,
    variable: source.type === 'env' ? source.variable : '',
    command: source.type === 'command' ? source.command : '',
  };
}

/** The source the fields describe. */
function sourceOf(fields: CredentialFormFields): CredentialSource {
  switch (fields.sourceType) {
    case 'value':
      return { type: 'value' };
    case 'env':
      return { type: 'env', variable: fields.variable.trim() };
    case 'command':
      return { type: 'command', command: fields.command.trim() };
    default:
      return assertNever(fields.sourceType);
  }
}

/** Field names in the messages for empty and too-long input. */
const FIELD_NOUNS: Record<CredentialField, string> = {
  name: 'a name',
  kind: 'a kind',
  variable: 'a variable name',
  command: 'a command',
  value: 'the value',
};

/** Longest input per field, in characters (the value's limit is in bytes; its own message says so). */
const FIELD_MAX_CHARS: Partial<Record<CredentialField, number>> = {
  name: MAX_CREDENTIAL_NAME_LENGTH,
  variable: MAX_ENV_VARIABLE_LENGTH,
  command: MAX_CREDENTIAL_COMMAND_LENGTH,
};

/** The form field a schema issue path points at. */
function fieldOf(path: readonly PropertyKey[]): CredentialField | null {
  const [head, sub] = path;
  if (head === 'name' || head === 'kind' || head === 'value') return head;
  if (head === 'source' && (sub === 'variable' || sub === 'command')) return sub;
  return null;
}

/** A schema issue in words for the form; the schema's own message when it has one worth showing. */
function messageOf(field: CredentialField, issue: { code: string; message: string }): string {
  if (issue.code === 'too_small') return `enter ${FIELD_NOUNS[field]}`;
  if (issue.code === 'too_big' && FIELD_MAX_CHARS[field] !== undefined) return `at most ${FIELD_MAX_CHARS[field]} characters`;
  if (issue.code === 'invalid_value') return `choose ${FIELD_NOUNS[field]}`;
  if (field === 'value' && issue.message === 'a typed credential needs a value') return `enter ${FIELD_NOUNS.value}`;
  return issue.message;
}

/**
 * Checks the fields and the typed value (`''` when none was typed) with the contract's schema; the
 * first problem of each field is kept. Names and variables are trimmed; the value is sent exactly as typed.
 */
export function checkCredentialForm(fields: CredentialFormFields, typedValue: string): CredentialFormCheck {
  const candidate = {
    name: fields.name.trim(),
    kind: fields.kind,
    source: sourceOf(fields),
    value: fields.sourceType === 'value' && typedValue !== '' ? typedValue : undefined,
  };
  const parsed = CredentialSetRequest.safeParse(candidate);
  if (parsed.success) return { ok: true, request: parsed.data };
  const problems: CredentialProblems = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path);
    if (field && problems[field] === undefined) problems[field] = messageOf(field, issue);
  }
  // A problem the form has no field for (should not happen): show it rather than a dead Save button.
  if (Object.keys(problems).length === 0) problems.name = parsed.error.issues[0]?.message ?? 'invalid credential';
  return { ok: false, problems };
}
