/**
 * The injection rules of Settings → Injection rules as a table: where each applies, the header it
 * writes and in which format, the credential it names and whether that credential is stored (active) or not
 * (inactive: the host's traffic is tunnelled untouched), with Edit and Remove.
 */
import type { InjectionRule } from '../../../../src-shared/proxy.js';
import { assertNever } from '../../../../src-shared/result.js';
import { DataTable, type Column } from '../../../components/DataTable.js';
import { FORMAT_LABELS, isDefaultRule, ruleState, ruleTarget, type RuleState } from './rule-form.js';

interface RulesTableProps {
  rules: readonly InjectionRule[];
  credentialNames: readonly string[] | null;
  /** Id of the rule open in the editor, if one is. */
  editingId: string | null;
  onEdit(rule: InjectionRule): void;
  onRemove(rule: InjectionRule): void;
}

/** Whether the rule injects, in words. */
function RuleStateCell({ state }: { state: RuleState }) {
  switch (state) {
    case 'active':
      return (
        <>
          <span className="rule-state rule-active" data-testid="rule-state" data-state={state}>
            Active
          </span>
          <span className="rule-state-note" data-testid="rule-state-note">
            credential stored
          </span>
        </>
      );
    case 'inactive':
      return (
        <>
          <span className="rule-state rule-inactive" data-testid="rule-state" data-state={state}>
            Inactive
          </span>
          <span className="rule-state-note" data-testid="rule-state-note">
            credential not stored: tunnelled untouched
          </span>
        </>
      );
    case 'unknown':
      return (
        <span className="rule-state rule-unknown" data-testid="rule-state" data-state={state} title="The stored credentials could not be listed">
          Unknown
        </span>
      );
    default:
      return assertNever(state);
  }
}

export function RulesTable({ rules, credentialNames, editingId, onEdit, onRemove }: RulesTableProps) {
  const columns: Column<InjectionRule>[] = [
    {
      header: 'Host',
      render: (rule) => (
        <>
          <span className="mono rule-target nowrap" data-testid="rule-target">
            {ruleTarget(rule)}
          </span>
          {isDefaultRule(rule) ? (
            <span className="rule-default" data-testid="rule-default">
              default
            </span>
          ) : null}
          <span className="rule-id" data-testid="rule-id">
            {rule.id}
          </span>
        </>
      ),
    },
    {
      header: 'Injects',
      className: 'nowrap',
      title: (rule) => `${rule.header}: ${FORMAT_LABELS[rule.format]}`,
      render: (rule) => (
        <>
          <span className="mono" data-testid="rule-header">
            {rule.header}
          </span>
          <span className="rule-format" data-testid="rule-format-cell">
            {rule.format}
          </span>
        </>
      ),
    },
    { header: 'Credential', className: 'mono nowrap', testId: 'rule-credential', render: (rule) => rule.credential },
    { header: 'Status', className: 'rule-state-cell', render: (rule) => <RuleStateCell state={ruleState(rule, credentialNames)} /> },
    {
      header: 'Actions',
      headerHidden: true,
      className: 'actions-cell nowrap',
      render: (rule) => (
        <>
          <button type="button" className="button small" data-testid="rule-edit" aria-label={`Edit the rule for ${rule.host}`} onClick={() => onEdit(rule)}>
            Edit
          </button>{' '}
          <button type="button" className="button small danger" data-testid="rule-remove" aria-label={`Remove the rule for ${rule.host}`} onClick={() => onRemove(rule)}>
            Remove
          </button>
        </>
      ),
    },
  ];
  return (
    <DataTable
      className="rules-table"
      testId="rules-table"
      columns={columns}
      rows={rules}
      rowKey={(rule) => rule.id}
      rowAttributes={(rule) => ({
        className: `rule-row${editingId === rule.id ? ' rule-editing' : ''}`,
        'data-testid': 'rule-row',
        'data-rule': rule.id,
        'data-host': rule.host,
        'data-state': ruleState(rule, credentialNames),
      })}
      empty={{ text: 'No rules: no TLS is intercepted and nothing is injected in CONNECT mode.', testId: 'rules-empty' }}
    />
  );
}
