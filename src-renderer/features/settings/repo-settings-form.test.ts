import { describe, expect, it } from 'vitest';
import { EMPTY_REPO_SETTINGS_FORM, fromRepoSettingsForm, toRepoSettingsForm } from './repo-settings-form.js';

describe('repository settings form', () => {
  it('round-trips a config through the form', () => {
    const config = { setup: 'npm ci', waitForSetup: false, env: { A: '1', B: 'x=y' }, ports: ['web', 'api'], defaults: { agent: 'codex' as const, baseBranch: 'dev' } };
    const form = toRepoSettingsForm(config);
    expect(form).toMatchObject({ env: 'A=1\nB=x=y', ports: 'web, api', agent: 'codex', backend: '' });
    expect(fromRepoSettingsForm(form)).toEqual({ ok: true, config });
  });

  it('keeps stored fields the form does not show', () => {
    const stored = { setup: 'old', waitForSetup: true, ready: { count: 2 } };
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, setup: 'new' }, stored)).toEqual({ ok: true, config: { setup: 'new', waitForSetup: true, ready: { count: 2 } } });
  });

  it('an empty form is an empty config; bad ports and env lines are named', () => {
    expect(fromRepoSettingsForm(EMPTY_REPO_SETTINGS_FORM)).toEqual({ ok: true, config: { waitForSetup: true } });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, ports: 'web 9lives' })).toMatchObject({ ok: false, message: expect.stringMatching(/"ports\.1"/) });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, env: 'OK=1\nnope' })).toMatchObject({ ok: false, message: expect.stringMatching(/env line 2/) });
    expect(fromRepoSettingsForm({ ...EMPTY_REPO_SETTINGS_FORM, env: '1BAD=x' })).toMatchObject({ ok: false, message: expect.stringMatching(/"env\.1BAD"/) });
  });
});
