/**
 * "New session" dialog: repository, agent, backend, prompt and options; submits `sessions.create`.
 *
 * Everything typed survives a failed submit; on success the dialog closes and the session opens.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Field } from '../../components/Field.js';
import { optionsOf, Select, type SelectOption } from '../../components/Select.js';
import { useAppState, useServices } from '../../app/services.js';
import { buildCreateParams, EMPTY_FORM, namePlaceholder, pickDefault, validateForm, type CreateForm } from './create-form.js';
import { BackendAdvice } from '../bench/BackendAdvice.js';
import { useDockerInfo } from '../docker/use-docker-info.js';
import { DockerOptionsSection } from './DockerOptionsSection.js';
import { RepoField } from './RepoField.js';
import { useCreateOptions } from './use-create-options.js';
import { useRepoInspect } from './use-repo-inspect.js';
import { applyRepoDefaults, useRepoDefaults } from './repo-defaults.js';

/**
 * Agents or backends as choices: "Loading…" until they are in, unusable ones disabled with the reason.
 */
function choices(items: readonly { id: string; name: string; description: string; available: boolean; reason: string | null }[] | null): SelectOption<string>[] {
  if (!items) return [{ value: '', label: 'Loading…' }];
  return items.map((i) => ({
    value: i.id,
    label: `${i.name}${i.available ? '' : ` — ${i.reason ?? 'unavailable'}`}`,
    disabled: !i.available,
    title: i.reason ?? i.description,
  }));
}

export function CreateDialog() {
  const { connection, store, desktop } = useServices();
  const setOpen = useAppState((s) => s.setCreateDialogOpen);
  const openSession = useAppState((s) => s.openSession);
  const { agents, backends, recent, settings, loadError } = useCreateOptions();
  const preset = useAppState((s) => s.createPreset);
  const [form, setForm] = useState<CreateForm>(() => (preset ? { ...EMPTY_FORM, ...preset, model: preset.model ?? '' } : EMPTY_FORM));

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
  // Picking a repository takes its defaults (.berth.json or Settings → Repositories).
  useRepoDefaults(inspection.status === 'ok' ? inspection.info.path : null, (defaults) => {
    // A quick session's agent, backend and model win over its repository's defaults (its base branch doesn't).
    const kept = preset && form.repoPath === preset.repoPath ? { agent: undefined, backend: undefined, model: undefined } : {};
    setForm((f) => applyRepoDefaults(f, { ...defaults, ...kept }, { agents, backends, branches }));
  });
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
          <Field id="create-agent" label="Agent" hint={agent?.description}>
            {(control) => (
              <Select
                control={control}
                testId="create-agent"
                value={form.agent}
                disabled={!agents}
                options={choices(agents)}
                onChange={(id) => update('agent', id as CreateForm['agent'])}
              />
            )}
          </Field>
          <Field id="create-backend" label="Backend" hint={backend?.description} footer={<BackendAdvice backend={form.backend} />}>
            {(control) => (
              <Select
                control={control}
                testId="create-backend"
                value={form.backend}
                disabled={!backends}
                options={choices(backends)}
                onChange={(id) => update('backend', id as CreateForm['backend'])}
              />
            )}
          </Field>
        </div>

        {form.agent === 'custom' ? (
          <Field
            id="create-command"
            label="Command template"
            hint={
              <>
                <code>{'{prompt}'}</code> and <code>{'{model}'}</code> are replaced per argument.
              </>
            }
          >
            {(control) => (
              <input
                {...control}
                className="input mono"
                data-testid="create-command"
                value={form.command}
                placeholder="my-agent --model {model} {prompt}"
                spellCheck={false}
                onChange={(e) => update('command', e.target.value)}
              />
            )}
          </Field>
        ) : null}

        <Field id="create-prompt" label={isShell ? 'Command to run' : 'Prompt'}>
          {(control) => (
            <textarea
              {...control}
              className="input mono"
              data-testid="create-prompt"
              rows={isShell ? 2 : 4}
              value={form.prompt}
              placeholder={isShell ? 'e.g. npm test (leave empty for an interactive shell)' : 'What should the agent do?'}
              spellCheck={!isShell}
              onChange={(e) => update('prompt', e.target.value)}
            />
          )}
        </Field>

        <div className="field-grid">
          <Field id="create-name" label="Session name (optional)" error={problems.name}>
            {(control) => (
              <input
                {...control}
                className="input mono"
                data-testid="create-name"
                value={form.name}
                placeholder={namePlaceholder(form.prompt)}
                spellCheck={false}
                onChange={(e) => update('name', e.target.value)}
              />
            )}
          </Field>
          <Field id="create-base" label="Base branch (optional)">
            {(control) => (
              <Select
                control={control}
                testId="create-base-branch"
                value={branches.includes(form.baseBranch) ? form.baseBranch : ''}
                disabled={branches.length === 0}
                options={[
                  { value: '', label: inspection.status === 'ok' && inspection.info.currentBranch ? `current (${inspection.info.currentBranch})` : 'current branch' },
                  ...optionsOf(branches),
                ]}
                onChange={(branch) => update('baseBranch', branch)}
              />
            )}
          </Field>
        </div>

        {agent?.supportsModel ? (
          <Field id="create-model" label="Model (optional)">
            {(control) => (
              <input
                {...control}
                className="input mono"
                data-testid="create-model"
                value={form.model}
                placeholder="the agent's default"
                spellCheck={false}
                onChange={(e) => update('model', e.target.value)}
              />
            )}
          </Field>
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
