/**
 * "Advanced (Docker)" in the New session dialog: image, pull policy, volume mode, limits, runtime,
 * network and caches for this session. Blank fields show the Settings → Docker default as their placeholder and are
 * not sent.
 */
import { egressContained, NETWORK_CHOICES, PullPolicy, VolumeMode, type DockerSettings, type NetworkMode } from '../../../src-shared/docker.js';
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
    <div className="field">
      <label htmlFor={`docker-${key}`}>{label}</label>
      <input
        id={`docker-${key}`}
        className="input mono"
        data-testid={`docker-${key}`}
        type="number"
        inputMode="decimal"
        step={step}
        value={form[key]}
        placeholder={placeholder}
        aria-invalid={problems[key] !== undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      {problems[key] ? <p className="field-error">{problems[key]}</p> : null}
    </div>
  );

  return (
    <details className="advanced" data-testid="docker-advanced">
      <summary>Advanced (Docker)</summary>
      <div className="advanced-body">
        <div className="field-grid">
          <div className="field">
            <label htmlFor="docker-image">Image</label>
            <input
              id="docker-image"
              className="input mono"
              data-testid="docker-image"
              value={form.image}
              placeholder={defaults?.defaultImage ?? 'the default image'}
              spellCheck={false}
              aria-invalid={problems.image !== undefined}
              onChange={(e) => set('image', e.target.value)}
            />
            {problems.image ? <p className="field-error">{problems.image}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="docker-pull-policy">Pull policy</label>
            <select
              id="docker-pull-policy"
              className="input"
              data-testid="docker-pull-policy"
              value={form.pullPolicy}
              onChange={(e) => set('pullPolicy', e.target.value as DockerForm['pullPolicy'])}
            >
              <option value="">default ({defaults?.pullPolicy ?? '…'})</option>
              {PullPolicy.options.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
        </div>

        <div className="field">
          <label htmlFor="docker-volume-mode">Volume mode</label>
          <select
            id="docker-volume-mode"
            className="input"
            data-testid="docker-volume-mode"
            value={form.volumeMode}
            onChange={(e) => set('volumeMode', e.target.value as DockerForm['volumeMode'])}
          >
            <option value="">default ({defaults?.volumeMode ?? '…'})</option>
            {VolumeMode.options.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <p className="field-hint" data-testid="docker-volume-hint">
            {VOLUME_MODE_HINT}
          </p>
        </div>

        <div className="field">
          <label htmlFor="docker-network">Network</label>
          <select
            id="docker-network"
            className="input"
            data-testid="docker-network"
            value={form.networkMode}
            onChange={(e) => set('networkMode', e.target.value as DockerForm['networkMode'])}
          >
            <option value="">default ({defaults?.networkMode ?? '…'})</option>
            {networkChoices(form.networkMode).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          {(form.networkMode || defaults?.networkMode) && !egressContained(form.networkMode || defaults!.networkMode) ? (
            <p className="field-error" data-testid="docker-network-open">
              Egress not contained: this session can connect anywhere {form.networkMode || defaults!.networkMode} reaches, bypassing the proxy's egress
              policy and audit.
            </p>
          ) : (
            <p className="field-hint">{NETWORK_HINT}</p>
          )}
        </div>

        <div className="field-grid cols-3">
          {numberField('cpus', 'CPUs', placeholderNumber(limits?.cpus), '0.5')}
          {numberField('memoryMb', 'Memory (MB)', placeholderNumber(limits?.memoryMb), '256')}
          {numberField('pids', 'Processes (pids)', placeholderNumber(limits?.pids), '1')}
        </div>

        <div className="field-grid">
          <div className="field">
            <label htmlFor="docker-runtime">Runtime</label>
            <RuntimeField
              id="docker-runtime"
              testId="docker-runtime"
              value={form.runtime}
              onChange={(runtime) => set('runtime', runtime)}
              runtimes={runtimes}
              defaultLabel={`default (${defaults?.runtime ?? 'runc'})`}
              invalid={problems.runtime !== undefined}
            />
            {problems.runtime ? <p className="field-error">{problems.runtime}</p> : null}
          </div>
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
