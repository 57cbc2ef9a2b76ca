/**
 * One provider in Settings → Providers: name, status badge and last error, then its upstream, the
 * credential to inject and "allow private addresses", saved with `providers.set`; problems and the
 * server's error are shown inline.
 */
import { useId, useState, type FormEvent } from 'react';
import type { ProviderSetRequest } from '../../../../src-shared/proxy-settings.js';
import type { ProviderDto, ProviderStatus } from '../../../../src-shared/proxy.js';
import type { Result } from '../../../../src-shared/result.js';
import { Field } from '../../../components/Field.js';
import { optionsOf, Select } from '../../../components/Select.js';
import { AUTOMATIC_CREDENTIAL, buildProviderRequest, providerToForm, validateProviderForm, type ProviderForm, type ProviderSaved } from './provider-form.js';

/** Where a provider's last save stands (kept by the section: a save remounts the row). */
export type ProviderSaveStatus = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

interface ProviderRowProps {
  provider: ProviderDto;
  /** What is saved now; remount (key) the row when it changes to start from it again. */
  saved: ProviderSaved;
  credentialNames: readonly string[] | null;
  status: ProviderSaveStatus;
  onStatus(status: ProviderSaveStatus): void;
  onSave(request: ProviderSetRequest): Promise<Result<ProviderDto>>;
}

const STATUS_LABELS: Record<ProviderStatus, string> = {
  ok: 'ok',
  degraded: 'degraded',
  'open-circuit': 'circuit open',
};

export function ProviderStatusBadge({ status }: { status: ProviderStatus }) {
  return (
    <span className={`provider-status provider-${status}`} data-testid="provider-status" data-status={status}>
      {STATUS_LABELS[status]}
    </span>
  );
}

export function ProviderRow({ provider, saved, credentialNames, status, onStatus, onSave }: ProviderRowProps) {
  const ids = useId();
  const [form, setForm] = useState<ProviderForm>(() => providerToForm(saved));
  const problems = validateProviderForm(form, credentialNames);
  const valid = Object.keys(problems).length === 0;
  const request = valid ? buildProviderRequest(provider.id, form, saved) : null;
  const names = credentialNames ?? [];
  // An explicit credential that is no longer stored still shows, so the select says what is saved.
  const missing = form.credential !== AUTOMATIC_CREDENTIAL && !names.includes(form.credential) ? form.credential : null;

  const change = (patch: Partial<ProviderForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    if (status.kind !== 'saving' && status.kind !== 'idle') onStatus({ kind: 'idle' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!request || status.kind === 'saving') return;
    onStatus({ kind: 'saving' });
    const result = await onSave(request);
    onStatus(result.ok ? { kind: 'saved' } : { kind: 'error', message: result.error.message });
  };

  return (
    <li className="provider-row" data-testid="provider-row" data-provider={provider.id}>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <div className="provider-head">
          <span className="provider-name">{provider.name}</span>
          <code className="provider-id">{provider.id}</code>
          <ProviderStatusBadge status={provider.status} />
          <span className="provider-in-use" data-testid="provider-credential-in-use">
            {provider.credential ? (
              <>
                injects <code>{provider.credential}</code>
              </>
            ) : (
              'no credential: nothing injected'
            )}
          </span>
        </div>
        {provider.lastError ? (
          <p className="error-text provider-last-error" data-testid="provider-last-error">
            Last error: {provider.lastError}
          </p>
        ) : null}
        <div className="provider-fields">
          <Field id={`${ids}-upstream`} label="Upstream" error={problems.upstream} errorTestId="provider-problem-upstream">
            {(control) => (
              <input
                {...control}
                className="input mono"
                data-testid="provider-upstream"
                value={form.upstream}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => change({ upstream: e.target.value })}
              />
            )}
          </Field>
          <Field id={`${ids}-credential`} label="Credential" error={problems.credential} errorTestId="provider-problem-credential">
            {(control) => (
              <Select
                control={control}
                testId="provider-credential"
                value={form.credential}
                options={[
                  { value: AUTOMATIC_CREDENTIAL, label: 'Automatic' },
                  ...optionsOf(names),
                  ...(missing ? [{ value: missing, label: `${missing} (not stored)` }] : []),
                ]}
                onChange={(credential) => change({ credential })}
              />
            )}
          </Field>
        </div>
        <div className="provider-actions">
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="provider-allow-private"
              checked={form.allowPrivate}
              onChange={(e) => change({ allowPrivate: e.target.checked })}
            />
            Allow private addresses (loopback, LAN: a local gateway or a test server)
          </label>
          <p
            className={`field-status provider-save-status save-${status.kind}`}
            data-testid="provider-save-status"
            role={status.kind === 'error' ? 'alert' : 'status'}
          >
            {status.kind === 'saving' ? 'Saving…' : null}
            {status.kind === 'saved' ? 'Saved.' : null}
            {status.kind === 'error' ? status.message : null}
          </p>
          <button type="submit" className="button small primary" data-testid="provider-save" disabled={!request || status.kind === 'saving'}>
            {status.kind === 'saving' ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </li>
  );
}
