/**
 * The editable egress and audit settings: default decision, per-host rules, ask timeout, audit on/off
 * and retention. Saves only what changed.
 */
import { useState, type FormEvent } from 'react';
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { AuditSettings, EgressSettings } from '../../../../src-shared/proxy-settings.js';
import type { EgressDecision } from '../../../../src-shared/proxy.js';
import { Field } from '../../../components/Field.js';
import { optionsOf, Select } from '../../../components/Select.js';
import { buildEgressPatch, DECISION_LABELS, DECISIONS, egressToForm, validateEgressForm, type EgressForm } from './egress-form.js';
import { HostRulesField } from './HostRulesField.js';

interface EgressFieldsProps {
  /** The saved settings; remount (key) the component when they change to start from them again. */
  egress: EgressSettings;
  audit: AuditSettings;
  sessions: readonly Pick<SessionDto, 'id' | 'name'>[];
  names: Readonly<Record<string, Pick<SessionDto, 'name'>>>;
  saving: boolean;
  onSave(patch: { egress?: EgressSettings; audit?: AuditSettings }): void;
}

type NumberKey = 'askTimeoutSeconds' | 'retentionDays' | 'retentionRows';

export function EgressFields({ egress, audit, sessions, names, saving, onSave }: EgressFieldsProps) {
  const [form, setForm] = useState<EgressForm>(() => egressToForm(egress, audit));
  const problems = validateEgressForm(form);
  const valid = Object.keys(problems).length === 0;
  const patch = valid ? buildEgressPatch(form, egress, audit) : {};
  const dirty = Object.keys(patch).length > 0;
  const set = <K extends keyof EgressForm>(key: K, value: EgressForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid && dirty && !saving) onSave(patch);
  };

  const number = (key: NumberKey, label: string, hint: string) => (
    <Field id={`settings-egress-${key}`} label={label} error={problems[key]} hint={hint} errorReplacesHint>
      {(control) => <input {...control} className="input mono" data-testid={`settings-egress-${key}`} type="number" value={form[key]} onChange={(e) => set(key, e.target.value)} />}
    </Field>
  );

  return (
    <form className="egress-settings" data-testid="egress-form" noValidate onSubmit={submit}>
      <div className="field-grid">
        <Field id="settings-egress-default" label="Default decision" hint="For hosts no rule names. Ask holds the request and asks you at the top of the window.">
          {(control) => (
            <Select
              control={control}
              testId="settings-egress-default"
              value={form.defaultDecision}
              options={optionsOf(DECISIONS, (d) => DECISION_LABELS[d])}
              onChange={(d: EgressDecision) => set('defaultDecision', d)}
            />
          )}
        </Field>
        {number('askTimeoutSeconds', 'Ask timeout (seconds)', 'A request nobody answers in time is denied.')}
      </div>
      <HostRulesField rules={form.hosts} sessions={sessions} names={names} onChange={(hosts) => set('hosts', hosts)} />

      <h3>Audit</h3>
      <label className="checkbox">
        <input type="checkbox" data-testid="settings-audit-enabled" checked={form.auditEnabled} onChange={(e) => set('auditEnabled', e.target.checked)} />
        Record every request through the proxy (never header values or bodies)
      </label>
      <div className="field-grid">
        {number('retentionDays', 'Keep rows for (days)', 'Older rows are pruned.')}
        {number('retentionRows', 'Keep at most (rows)', 'The oldest rows beyond this are pruned.')}
      </div>
      <p className="field-hint" data-testid="audit-cost-note">
        Audit rows are written in batches off the request path; what that costs in throughput is measured by the bench (
        <code>npm run bench</code>, <code>proxy.audit.loss</code>: audit on vs off).
      </p>
      <div className="form-actions">
        <button type="button" className="button" data-testid="settings-egress-reset" disabled={!dirty || saving} onClick={() => setForm(egressToForm(egress, audit))}>
          Reset
        </button>
        <button type="submit" className="button primary" data-testid="settings-egress-save" disabled={!valid || !dirty || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
