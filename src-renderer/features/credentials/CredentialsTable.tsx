/**
 * The stored credentials as a table: name, kind, source, masked value, last use and last error, with
 * Replace and Delete (confirmed inline) on each row. Never a value: the DTOs carry none.
 */
import { useState } from 'react';
import type { CredentialDto } from '../../../src-shared/credentials.js';
import { assertNever, type Result } from '../../../src-shared/result.js';
import { formatLastUsed, kindLabel, maskedText } from './credential-format.js';

interface CredentialsTableProps {
  credentials: readonly CredentialDto[];
  /** The vault is locked: the rows are what its file names, and offer no actions. */
  locked?: boolean;
  onReplace(credential: CredentialDto): void;
  onDelete(name: string): Promise<Result<unknown>>;
}

/** Where the source of a credential is, in words: "typed", "env VAR", "command …". */
function SourceCell({ credential }: { credential: CredentialDto }) {
  const { source } = credential;
  switch (source.type) {
    case 'value':
      return <span className="credential-source-type">typed</span>;
    case 'env':
      return (
        <>
          <span className="credential-source-type">env</span> <code>{source.variable}</code>
        </>
      );
    case 'command':
      return (
        <>
          <span className="credential-source-type">command</span>{' '}
          <code className="credential-command" title={source.command}>
            {source.command}
          </code>
        </>
      );
    default:
      return assertNever(source);
  }
}

export function CredentialsTable({ credentials, locked = false, onReplace, onDelete }: CredentialsTableProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const now = Date.now();

  const remove = async (name: string) => {
    setConfirming(null);
    setDeleting(name);
    const result = await onDelete(name);
    setDeleting(null);
    setDeleteError(result.ok ? null : `Could not delete ${name}: ${result.error.message}`);
  };

  return (
    <>
      <table className="data-table credentials-table" data-testid="credentials-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Source</th>
            <th scope="col">Value</th>
            <th scope="col">Last used</th>
            <th scope="col">Last error</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {credentials.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty-cell" data-testid="credentials-empty">
                No credentials stored yet.
              </td>
            </tr>
          ) : (
            credentials.map((credential) => (
              <tr key={credential.name} data-testid="credential-row" data-name={credential.name}>
                <td className="mono nowrap" data-testid="credential-row-name">
                  {credential.name}
                </td>
                <td className="nowrap">{kindLabel(credential.kind)}</td>
                <td className="credential-source-cell" data-testid="credential-row-source">
                  <SourceCell credential={credential} />
                </td>
                <td className="mono nowrap" data-testid="credential-row-masked">
                  {credential.masked === null ? <span className="empty-cell">{maskedText(credential)}</span> : maskedText(credential)}
                </td>
                <td className="nowrap" title={credential.lastUsedAt === null ? undefined : new Date(credential.lastUsedAt).toLocaleString()}>
                  {formatLastUsed(credential.lastUsedAt, now)}
                </td>
                <td className="credential-error-cell" data-testid="credential-row-error">
                  {credential.lastError ? <span className="error-text">{credential.lastError}</span> : <span className="empty-cell">—</span>}
                </td>
                <td className="actions-cell nowrap">
                  {locked ? (
                    <span className="empty-cell" data-testid="credential-row-locked">
                      locked
                    </span>
                  ) : confirming === credential.name ? (
                    <span className="confirm-bar" role="alertdialog" aria-label={`Delete ${credential.name}?`} data-testid="credential-delete-confirm">
                      <span className="confirm-text">Delete?</span>
                      <button
                        type="button"
                        className="button small danger"
                        data-testid="credential-delete-confirm-button"
                        onClick={() => void remove(credential.name)}
                      >
                        Delete
                      </button>
                      <button type="button" className="button small" data-testid="credential-delete-cancel" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <span className="row-actions">
                      <button type="button" className="button small" data-testid="credential-replace" onClick={() => onReplace(credential)}>
                        Replace
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        data-testid="credential-delete"
                        disabled={deleting !== null}
                        onClick={() => setConfirming(credential.name)}
                      >
                        {deleting === credential.name ? 'Deleting…' : 'Delete'}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {deleteError ? (
        <p className="error-text" role="alert" data-testid="credential-delete-error">
          {deleteError}
        </p>
      ) : null}
    </>
  );
}
