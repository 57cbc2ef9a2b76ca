/**
 * The add / edit form of Settings → Injection rules: scheme, exact host, port, header, format, the
 * credential's name (a stored one, or one to store later) and an optional id. Problems show once a
 * field is changed or the form is submitted; the rule goes into the list, which is saved on its own.
 */
import { useId, useState, type FormEvent } from 'react';
import type { CredentialFormat, InjectionRule } from '../../../../src-shared/proxy.js';
import { Field } from '../../../components/Field.js';
import { optionsOf, Select } from '../../../components/Select.js';
import { checkRule, FORMAT_LABELS, FORMATS, normalizeRuleHost, suggestRuleId, type RuleForm } from './rule-form.js';

interface RuleEditorProps {
  initial: RuleForm;
  /** The other rules of the list (without the one being edited). */
  others: readonly InjectionRule[];
  credentialNames: readonly string[] | null;
  /** Id of the rule being edited; null when adding. */
  editingId: string | null;
  onSubmit(rule: InjectionRule): void;
  onCancel(): void;
}

type FormField = keyof RuleForm;

/** The schemes a rule can apply to. */
const SCHEMES = optionsOf<RuleForm['scheme']>(['https', 'http']);

export function RuleEditor({ initial, others, credentialNames, editingId, onSubmit, onCancel }: RuleEditorProps) {
  const ids = useId();
  const [form, setForm] = useState<RuleForm>(initial);
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const check = checkRule(form, others);
  const problems = check.ok ? {} : check.problems;
  const shown = (field: FormField) => ((attempted || touched.has(field)) && problems[field] ? problems[field] : undefined);
  const names = credentialNames ?? [];
  const credential = form.credential.trim();
  const adding = editingId === null;

  const set = <K extends FormField>(key: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setTouched((t) => new Set(t).add(key));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (check.ok) onSubmit(check.rule);
  };

  const text = (field: 'host' | 'port' | 'header' | 'id', label: string, hint: string, placeholder?: string) => (
    <Field id={`${ids}-${field}`} label={label} error={shown(field)} errorTestId={`rule-problem-${field}`} hint={hint} errorReplacesHint>
      {(control) => (
        <input
          {...control}
          className="input mono"
          data-testid={`rule-${field}`}
          value={form[field]}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          inputMode={field === 'port' ? 'numeric' : undefined}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  const credentialHint =
    credential === ''
      ? 'The name of a credential under Credentials.'
      : credentialNames === null
        ? 'Whether it is stored is unknown: the credentials could not be listed.'
        : names.includes(credential)
          ? 'Stored: the rule is active once saved.'
          : 'Not stored yet: the rule stays inactive (traffic tunnelled untouched) until a credential with this name is added.';
  const idHint = form.id.trim()
    ? 'Names the rule in settings files and logs.'
    : `Blank: made from the host${normalizeRuleHost(form.host) ? ` (${suggestRuleId(form.host, new Set(others.map((r) => r.id)))})` : ''}.`;

  return (
    <form className="rule-editor" data-testid="rule-editor" data-mode={adding ? 'add' : 'edit'} noValidate onSubmit={submit}>
      <h3>{adding ? 'Add a rule' : `Edit rule ${editingId}`}</h3>
      <div className="field-grid rule-target-fields">
        <Field id={`${ids}-scheme`} label="Scheme">
          {(control) => <Select control={control} testId="rule-scheme" value={form.scheme} options={SCHEMES} onChange={(scheme) => set('scheme', scheme)} />}
        </Field>
        {text('host', 'Host', 'Exact host name or IP address, no wildcards (*.example.com is not supported).', 'api.example.com')}
        {text('port', 'Port', `Blank: ${form.scheme === 'https' ? '443' : '80'}.`, form.scheme === 'https' ? '443' : '80')}
      </div>
      <div className="field-grid cols-3">
        {text('header', 'Header', 'Client-supplied credential headers are stripped first.', 'authorization')}
        <Field id={`${ids}-format`} label="Format" hint="What goes into the header; <key> is the credential.">
          {(control) => (
            <Select
              control={control}
              testId="rule-format"
              value={form.format}
              options={optionsOf(FORMATS, (f) => `${f}: ${FORMAT_LABELS[f]}`)}
              onChange={(format: CredentialFormat) => set('format', format)}
            />
          )}
        </Field>
        <Field
          id={`${ids}-credential`}
          label="Credential"
          error={shown('credential')}
          errorTestId="rule-problem-credential"
          hint={credentialHint}
          hintTestId="rule-credential-hint"
          errorReplacesHint
        >
          {(control) => (
            <>
              <input
                {...control}
                className="input mono"
                data-testid="rule-credential-name"
                list={`${ids}-credential-names`}
                value={form.credential}
                placeholder="e.g. github"
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => set('credential', e.target.value)}
              />
              <datalist id={`${ids}-credential-names`}>
                {names.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <div className="field-grid">{text('id', 'Id (optional)', idHint, 'e.g. github-api')}</div>
      {problems.list ? (
        <p className="field-error" data-testid="rule-problem-list">
          {problems.list}
        </p>
      ) : null}
      <div className="form-actions">
        {adding ? null : (
          <button type="button" className="button" data-testid="rule-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="button" data-testid="rule-submit" disabled={attempted && !check.ok}>
          {adding ? 'Add rule' : 'Update rule'}
        </button>
      </div>
    </form>
  );
}
