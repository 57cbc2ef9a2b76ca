/**
 * "Advanced (Docker)" in the New session dialog: image, pull policy, volume mode, limits, runtime,
 * network and caches for this session. Blank fields show the Settings → Docker default as their placeholder and are
 * not sent.
 */
import { egressContained, NETWORK_CHOICES, PullPolicy, VolumeMode, type DockerSettings, type NetworkMode } from '../../../src-shared/docker.js';
import { Field } from '../../components/Field.js';
import { optionsOf, Select } from '../../components/Select.js';
import { CacheCheckboxes } from '../docker/CacheCheckboxes.js';
import { RuntimeField } from '../docker/RuntimeField.js';
import { validateDockerForm, type DockerForm } from './docker-options.js';

/** The trade-off between the two ways the worktree reaches the container, in one line. */
export const VOLUME_MODE_HINT =
  'bind: live edits, best on Linux · volume: copied in and synced back on stop, faster on macOS/Windows file sharing';

/** What each network choice means, in one line. */
export const NETWORK_HINT = "contained: only Berth's proxy is reachable (egress policy and audit apply) · none: no network · bridge or another engine network: open, egress not contained";

/** The network choices to offer: contained, bridge, none, and a named engine network already chosen. */
export function networkChoices(current: NetworkMode | ''): NetworkMode[] {
  const choices: NetworkMode[] = [...NETWORK_CHOICES];
  return current && !choices.includes(current) ? [...choices, current] : choices;
}

interface DockerOptionsSectionProps {
  form: DockerForm;
  onChange(form: DockerForm): void;
  /** Settings → Docker, for placeholders; null while loading. */
  defaults: DockerSettings | null;
  /** The engine's runtimes; null when unknown. */
  runtimes: readonly string[] | null;
}

function placeholderNumber(value: number | null | undefined, unlimited = 'unlimited'): string {
  if (value === undefined) return '';
  return value === null ? unlimited : String(value);
}

export function DockerOptionsSection({ form, onChange, defaults, runtimes }: DockerOptionsSectionProps) {
  const problems = validateDockerForm(form);
  const set = <K extends keyof DockerForm>(key: K, value: DockerForm[K]) => onChange({ ...form, [key]: value });
  const limits = defaults?.limits;

  const numberField = (key: 'cpus' | 'memoryMb' | 'pids', label: string, placeholder: string, step: string) => (
    <Field id={`docker-${key}`} label={label} error={problems[key]}>
      {(control) => (
        <input
          {...control}
          className="input mono"
          data-testid={`docker-${key}`}
          type="number"
          inputMode="decimal"
          step={step}
          value={form[key]}
          placeholder={placeholder}
          onChange={(e) => set(key, e.target.value)}
        />
      )}
    </Field>
  );

  /** A select whose first choice is "default (the Settings value)"; `note` is a hint or a warning under it. */
  const select = <K extends 'pullPolicy' | 'volumeMode' | 'networkMode'>(
    key: K,
    id: string,
    label: string,
    values: readonly string[],
    defaultValue: string | undefined,
    note: { hint?: string; hintTestId?: string; warning?: string; warningTestId?: string } = {},
  ) => (
    <Field id={id} label={label} {...note}>
      {(control) => (
        <Select
          control={control}
          testId={id}
          value={form[key]}
          options={[{ value: '', label: `default (${defaultValue ?? '…'})` }, ...optionsOf(values)]}
          onChange={(v) => set(key, v as DockerForm[K])}
        />
      )}
    </Field>
  );

  const network = form.networkMode || defaults?.networkMode;

  return (
    <details className="advanced" data-testid="docker-advanced">
      <summary>Advanced (Docker)</summary>
      <div className="advanced-body">
        <div className="field-grid">
          <Field id="docker-image" label="Image" error={problems.image}>
            {(control) => (
              <input
                {...control}
                className="input mono"
                data-testid="docker-image"
                value={form.image}
                placeholder={defaults?.defaultImage ?? 'the default image'}
                spellCheck={false}
                onChange={(e) => set('image', e.target.value)}
              />
            )}
          </Field>
          {select('pullPolicy', 'docker-pull-policy', 'Pull policy', PullPolicy.options, defaults?.pullPolicy)}
        </div>

        {select('volumeMode', 'docker-volume-mode', 'Volume mode', VolumeMode.options, defaults?.volumeMode, { hint: VOLUME_MODE_HINT, hintTestId: 'docker-volume-hint' })}

        {select('networkMode', 'docker-network', 'Network', networkChoices(form.networkMode), defaults?.networkMode, {
          hint: NETWORK_HINT,
          ...(network && !egressContained(network)
            ? {
                warning: `Egress not contained: this session can connect anywhere ${network} reaches, bypassing the proxy's egress policy and audit.`,
                warningTestId: 'docker-network-open',
              }
            : {}),
        })}

        <div className="field-grid cols-3">
          {numberField('cpus', 'CPUs', placeholderNumber(limits?.cpus), '0.5')}
          {numberField('memoryMb', 'Memory (MB)', placeholderNumber(limits?.memoryMb), '256')}
          {numberField('pids', 'Processes (pids)', placeholderNumber(limits?.pids), '1')}
        </div>

        <div className="field-grid">
          <Field id="docker-runtime" label="Runtime" error={problems.runtime}>
            {(control) => (
              <RuntimeField
                control={control}
                testId="docker-runtime"
                value={form.runtime}
                onChange={(runtime) => set('runtime', runtime)}
                runtimes={runtimes}
                defaultLabel={`default (${defaults?.runtime ?? 'runc'})`}
              />
            )}
          </Field>
          <div className="field">
            <span className="field-label" id="docker-caches-label">
              Caches{' '}
              {form.caches !== null ? (
                <button type="button" className="link-button" data-testid="docker-caches-reset" onClick={() => set('caches', null)}>
                  use defaults
                </button>
              ) : (
                <span className="field-hint-inline">(defaults)</span>
              )}
            </span>
            <CacheCheckboxes
              idPrefix="docker-caches"
              selected={form.caches ?? defaults?.caches ?? []}
              onChange={(caches) => set('caches', caches)}
            />
          </div>
        </div>
      </div>
    </details>
  );
}
