/**
 * The editable Docker settings: engine endpoint and TLS, default image and pull policy, warm images,
 * default limits, volume mode, runtime, network and caches. Saves only what changed.
 */
import { useState, type FormEvent } from 'react';
import { egressContained, PullPolicy, VolumeMode, type DockerSettings } from '../../../src-shared/docker.js';
import { Field } from '../../components/Field.js';
import { optionsOf, Select } from '../../components/Select.js';
import { CacheCheckboxes } from '../docker/CacheCheckboxes.js';
import { RuntimeField } from '../docker/RuntimeField.js';
import { NETWORK_HINT, networkChoices, VOLUME_MODE_HINT } from '../sessions/DockerOptionsSection.js';
import { buildDockerPatch, dockerSettingsToForm, validateDockerSettingsForm, type DockerSettingsForm } from './docker-settings-form.js';
import { WarmImagesField } from './WarmImagesField.js';

interface DockerSettingsFieldsProps {
  /** The saved settings; remount (key) the component when they change to start from them again. */
  settings: DockerSettings;
  /** The engine's runtimes; null when the engine can't be asked (free text then). */
  runtimes: readonly string[] | null;
  saving: boolean;
  onSave(patch: Partial<DockerSettings>): void;
}

type TextKey = 'endpoint' | 'tlsCertPath' | 'defaultImage' | 'warmPoolSize' | 'cpus' | 'memoryMb' | 'pids';

export function DockerSettingsFields({ settings, runtimes, saving, onSave }: DockerSettingsFieldsProps) {
  const [form, setForm] = useState<DockerSettingsForm>(() => dockerSettingsToForm(settings));
  const problems = validateDockerSettingsForm(form);
  const valid = Object.keys(problems).length === 0;
  const patch = valid ? buildDockerPatch(form, settings) : {};
  const dirty = valid ? Object.keys(patch).length > 0 : true;
  const set = <K extends keyof DockerSettingsForm>(key: K, value: DockerSettingsForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid && dirty && !saving) onSave(patch);
  };

  const text = (key: TextKey, label: string, options: { placeholder?: string; hint?: string; mono?: boolean; number?: boolean } = {}) => (
    <Field id={`settings-docker-${key}`} label={label} error={problems[key]} hint={options.hint} errorReplacesHint>
      {(control) => (
        <input
          {...control}
          className={`input${options.mono === false ? '' : ' mono'}`}
          data-testid={`settings-docker-${key}`}
          type={options.number ? 'number' : 'text'}
          value={form[key]}
          placeholder={options.placeholder}
          spellCheck={false}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );

  const select = <K extends 'pullPolicy' | 'volumeMode' | 'networkMode'>(
    key: K,
    label: string,
    values: readonly DockerSettingsForm[K][],
    hint: string,
    warning?: { text: string; testId: string },
  ) => (
    <Field id={`settings-docker-${key}`} label={label} hint={hint} warning={warning?.text} warningTestId={warning?.testId}>
      {(control) => <Select control={control} testId={`settings-docker-${key}`} value={form[key]} options={optionsOf(values)} onChange={(v) => set(key, v)} />}
    </Field>
  );

  return (
    <form className="docker-settings" data-testid="settings-docker-form" onSubmit={submit}>
      <div className="field-grid">
        {text('endpoint', 'Engine endpoint', {
          placeholder: 'unix:///var/run/docker.sock',
          hint: 'Empty: $DOCKER_HOST, else the default socket.',
        })}
        {text('tlsCertPath', 'TLS certificate folder', {
          placeholder: 'folder with ca.pem, cert.pem, key.pem',
          hint: 'For tcp:// endpoints with TLS (like DOCKER_CERT_PATH).',
        })}
      </div>

      <h3>Image defaults</h3>
      <div className="field-grid">
        {text('defaultImage', 'Default image')}
        {select('pullPolicy', 'Pull policy', PullPolicy.options, 'IfNotPresent pulls only missing images; Never fails fast.')}
      </div>
      <div className="field-grid">
        <WarmImagesField value={form.warmImages} onChange={(images) => set('warmImages', images)} />
        {text('warmPoolSize', 'Warm-pool size', {
          number: true,
          hint: 'Started containers kept ready per warm image, for the repository you last used with Docker (bind mode); 0 turns the pool off.',
        })}
      </div>

      <h3>Default limits</h3>
      <div className="field-grid cols-3">
        {text('cpus', 'CPUs', { placeholder: 'unlimited', number: true })}
        {text('memoryMb', 'Memory (MB)', { placeholder: 'unlimited', number: true })}
        {text('pids', 'Processes (pids)', { placeholder: 'unlimited', number: true })}
      </div>

      <h3>Containers</h3>
      {select('volumeMode', 'Volume mode', VolumeMode.options, VOLUME_MODE_HINT)}
      <div className="field-grid">
        <Field
          id="settings-docker-runtime"
          label="Runtime"
          error={problems.runtime}
          hint={runtimes === null ? "The engine is unreachable: type the runtime's name." : undefined}
          errorReplacesHint
        >
          {(control) => (
            <RuntimeField control={control} testId="settings-docker-runtime" value={form.runtime} onChange={(runtime) => set('runtime', runtime)} runtimes={runtimes} />
          )}
        </Field>
        {select(
          'networkMode',
          'Network',
          networkChoices(form.networkMode),
          NETWORK_HINT,
          egressContained(form.networkMode)
            ? undefined
            : {
                text: `Egress not contained: sessions on ${form.networkMode} can connect anywhere it reaches, bypassing the proxy's egress policy and audit.`,
                testId: 'settings-docker-network-open',
              },
        )}
      </div>
      <div className="field">
        <span className="field-label">Default caches</span>
        <CacheCheckboxes idPrefix="settings-docker-caches" selected={form.caches} onChange={(caches) => set('caches', caches)} />
      </div>

      <div className="form-actions">
        <button
          type="button"
          className="button"
          data-testid="settings-docker-revert"
          disabled={!dirty || saving}
          onClick={() => setForm(dockerSettingsToForm(settings))}
        >
          Revert
        </button>
        <button type="submit" className="button primary" data-testid="settings-docker-save" disabled={!valid || !dirty || saving}>
          {saving ? 'Saving…' : 'Save Docker settings'}
        </button>
      </div>
    </form>
  );
}
