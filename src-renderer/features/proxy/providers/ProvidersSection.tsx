/**
 * Settings → Providers: each provider the credential proxy routes (`providers.list`) with its health,
 * upstream and credential; each saved on its own with `providers.set`.
 */
import { useState } from 'react';
import { useAppState } from '../../../app/services.js';
import { providerSaved } from './provider-form.js';
import { ProviderRow, type ProviderSaveStatus } from './ProviderRow.js';
import { useProviders } from './use-providers.js';
import '../proxy.css';

const IDLE: ProviderSaveStatus = { kind: 'idle' };

export function ProvidersSection() {
  const state = useProviders();
  const overrides = useAppState((s) => s.settings?.proxy.providers);
  const [statuses, setStatuses] = useState<Record<string, ProviderSaveStatus>>({});
  const { providers, credentialNames } = state;

  return (
    <section className="settings-section" data-testid="settings-providers">
      <div className="section-head">
        <h2>Providers</h2>
        <button type="button" className="button small" data-testid="providers-refresh" disabled={state.loading} onClick={() => void state.refresh()}>
          Refresh
        </button>
      </div>
      <p className="field-hint">
        Where the credential proxy sends each provider&apos;s requests, and which stored credential it injects. Sessions get the proxy&apos;s
        address and a stand-in key, never the credential. Automatic uses the credential named like the provider, else the first one of its
        kind.
      </p>
      {state.error ? (
        <p className="error-text" role="alert" data-testid="providers-error">
          {state.error}
        </p>
      ) : null}
      {providers ? (
        <ul className="provider-list" data-testid="provider-list">
          {providers.map((provider) => {
            const saved = providerSaved(
              provider,
              overrides?.find((o) => o.id === provider.id),
            );
            return (
              <ProviderRow
                key={`${provider.id}:${JSON.stringify(saved)}`}
                provider={provider}
                saved={saved}
                credentialNames={credentialNames}
                status={statuses[provider.id] ?? IDLE}
                onStatus={(status) => setStatuses((s) => ({ ...s, [provider.id]: status }))}
                onSave={state.save}
              />
            );
          })}
        </ul>
      ) : !state.error ? (
        <p className="field-hint">Loading…</p>
      ) : null}
    </section>
  );
}
