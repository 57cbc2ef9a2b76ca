import { describe, expect, it } from 'vitest';
import type { AgentProfileDto, BackendDto } from '../../../src-shared/dto.js';
import { buildCreateParams, EMPTY_FORM, namePlaceholder, pickDefault, validateForm } from './create-form.js';
import { describeEnd, formatDuration, slugify } from './format.js';

const shell: AgentProfileDto = {
  id: 'shell',
  name: 'Shell',
  description: '',
  executable: 'bash',
  available: true,
  reason: null,
  supportsModel: false,
};
const local: BackendDto = {
  id: 'local',
  name: 'Local',
  description: '',
  available: true,
  reason: null,
  capabilities: { isolation: 'none', persistsAcrossRestart: false, resourceLimits: false, egressContainment: false },
};

describe('create form', () => {
  it('slugifies prompts for the name placeholder', () => {
    expect(slugify('Fix the failing tests in src/!')).toBe('fix-the-failing-tests-in-src');
    expect(namePlaceholder('')).toBe('derived from the prompt');
    expect(slugify('a'.repeat(80)).length).toBeLessThanOrEqual(40);
  });

  it('builds params without empty optional fields', () => {
    const params = buildCreateParams({ ...EMPTY_FORM, repoPath: ' /r ', agent: 'shell', backend: 'local', prompt: 'ls', model: 'x' }, false);
    expect(params).toEqual({ repoPath: '/r', agent: 'shell', backend: 'local', prompt: 'ls' });
    const custom = buildCreateParams(
      { ...EMPTY_FORM, repoPath: '/r', agent: 'custom', backend: 'local', command: 'run {prompt}', name: 'n1', baseBranch: 'dev' },
      false,
    );
    expect(custom).toMatchObject({ command: 'run {prompt}', name: 'n1', baseBranch: 'dev' });
  });

  it('validates required fields, availability and the name', () => {
    expect(validateForm(EMPTY_FORM, undefined, undefined)).toMatchObject({ repoPath: expect.any(String), agent: expect.any(String) });
    const ok = { ...EMPTY_FORM, repoPath: '/r', agent: 'shell' as const, backend: 'local' as const };
    expect(validateForm(ok, shell, local)).toEqual({});
    expect(validateForm({ ...ok, name: 'Bad Name' }, shell, local).name).toBeDefined();
    expect(validateForm(ok, { ...shell, available: false, reason: 'bash missing' }, local).agent).toBe('bash missing');
    expect(validateForm({ ...ok, agent: 'custom' }, { ...shell, id: 'custom' }, local).command).toBeDefined();
  });

  it('picks the preferred option when available', () => {
    const options = [
      { id: 'a', available: false },
      { id: 'b', available: true },
      { id: 'c', available: true },
    ];
    expect(pickDefault(options, 'c')).toBe('c');
    expect(pickDefault(options, 'a')).toBe('b');
    expect(pickDefault([], 'a')).toBe('');
  });

  it('formats durations and endings', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
    expect(describeEnd({ state: 'working', exitCode: null, reason: null })).toBeNull();
    expect(describeEnd({ state: 'exited', exitCode: 0, reason: null })).toBe('exit code 0');
    expect(describeEnd({ state: 'failed', exitCode: null, reason: 'spawn failed' })).toBe('spawn failed');
  });
});
