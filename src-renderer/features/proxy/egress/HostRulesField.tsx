/**
 * The per-host egress rules of Settings → Egress: a table (host, decision, session or all sessions,
 * remove) and a row to add one.
 */
import { useState, type KeyboardEvent } from 'react';
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { EgressHostRule } from '../../../../src-shared/proxy-settings.js';
import type { EgressDecision } from '../../../../src-shared/proxy.js';
import { DataTable } from '../../../components/DataTable.js';
import { sessionLabel } from '../proxy-format.js';
import { checkHostRule, DECISION_LABELS, DECISIONS, type HostRuleDraft } from './egress-form.js';

/** The scope select's value for "all sessions". */
const ALL_SESSIONS = '';

interface HostRulesFieldProps {
  rules: readonly EgressHostRule[];
  /** Sessions a rule can be scoped to (active ones). */
  sessions: readonly Pick<SessionDto, 'id' | 'name'>[];
  /** Every known session by id, to name the scope of existing rules. */
  names: Readonly<Record<string, Pick<SessionDto, 'name'>>>;
  onChange(rules: EgressHostRule[]): void;
}

function DecisionSelect({ value, onChange, testId, label }: { value: EgressDecision; onChange(d: EgressDecision): void; testId: string; label: string }) {
  return (
    <select className="input input-compact" data-testid={testId} aria-label={label} value={value} onChange={(e) => onChange(e.target.value as EgressDecision)}>
      {DECISIONS.map((d) => (
        <option key={d} value={d}>
          {DECISION_LABELS[d]}
        </option>
      ))}
    </select>
  );
}

export function HostRulesField({ rules, sessions, names, onChange }: HostRulesFieldProps) {
  const [draft, setDraft] = useState<HostRuleDraft>({ host: '', decision: 'allow', sessionId: null });
  const [problem, setProblem] = useState<string | null>(null);

  const add = () => {
    const check = checkHostRule(draft, rules);
    if (!check.ok) return setProblem(check.problem);
    onChange([...rules, check.rule]);
    setDraft((d) => ({ ...d, host: '' }));
    setProblem(null);
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  };

  return (
    <div className="field" data-testid="egress-hosts">
      <span className="field-label">Rules per host</span>
      <DataTable
        className="egress-rules"
        columns={[
          { header: 'Host', className: 'mono', render: (rule) => rule.host },
          {
            header: 'Decision',
            render: (rule) => (
              <DecisionSelect
                value={rule.decision}
                testId="egress-rule-decision"
                label={`Decision for ${rule.host}`}
                onChange={(decision) => onChange(rules.map((r) => (r === rule ? { ...r, decision } : r)))}
              />
            ),
          },
          { header: 'Applies to', testId: 'egress-rule-scope', render: (rule) => (rule.sessionId === null ? 'All sessions' : `Session ${sessionLabel(rule.sessionId, names)}`) },
          {
            header: 'Actions',
            headerHidden: true,
            className: 'actions-cell',
            render: (rule) => (
              <button
                type="button"
                className="button small danger"
                data-testid="egress-rule-remove"
                aria-label={`Remove the rule for ${rule.host}`}
                onClick={() => onChange(rules.filter((r) => r !== rule))}
              >
                Remove
              </button>
            ),
          },
        ]}
        rows={rules}
        rowKey={(rule) => `${rule.host}|${rule.sessionId ?? ''}`}
        rowAttributes={(rule) => ({ 'data-testid': 'egress-rule', 'data-host': rule.host })}
        empty={{ text: 'No rules: every host gets the default decision.', testId: 'egress-hosts-empty' }}
        footer={
          <tr className="egress-rule-add">
            <td>
              <input
                className="input input-compact mono"
                data-testid="egress-add-host"
                aria-label="Host of the new rule"
                placeholder="api.example.com or *.example.com"
                spellCheck={false}
                autoComplete="off"
                value={draft.host}
                aria-invalid={problem !== null}
                onChange={(e) => {
                  setDraft((d) => ({ ...d, host: e.target.value }));
                  setProblem(null);
                }}
                onKeyDown={onKey}
              />
            </td>
            <td>
              <DecisionSelect value={draft.decision} testId="egress-add-decision" label="Decision of the new rule" onChange={(decision) => setDraft((d) => ({ ...d, decision }))} />
            </td>
            <td>
              <select
                className="input input-compact"
                data-testid="egress-add-scope"
                aria-label="Sessions the new rule applies to"
                value={draft.sessionId ?? ALL_SESSIONS}
                onChange={(e) => setDraft((d) => ({ ...d, sessionId: e.target.value === ALL_SESSIONS ? null : e.target.value }))}
              >
                <option value={ALL_SESSIONS}>All sessions</option>
                {sessions.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </td>
            <td className="actions-cell">
              <button type="button" className="button small" data-testid="egress-add" disabled={!draft.host.trim()} onClick={add}>
                Add
              </button>
            </td>
          </tr>
        }
      />
      {problem ? (
        <p className="field-error" data-testid="egress-add-problem">
          {problem}
        </p>
      ) : (
        <p className="field-hint">A session&apos;s own rule wins over a rule for all sessions, which wins over the default; exact hosts win over *. patterns.</p>
      )}
    </div>
  );
}
