/**
 * The stored credentials as a table: name, kind, source, masked value, last use and last error, with
 * Replace and Delete (confirmed inline) on each row. Never a value: the DTOs carry none.
 */
import { useState } from 'react';
import type { CredentialDto } from '../../../src-shared/credentials.js';
import { assertNever, type Result } from '../../../src-shared/result.js';
import { DataTable, type Column } from '../../components/DataTable.js';
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

  const actions = (credential: CredentialDto) =>
    locked ? (
      <span className="empty-cell" data-testid="credential-row-locked">
        locked
      </span>
    ) : confirming === credential.name ? (
      <span className="confirm-bar" role="alertdialog" aria-label={`Delete ${credential.name}?`} data-testid="credential-delete-confirm">
        <span className="confirm-text">Delete?</span>
        <button type="button" className="button small danger" data-testid="credential-delete-confirm-button" onClick={() => void remove(credential.name)}>
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
    );

  const columns: Column<CredentialDto>[] = [
    { header: 'Name', className: 'mono nowrap', testId: 'credential-row-name', render: (c) => c.name },
    { header: 'Kind', className: 'nowrap', render: (c) => kindLabel(c.kind) },
    { header: 'Source', className: 'credential-source-cell', testId: 'credential-row-source', render: (c) => <SourceCell credential={c} /> },
    {
      header: 'Value',
      className: 'mono nowrap',
      testId: 'credential-row-masked',
      render: (c) => (c.masked === null ? <span className="empty-cell">{maskedText(c)}</span> : maskedText(c)),
    },
    {
      header: 'Last used',
      className: 'nowrap',
      title: (c) => (c.lastUsedAt === null ? undefined : new Date(c.lastUsedAt).toLocaleString()),
      render: (c) => formatLastUsed(c.lastUsedAt, now),
    },
    {
      header: 'Last error',
      className: 'credential-error-cell',
      testId: 'credential-row-error',
      render: (c) => (c.lastError ? <span className="error-text">{c.lastError}</span> : <span className="empty-cell">—</span>),
    },
    { header: 'Actions', headerHidden: true, className: 'actions-cell nowrap', render: actions },
  ];

  return (
    <>
      <DataTable
        className="credentials-table"
        testId="credentials-table"
        columns={columns}
        rows={credentials}
        rowKey={(c) => c.name}
        rowAttributes={(c) => ({ 'data-testid': 'credential-row', 'data-name': c.name })}
        empty={{ text: 'No credentials stored yet.', testId: 'credentials-empty' }}
      />
      {deleteError ? (
        <p className="error-text" role="alert" data-testid="credential-delete-error">
          {deleteError}
        </p>
      ) : null}
    </>
  );
}
