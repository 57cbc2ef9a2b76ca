/**
 * "New session" dialog: repository, agent, backend, prompt and options; submits `sessions.create`.
 *
 * Everything typed survives a failed submit; on success the dialog closes and the session opens.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import { buildCreateParams, EMPTY_FORM, namePlaceholder, pickDefault, validateForm, type CreateForm } from './create-form.js';
import { BackendAdvice } from '../bench/BackendAdvice.js';
import { useDockerInfo } from '../docker/use-docker-info.js';
import { DockerOptionsSection } from './DockerOptionsSection.js';
import { RepoField } from './RepoField.js';
import { useCreateOptions } from './use-create-options.js';
import { useRepoInspect } from './use-repo-inspect.js';

export function CreateDialog() {
  const { connection, store, desktop } = useServices();
  const setOpen = useAppState((s) => s.setCreateDialogOpen);
  const openSession = useAppState((s) => s.openSession);
  const { agents, backends, recent, settings, loadError } = useCreateOptions();
  const [form, setForm] = useState<CreateForm>(EMPTY_FORM);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const inspection = useRepoInspect(form.repoPath);
  const defaultsApplied = useRef(false);

  // Preselect the default agent and backend once the lists are in.
  useEffect(() => {
    if (defaultsApplied.current || !agents || !backends) return;
    defaultsApplied.current = true;
    setForm((f) => ({
      ...f,
      agent: f.agent || pickDefault(agents, settings?.defaultAgent),
      backend: f.backend || pickDefault(backends, settings?.defaultBackend),
    }));
  }, [agents, backends, settings]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !submitting) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOpen, submitting]);

  const update = <K extends keyof CreateForm>(key: K, value: CreateForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const agent = agents?.find((a) => a.id === form.agent);
  const backend = backends?.find((b) => b.id === form.backend);
  const branches = inspection.status === 'ok' ? inspection.info.branches : [];
  const problems = validateForm(form, agent, backend);
  const repoInvalid = inspection.status === 'error';
  const canSubmit = !submitting && !repoInvalid && inspection.status !== 'checking' && Object.keys(problems).length === 0;
  const isShell = form.agent === 'shell';
  const isDocker = form.backend === 'docker';
  const docker = useDockerInfo(isDocker);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    const effective = { ...form, baseBranch: branches.includes(form.baseBranch) ? form.baseBranch : '' };
    const result = await connection.request('sessions.create', buildCreateParams(effective, agent?.supportsModel ?? false));
    setSubmitting(false);
    if (!result.ok) {
      setSubmitError(result.error.message);
      return;
    }
    store.getState().upsertSession(result.value);
    openSession(result.value.id);
    setOpen(false);
  };

  return (
    <div className="modal-backdrop" data-testid="create-backdrop">
      <form
        className="modal create-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="create-title"
        data-testid="create-dialog"
        onSubmit={(e) => void submit(e)}
      >
        <h2 id="create-title">New session</h2>
        <RepoField
          value={form.repoPath}
          onChange={(path) => update('repoPath', path)}
          inspection={inspection}
          recent={recent}
          desktop={desktop}
        />

        <div className="field-grid">
          <div className="field">
            <label htmlFor="create-agent">Agent</label>
            <select
              id="create-agent"
              className="input"
              data-testid="create-agent"
              value={form.agent}
              disabled={!agents}
              onChange={(e) => update('agent', e.target.value as CreateForm['agent'])}
            >
              {!agents ? <option value="">Loading…</option> : null}
              {agents?.map((a) => (
                <option key={a.id} value={a.id} disabled={!a.available} title={a.reason ?? a.description}>
                  {a.name}
                  {a.available ? '' : ` — ${a.reason ?? 'unavailable'}`}
                </option>
              ))}
            </select>
            {agent ? <p className="field-hint">{agent.description}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="create-backend">Backend</label>
            <select
              id="create-backend"
              className="input"
              data-testid="create-backend"
              value={form.backend}
              disabled={!backends}
              onChange={(e) => update('backend', e.target.value as CreateForm['backend'])}
            >
              {!backends ? <option value="">Loading…</option> : null}
              {backends?.map((b) => (
                <option key={b.id} value={b.id} disabled={!b.available} title={b.reason ?? b.description}>
                  {b.name}
                  {b.available ? '' : ` — ${b.reason ?? 'unavailable'}`}
                </option>
              ))}
            </select>
            {backend ? <p className="field-hint">{backend.description}</p> : null}
            <BackendAdvice backend={form.backend} />
          </div>
        </div>

        {form.agent === 'custom' ? (
          <div className="field">
            <label htmlFor="create-command">Command template</label>
            <input
              id="create-command"
              className="input mono"
              data-testid="create-command"
              value={form.command}
              placeholder="my-agent --model {model} {prompt}"
              spellCheck={false}
              onChange={(e) => update('command', e.target.value)}
            />
            <p className="field-hint">
              <code>{'{prompt}'}</code> and <code>{'{model}'}</code> are replaced per argument.
            </p>
          </div>
        ) : null}

        <div className="field">
          <label htmlFor="create-prompt">{isShell ? 'Command to run' : 'Prompt'}</label>
          <textarea
            id="create-prompt"
            className="input mono"
            data-testid="create-prompt"
            rows={isShell ? 2 : 4}
            value={form.prompt}
            placeholder={isShell ? 'e.g. npm test (leave empty for an interactive shell)' : 'What should the agent do?'}
            spellCheck={!isShell}
            onChange={(e) => update('prompt', e.target.value)}
          />
        </div>

        <div className="field-grid">
          <div className="field">
            <label htmlFor="create-name">Session name (optional)</label>
            <input
              id="create-name"
              className="input mono"
              data-testid="create-name"
              value={form.name}
              placeholder={namePlaceholder(form.prompt)}
              spellCheck={false}
              aria-invalid={problems.name !== undefined}
              onChange={(e) => update('name', e.target.value)}
            />
            {problems.name ? <p className="field-error">{problems.name}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="create-base">Base branch (optional)</label>
            <select
              id="create-base"
              className="input"
              data-testid="create-base-branch"
              value={branches.includes(form.baseBranch) ? form.baseBranch : ''}
              disabled={branches.length === 0}
              onChange={(e) => update('baseBranch', e.target.value)}
            >
              <option value="">
                {inspection.status === 'ok' && inspection.info.currentBranch
                  ? `current (${inspection.info.currentBranch})`
                  : 'current branch'}
              </option>
              {branches.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </div>
        </div>

        {agent?.supportsModel ? (
          <div className="field">
            <label htmlFor="create-model">Model (optional)</label>
            <input
              id="create-model"
              className="input mono"
              data-testid="create-model"
              value={form.model}
              placeholder="the agent's default"
              spellCheck={false}
              onChange={(e) => update('model', e.target.value)}
            />
          </div>
        ) : null}

        {isDocker ? (
          <DockerOptionsSection
            form={form.docker}
            onChange={(options) => update('docker', options)}
            defaults={settings?.docker ?? null}
            runtimes={docker.info?.available ? docker.info.runtimes : null}
          />
        ) : null}

        {loadError ? <p className="error-text">{loadError}</p> : null}
        {submitError ? (
          <p className="error-text" role="alert" data-testid="create-error">
            {submitError}
          </p>
        ) : null}

        <div className="modal-actions">
          <button type="button" className="button" data-testid="create-cancel" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="create-submit" disabled={!canSubmit}>
            {submitting ? 'Creating…' : 'Create session'}
          </button>
        </div>
      </form>
    </div>
  );
}
