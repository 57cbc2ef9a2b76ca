import { describe, expect, it } from 'vitest';
import { MAX_CREDENTIAL_VALUE_BYTES, type CredentialDto } from '../../../src-shared/credentials.js';
import { checkCredentialForm, credentialToForm, emptyCredentialForm, type CredentialFormFields } from './credential-form.js';
import { formatLastUsed, maskedText } from './credential-format.js';

function form(patch: Partial<CredentialFormFields>): CredentialFormFields {
  return { ...emptyCredentialForm(), ...patch };
}

function problemsOf(fields: CredentialFormFields, value = '') {
  const check = checkCredentialForm(fields, value);
  if (check.ok) throw new Error(`expected problems, got ${JSON.stringify(check.request)}`);
  return check.problems;
}

describe('checkCredentialForm', () => {
  it('builds the request for each source; names are trimmed, the value is sent exactly as typed', () => {
    expect(checkCredentialForm(form({ name: '  anthropic ', kind: 'anthropic-api-key' }), ' sk-ant-1234 ')).toEqual({
      ok: true,
      request: { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: ' sk-ant-1234 ' },
    });
    expect(checkCredentialForm(form({ name: 'gh', kind: 'github', sourceType: 'env', variable: ' GITHUB_TOKEN ' }), '')).toEqual({
      ok: true,
      request: { name: 'gh', kind: 'github', source: { type: 'env', variable: 'GITHUB_TOKEN' } },
    });
    expect(checkCredentialForm(form({ name: 'oa', kind: 'openai', sourceType: 'command', command: 'op read op://v/i/f' }), '')).toEqual({
      ok: true,
      request: { name: 'oa', kind: 'openai', source: { type: 'command', command: 'op read op://v/i/f' } },
    });
  });

  it('never sends a value typed before switching to an env or command source', () => {
    const check = checkCredentialForm(form({ name: 'gh', sourceType: 'env', variable: 'TOKEN' }), 'left-over-secret');
    expect(check.ok && check.request).toEqual({ name: 'gh', kind: 'anthropic-api-key', source: { type: 'env', variable: 'TOKEN' } });
  });

  it('explains each problem under its field, in words rather than schema jargon', () => {
    expect(problemsOf(form({ name: '' }))).toEqual({ name: 'enter a name', value: 'enter the value' });
    expect(problemsOf(form({ name: 'Anthropic Key' }), 'x').name).toBe(
      'use lowercase letters, digits, dashes and underscores, starting with a letter or digit',
    );
    expect(problemsOf(form({ name: 'a'.repeat(65) }), 'x').name).toBe('at most 64 characters');
    expect(problemsOf(form({ name: 'gh', sourceType: 'env', variable: '' }))).toEqual({ variable: 'enter a variable name' });
    expect(problemsOf(form({ name: 'gh', sourceType: 'env', variable: '1TOKEN' })).variable).toBe(
      'use letters, digits and underscores, not starting with a digit',
    );
    expect(problemsOf(form({ name: 'gh', sourceType: 'command', command: '   ' }))).toEqual({ command: 'enter a command' });
    expect(problemsOf(form({ name: 'gh', sourceType: 'command', command: 'x'.repeat(4097) }))).toEqual({ command: 'at most 4096 characters' });
    expect(problemsOf(form({ name: 'gh', kind: 'nope' as never }), 'v')).toEqual({ kind: 'choose a kind' });
  });

  it('limits the value in UTF-8 bytes and never quotes it in a message', () => {
    const secret = 'é'.repeat(MAX_CREDENTIAL_VALUE_BYTES / 2 + 1); // 2 bytes each: one pair over the limit
    const problems = problemsOf(form({ name: 'big' }), secret);
    expect(problems).toEqual({ value: `the value is longer than ${MAX_CREDENTIAL_VALUE_BYTES} bytes` });
    expect(JSON.stringify(problems)).not.toContain('éé');
    expect(checkCredentialForm(form({ name: 'big' }), 'é'.repeat(MAX_CREDENTIAL_VALUE_BYTES / 2)).ok).toBe(true);
  });

  it('prefills from a stored credential without a value', () => {
    const stored: CredentialDto = {
      name: 'gh',
      kind: 'github',
      source: { type: 'env', variable: 'GITHUB_TOKEN' },
      masked: '••••abcd',
      createdAt: 1,
      updatedAt: 1,
      lastUsedAt: null,
      lastError: null,
    };
    expect(credentialToForm(stored)).toEqual({ name: 'gh', kind: 'github', sourceType: 'env', variable: 'GITHUB_TOKEN', command: '' });
  });
});

describe('credential wording', () => {
  it('says when a credential was last used', () => {
    const now = Date.UTC(2025, 0, 10, 12);
    expect(formatLastUsed(null, now)).toBe('never');
    expect(formatLastUsed(now - 5_000, now)).toBe('just now');
    expect(formatLastUsed(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatLastUsed(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatLastUsed(now - 86_400_000, now)).toBe('1 day ago');
    expect(formatLastUsed(now - 30 * 86_400_000, now)).toMatch(/^2024-12-1[01]$/);
  });

  it('shows the masked value, or that an env/command value was not read yet', () => {
    expect(maskedText({ masked: '••••abcd' })).toBe('••••abcd');
    expect(maskedText({ masked: null })).toBe('not read yet');
  });
});
