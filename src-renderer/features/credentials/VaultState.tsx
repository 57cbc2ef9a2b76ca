/**
 * The vault's state in Settings → Credentials: which key protectors wrap its key (and which of them this
 * Berth can use), and, when it is locked, why and what to do, with "Try again" and a confirmed "Reset
 * vault" that starts an empty vault and keeps the old file as a backup.
 */
import { useState } from 'react';
import type { VaultProtectorDto, VaultStatusDto } from '../../../src-shared/credentials.js';
import type { Result } from '../../../src-shared/result.js';

/** A protector's state in a few words. */
function protectorState(p: VaultProtectorDto): string {
  if (p.wraps && p.available && p.problem === null) return 'wraps the key';
  if (p.wraps && !p.available) return 'wraps the key, not available here';
  if (p.wraps) return 'wraps the key, did not open here';
  return p.available ? 'available, not used' : 'not available here';
}

/** The protectors, one line each, with the problem where there is one. */
export function VaultProtectorList({ protectors }: { protectors: readonly VaultProtectorDto[] }) {
  const shown = protectors.filter((p) => p.wraps || p.available);
  if (shown.length === 0) return null;
  return (
    <ul className="vault-protectors" data-testid="vault-protectors">
      {shown.map((p) => (
        <li key={p.kind} data-testid="vault-protector" data-kind={p.kind}>
          <span className={`engine-dot ${p.wraps && p.available && p.problem === null ? 'engine-available' : 'vault-weak'}`} aria-hidden="true" />
          <span>
            {p.description}: {protectorState(p)}
            {p.problem ? <span className="field-hint"> — {p.problem}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

interface LockedProps {
  vault: VaultStatusDto;
  onUnlock(): Promise<Result<unknown>>;
  onReset(): Promise<Result<{ backup: string | null }>>;
}

/** The locked vault: reason, fix, and the two ways forward. */
export function VaultLockedBanner({ vault, onUnlock, onReset }: LockedProps) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  if (vault.locked === null) return null;

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(await action());
    setBusy(false);
  };
  const unlock = () =>
    run(async () => {
      const r = await onUnlock();
      return r.ok ? 'Tried again.' : `Could not try again: ${r.error.message}`;
    });
  const reset = () =>
    run(async () => {
      setConfirming(false);
      const r = await onReset();
      if (!r.ok) return `Could not reset the vault: ${r.error.message}`;
      return r.value.backup === null ? 'The vault is empty now.' : `The vault is empty now; the old file is kept as ${r.value.backup}.`;
    });

  return (
    <div className="vault-locked" role="alert" data-testid="credentials-locked">
      <strong>The credential vault is locked.</strong> Its credentials are not used (sessions run without provider keys) and can't be changed
      until it is unlocked.
      <p data-testid="credentials-locked-reason">
        <span className="vault-locked-label">Why: </span>
        {vault.locked.reason}
      </p>
      <p data-testid="credentials-locked-fix">
        <span className="vault-locked-label">Fix: </span>
        {vault.locked.fix}
      </p>
      <div className="vault-locked-actions">
        <button type="button" className="button small primary" data-testid="credentials-unlock" disabled={busy} onClick={() => void unlock()}>
          Try again
        </button>
        {confirming ? (
          <span className="confirm-bar" role="alertdialog" aria-label="Reset the vault?" data-testid="credentials-reset-confirm">
            <span className="confirm-text">Start an empty vault? The old file is kept as a backup; every credential must be set again.</span>
            <button type="button" className="button small danger" data-testid="credentials-reset-confirm-button" disabled={busy} onClick={() => void reset()}>
              Reset vault
            </button>
            <button type="button" className="button small" data-testid="credentials-reset-cancel" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="button small danger" data-testid="credentials-reset" disabled={busy} onClick={() => setConfirming(true)}>
            Reset vault…
          </button>
        )}
      </div>
      {message ? (
        <p className="field-hint" data-testid="credentials-locked-message">
          {message}
        </p>
      ) : null}
    </div>
  );
}
