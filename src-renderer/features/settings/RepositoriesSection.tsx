/**
 * Settings → Repositories: for a repository without a `.berth.json`, the same fields (setup, teardown,
 * waitForSetup, env, ports, defaults) stored in Berth and used when its sessions are created.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AgentProfileDto, BackendDto } from '../../../src-shared/dto.js';
import type { ReadyStatusDto } from '../../../src-shared/berth-config.js';
import type { RepoSettingsDto } from '../../../src-shared/repo-settings.js';
import { useAppState, useServices } from '../../app/services.js';
import { Field } from '../../components/Field.js';
import { Select } from '../../components/Select.js';
import { EMPTY_REPO_SETTINGS_FORM, fromRepoSettingsForm, readyNote, toRepoSettingsForm, type RepoSettingsForm } from './repo-settings-form.js';
import { SaveStatus, type SaveState } from './SaveStatus.js';

/** How often the ready worktrees are asked again while some are being made. */
const READY_POLL_MS = 2_000;

interface RepositoriesSectionProps {
  agents: readonly AgentProfileDto[];
  backends: readonly BackendDto[];
}

/** What the repository's own file means for the stored settings, in words. */
function fileNote(repo: RepoSettingsDto): string | null {
  if (repo.file === '.berth.json') return 'This repository has a .berth.json: it is used instead of these settings.';
  if (repo.file === 'conductor.json') return 'This repository has a conductor.json: its setup and archive scripts are used while nothing is stored here.';
  return null;
}

export function RepositoriesSection({ agents, backends }: RepositoriesSectionProps) {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [repos, setRepos] = useState<RepoSettingsDto[]>([]);
  const [selected, setSelected] = useState('');
  const [form, setForm] = useState<RepoSettingsForm>(EMPTY_REPO_SETTINGS_FORM);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [adding, setAdding] = useState('');
  const [ready, setReady] = useState<ReadyStatusDto | null>(null);

  const show = useCallback((repo: RepoSettingsDto) => {
    setRepos((list) => [...list.filter((r) => r.repoPath !== repo.repoPath), repo].sort((a, b) => a.name.localeCompare(b.name)));
    setSelected(repo.repoPath);
    setForm(toRepoSettingsForm(repo.stored));
  }, []);

  useEffect(() => {
    if (!connected) return;
    let current = true;
    void connection.request('repos.settings.list', {}).then((r) => {
      if (!current || !r.ok) return;
      setRepos(r.value);
      const first = r.value[0];
      if (first) {
        setSelected((s) => s || first.repoPath);
        setForm((f) => (f === EMPTY_REPO_SETTINGS_FORM ? toRepoSettingsForm(first.stored) : f));
      }
    });
    return () => {
      current = false;
    };
  }, [connection, connected]);

  // The selected repository's ready worktrees: asked after each save, and again every few seconds
  // while some are still being made.
  const [readyTick, setReadyTick] = useState(0);
  useEffect(() => {
    if (!connected || !selected) return;
    let current = true;
    void connection.request('repos.ready', {}).then((r) => {
      if (current && r.ok) setReady(r.value.find((x) => x.repo === selected) ?? null);
    });
    return () => {
      current = false;
    };
  }, [connection, connected, selected, save.kind, readyTick]);
  const storedReady = repos.find((r) => r.repoPath === selected)?.stored?.ready?.count ?? 0;
  const readyPending = ready === null ? storedReady > 0 : ready.wanted > 0 && (ready.filling || ready.ready < ready.wanted) && ready.lastError === null;
  useEffect(() => {
    if (!readyPending) return;
    const timer = setInterval(() => setReadyTick((n) => n + 1), READY_POLL_MS);
    return () => clearInterval(timer);
  }, [readyPending]);

  const repo = repos.find((r) => r.repoPath === selected) ?? null;
  const set = <K extends keyof RepoSettingsForm>(key: K, value: RepoSettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setSave({ kind: 'idle' });
  };

  const store = async (config: ReturnType<typeof fromRepoSettingsForm> | null) => {
    if (!repo) return;
    if (config && !config.ok) return setSave({ kind: 'error', message: config.message });
    setSave({ kind: 'saving' });
    const r = await connection.request('repos.settings.set', { repoPath: repo.repoPath, config: config ? config.config : null });
    if (!r.ok) return setSave({ kind: 'error', message: r.error.message });
    show(r.value);
    setSave({ kind: 'saved' });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store(fromRepoSettingsForm(form, repo?.stored ?? null));
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (adding.trim() === '') return;
    const r = await connection.request('repos.settings.get', { repoPath: adding.trim() });
    if (!r.ok) return setSave({ kind: 'error', message: r.error.message });
    setAdding('');
    setSave({ kind: 'idle' });
    show(r.value);
  };

  const text = (key: 'setup' | 'teardown' | 'ports' | 'model' | 'baseBranch' | 'ready', label: string, placeholder: string, hint?: string) => (
    <Field id={`repo-settings-${key}`} label={label} hint={hint}>
      {(control) => (
        <input
          {...control}
          className="input mono"
          data-testid={`repo-settings-${key}`}
          value={form[key]}
          placeholder={placeholder}
          spellCheck={false}
          disabled={!repo}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );

  const note = repo ? fileNote(repo) : null;
  return (
    <section className="settings-section" data-testid="settings-repositories">
      <h2>Repositories</h2>
      <p className="field-hint">
        For a repository without a <code>.berth.json</code>: what its new sessions get. A <code>.berth.json</code> in the repository always wins.
      </p>
      <div className="field-grid">
        <Field id="repo-settings-repo" label="Repository">
          {(control) => (
            <Select
              control={control}
              testId="repo-settings-repo"
              value={selected}
              disabled={repos.length === 0}
              options={repos.length === 0 ? [{ value: '', label: 'No repository yet: add one' }] : repos.map((r) => ({ value: r.repoPath, label: `${r.name} — ${r.repoPath}` }))}
              onChange={(path) => {
                const next = repos.find((r) => r.repoPath === path);
                if (next) show(next);
                setSave({ kind: 'idle' });
              }}
            />
          )}
        </Field>
        <form className="repo-settings-add" onSubmit={(e) => void add(e)}>
          <Field id="repo-settings-add" label="Add a repository">
            {(control) => (
              <input {...control} className="input mono" data-testid="repo-settings-add" value={adding} placeholder="/path/to/repository" spellCheck={false} onChange={(e) => setAdding(e.target.value)} />
            )}
          </Field>
          <button type="submit" className="button small" data-testid="repo-settings-add-button" disabled={adding.trim() === ''}>
            Add
          </button>
        </form>
      </div>
      {note ? (
        <p className="field-hint" data-testid="repo-settings-file">
          {note}
        </p>
      ) : null}
      {repo?.error ? (
        <p className="field-error" data-testid="repo-settings-file-error">
          {repo.error}
        </p>
      ) : null}
      <form onSubmit={submit} data-testid="repo-settings-form">
        <div className="field-grid">
          {text('setup', 'Setup command', 'npm ci', 'Runs with sh -c in each new worktree before the agent starts.')}
          {text('teardown', 'Teardown command', 'docker compose down', 'Runs in the worktree when the session is deleted.')}
          {text('ports', 'Ports', 'web, api', 'Names; each session gets a free host port per name: PORT (the first) and BERTH_PORT_<NAME>.')}
          <Field id="repo-settings-env" label="Environment" hint="KEY=value, one a line; given to the agent, setup and teardown.">
            {(control) => (
              <textarea {...control} className="input mono" rows={3} data-testid="repo-settings-env" value={form.env} spellCheck={false} disabled={!repo} onChange={(e) => set('env', e.target.value)} />
            )}
          </Field>
          <Field id="repo-settings-agent" label="Default agent">
            {(control) => (
              <Select
                control={control}
                testId="repo-settings-agent"
                value={form.agent}
                disabled={!repo}
                options={[{ value: '', label: 'Berth’s default' }, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
                onChange={(v) => set('agent', v as RepoSettingsForm['agent'])}
              />
            )}
          </Field>
          <Field id="repo-settings-backend" label="Default backend">
            {(control) => (
              <Select
                control={control}
                testId="repo-settings-backend"
                value={form.backend}
                disabled={!repo}
                options={[{ value: '', label: 'Berth’s default' }, ...backends.map((b) => ({ value: b.id, label: b.name }))]}
                onChange={(v) => set('backend', v as RepoSettingsForm['backend'])}
              />
            )}
          </Field>
          {text('model', 'Default model', 'the agent’s default')}
          {text('baseBranch', 'Default base branch', 'the checked-out branch')}
          {text('ready', 'Ready worktrees', '0', 'Kept made ahead (checkout, includes, setup), starting after the next create; a create claims one. At most 8.')}
        </div>
        {readyNote(ready) ? (
          <p className="field-hint" data-testid="repo-settings-ready-status">
            {readyNote(ready)}
          </p>
        ) : null}
        <label className="checkbox" htmlFor="repo-settings-wait">
          <input id="repo-settings-wait" type="checkbox" data-testid="repo-settings-wait" checked={form.waitForSetup} disabled={!repo} onChange={(e) => set('waitForSetup', e.target.checked)} />
          Hold the agent until setup succeeded
        </label>
        <div className="form-actions">
          <button type="submit" className="button primary small" data-testid="repo-settings-save" disabled={!repo || save.kind === 'saving'}>
            Save
          </button>
          <button type="button" className="button small" data-testid="repo-settings-clear" disabled={!repo?.stored || save.kind === 'saving'} onClick={() => void store(null)}>
            Remove stored settings
          </button>
        </div>
      </form>
      <SaveStatus state={save} testId="repo-settings-status" />
    </section>
  );
}
