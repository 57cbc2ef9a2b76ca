import { describe, expect, it } from 'vitest';
import { EMPTY_REPO_SETTINGS_FORM, fromRepoSettingsForm, readyNote, toRepoSettingsForm } from './repo-settings-form.js';

describe('repository settings form', () => {
  it('round-trips a config through the form', () => {
    const config = { setup: 'npm ci', waitForSetup: false, env: { A: '1', B: 'x=y' }, ports: ['web', 'api'], defaults: { agent: 'codex' as const, baseBranch: 'dev' } };
    const form = toRepoSettingsForm(config);
    expect(form).toMatchObject({ env: 'A=1\nB=x=y', ports: 'web, api', agent: 'codex', backend: '' });
    expect(fromRepoSettingsForm(form)).toEqual({ ok: true, config });
  });

  it('edits the ready count, keeping the stored refreshOn; empty or 0 keeps none; a non-number is named', () => {
    const stored = { setup: 'old', waitForSetup: true, ready: { count: 2, refreshOn: ['yarn.lock'] } };
    const form = toRepoSettingsForm(stored);
    expect(form.ready).toBe('2');
    expect(fromRepoSettingsForm({ ...form, setup: 'new', ready: '3' }, stored)).toEqual({ ok: true, config: { setup: 'new', waitForSetup: true, ready: { count: 3, refreshOn: ['yarn.lock'] } } });
    expect(fromRepoSettingsForm({ ...form, ready: '' }, stored)).toEqual({ ok: true, config: { setup: 'old', waitForSetup: true } });
    expect(fromRepoSettingsForm({ ...form, ready: 'two' }, stored)).toMatchObject({ ok: false, message: expect.stringMatching(/"ready\.count"/) });
    expect(fromRepoSettingsForm({ ...form, ready: '99' }, stored)).toMatchObject({ ok: false, message: expect.stringMatching(/"ready\.count"/) });
  });

  it('an empty form is an empty config; bad ports and env lines are named', () => {
    expect(fromRepoSettingsForm(EMPTY_REPO_SETTINGS_FORM)).toEqual({ ok: true, config: { waitForSetup: true } });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, ports: 'web 9lives' })).toMatchObject({ ok: false, message: expect.stringMatching(/"ports\.1"/) });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, env: 'OK=1\nnope' })).toMatchObject({ ok: false, message: expect.stringMatching(/env line 2/) });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, env: '1BAD=x' })).toMatchObject({ ok: false, message: expect.stringMatching(/"env\.1BAD"/) });
  });

  it('says how many ready worktrees there are, their disk, and a refill failure', () => {
    const status = { repo: '/r', wanted: 2, ready: 1, filling: true, bytes: 3_000_000, lastError: null };
    expect(readyNote(null)).toBeNull();
    expect(readyNote({ ...status, wanted: 0, ready: 0 })).toBeNull();
    expect(readyNote(status)).toMatch(/^1 of 2 ready · 3(\.0)? MB on disk · making one now$/);
    expect(readyNote({ ...status, filling: false, lastError: 'setup failed' })).toContain('last refill failed: setup failed');
  });
});
