/**
 * Settings → Credentials: what protects the vault (and its warning, prominently), the stored credentials
 * (masked), and the add/replace form. Values are write-only; see CredentialForm. A locked vault shows why
 * and what to do instead of the form (VaultState.tsx).
 */
import { useState } from 'react';
import type { CredentialDto } from '../../../src-shared/credentials.js';
import { CredentialForm } from './CredentialForm.js';
import { CredentialsTable } from './CredentialsTable.js';
import { credentialToForm, type CredentialFormFields } from './credential-form.js';
import { useCredentials } from './use-credentials.js';
import { VaultLockedBanner, VaultProtectorList } from './VaultState.js';
import './credentials.css';

/** What the form starts from; a new `generation` remounts it, dropping anything typed. */
interface FormSeed {
  generation: number;
  initial?: CredentialFormFields;
}

export function CredentialsSection() {
  const credentials = useCredentials();
  const [seed, setSeed] = useState<FormSeed>({ generation: 0 });
  const { list } = credentials;
  const names = list?.credentials.map((c) => c.name) ?? [];

  const replace = (credential: CredentialDto) => setSeed((s) => ({ generation: s.generation + 1, initial: credentialToForm(credential) }));
  const reset = () => setSeed((s) => ({ generation: s.generation + 1 }));

  return (
    <section className="settings-section" data-testid="settings-credentials">
      <div className="section-head">
        <h2>Credentials</h2>
        <button
          type="button"
          className="button small"
          data-testid="credentials-refresh"
          disabled={credentials.loading}
          onClick={() => void credentials.refresh()}
        >
          Refresh
        </button>
      </div>
      <p className="field-hint">
        Keys and tokens the credential proxy injects for sessions; agents never see them. Stored values are never shown again.
      </p>
      {list && list.vault.locked !== null ? <VaultLockedBanner vault={list.vault} onUnlock={credentials.unlock} onReset={credentials.resetVault} /> : null}
      {list?.warning && list.vault.locked === null ? (
        <div className="vault-warning" role="alert" data-testid="credentials-warning">
          <span className="vault-warning-icon" aria-hidden="true">
            ⚠
          </span>
          <span>{list.warning}</span>
        </div>
      ) : null}
      {list && list.vault.locked === null ? (
        <p className="vault-protection" data-testid="credentials-protection">
          <span className={`engine-dot ${list.warning ? 'vault-weak' : 'engine-available'}`} aria-hidden="true" />
          Vault key: {list.protection}
        </p>
      ) : null}
      {list ? <VaultProtectorList protectors={list.vault.protectors} /> : null}
      {credentials.error ? (
        <p className="error-text" role="alert" data-testid="credentials-error">
          {credentials.error}
        </p>
      ) : null}
      {list ? (
        <CredentialsTable credentials={list.credentials} locked={list.vault.locked !== null} onReplace={replace} onDelete={credentials.remove} />
      ) : !credentials.error ? (
        <p className="field-hint">Loading…</p>
      ) : null}
      {list?.vault.locked ? null : (
        <CredentialForm key={seed.generation} existingNames={names} initial={seed.initial} onSave={credentials.save} onCancel={reset} />
      )}
    </section>
  );
}
