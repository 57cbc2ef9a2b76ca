/**
 * The add/replace form of Settings → Credentials: name, kind, source (a typed value, an environment
 * variable or a command) and Save.
 *
 * The typed value is write-only. It lives only in an uncontrolled password input (never in React state,
 * the store or an HTML attribute), is read once when Save is pressed, and the input is cleared as the
 * request goes out, whatever the answer. Unmounting the form (Cancel) drops it with the input.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CredentialDto, CredentialKind, CredentialSetRequest } from '../../../src-shared/credentials.js';
import type { Result } from '../../../src-shared/result.js';
import { Field } from '../../components/Field.js';
import { Select } from '../../components/Select.js';
import {
  SOURCE_TYPES,
  checkCredentialForm,
  emptyCredentialForm,
  type CredentialField,
  type CredentialFormFields,
  type CredentialProblems,
  type SourceType,
} from './credential-form.js';
import { KIND_OPTIONS, sourceTypeLabel } from './credential-format.js';

/** Where the last save stands. */
type FormStatus = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; name: string } | { kind: 'error'; message: string };

interface CredentialFormProps {
  /** Names already stored: typing one of them turns Save into Replace. */
  existingNames: readonly string[];
  /** Fields to start from (Replace on a row); a blank form otherwise. */
  initial?: CredentialFormFields;
  onSave(request: CredentialSetRequest): Promise<Result<CredentialDto>>;
  /** Cancel: the owner remounts the form, which drops whatever was typed. */
  onCancel(): void;
}

export function CredentialForm({ existingNames, initial, onSave, onCancel }: CredentialFormProps) {
  const ids = useId();
  const [fields, setFields] = useState<CredentialFormFields>(initial ?? emptyCredentialForm());
  const [problems, setProblems] = useState<CredentialProblems>({});
  /** Problems are shown from the first Save on, then kept current as the user types. */
  const [checked, setChecked] = useState(false);
  const [status, setStatus] = useState<FormStatus>({ kind: 'idle' });
  const valueInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);

  // Replace on a row: the name is filled in, so go straight to what must be typed again.
  useEffect(() => {
    if (!initial) return;
    const target = initial.sourceType === 'value' ? valueInput.current : nameInput.current;
    target?.focus();
    target?.scrollIntoView?.({ block: 'center' });
  }, [initial]);

  const typedValue = () => valueInput.current?.value ?? '';
  const recheck = (next: CredentialFormFields) => {
    if (!checked) return;
    const check = checkCredentialForm(next, typedValue());
    setProblems(check.ok ? {} : check.problems);
  };
  const change = (patch: Partial<CredentialFormFields>) => {
    const next = { ...fields, ...patch };
    setFields(next);
    recheck(next);
    if (status.kind !== 'saving') setStatus({ kind: 'idle' });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (status.kind === 'saving') return;
    setChecked(true);
    const check = checkCredentialForm(fields, typedValue());
    if (!check.ok) {
      setProblems(check.problems);
      return;
    }
    setProblems({});
    const typed = fields.sourceType === 'value';
    // From here the value exists only in the outgoing request.
    if (valueInput.current) valueInput.current.value = '';
    setStatus({ kind: 'saving' });
    const result = await onSave(check.request);
    if (result.ok) {
      setFields(emptyCredentialForm());
      setChecked(false);
      setStatus({ kind: 'saved', name: result.value.name });
    } else {
      setStatus({ kind: 'error', message: typed ? `${result.error.message} (type the value again)` : result.error.message });
    }
  };

  const name = fields.name.trim();
  const replacing = name !== '' && existingNames.includes(name);
  /** A field's problem and its test id, for Field. */
  const problem = (field: CredentialField) => ({ error: problems[field], errorTestId: `credential-problem-${field}` });

  return (
    <form className="credential-form" data-testid="credential-form" noValidate onSubmit={(e) => void submit(e)}>
      <h3>{initial ? `Replace ${initial.name}` : 'Add or replace a credential'}</h3>
      <div className="field-grid">
        <Field
          id={`${ids}-name`}
          label="Name"
          {...problem('name')}
          hint={replacing ? `A credential named ${name} is stored: saving replaces it.` : undefined}
          hintTestId="credential-replacing"
          errorReplacesHint
        >
          {(control) => (
            <input
              {...control}
              ref={nameInput}
              className="input mono"
              data-testid="credential-name"
              placeholder="anthropic"
              autoComplete="off"
              spellCheck={false}
              value={fields.name}
              onChange={(e) => change({ name: e.target.value })}
            />
          )}
        </Field>
        <Field id={`${ids}-kind`} label="Kind" {...problem('kind')}>
          {(control) => (
            <Select
              control={control}
              testId="credential-kind"
              value={fields.kind}
              options={KIND_OPTIONS.map(([value, label]) => ({ value, label }))}
              onChange={(kind: CredentialKind) => change({ kind })}
            />
          )}
        </Field>
      </div>

      <fieldset className="credential-source">
        <legend className="field-label">Source</legend>
        <div className="checkbox-row" role="radiogroup">
          {SOURCE_TYPES.map((type: SourceType) => (
            <label key={type} className="checkbox">
              <input
                type="radio"
                name={`${ids}-source`}
                value={type}
                data-testid={`credential-source-${type}`}
                checked={fields.sourceType === type}
                onChange={() => change({ sourceType: type })}
              />
              {sourceTypeLabel(type)}
            </label>
          ))}
        </div>
      </fieldset>

      {fields.sourceType === 'value' ? (
        <Field
          id={`${ids}-value`}
          label="Value"
          {...problem('value')}
          hint="Write-only: stored encrypted; from then on only its last four characters are ever shown."
        >
          {(control) => (
            <input
              {...control}
              ref={valueInput}
              type="password"
              className="input mono"
              data-testid="credential-value"
              autoComplete="new-password"
              spellCheck={false}
              placeholder={replacing ? 'type the new value' : 'paste the key or token'}
              onInput={() => recheck(fields)}
            />
          )}
        </Field>
      ) : null}
      {fields.sourceType === 'env' ? (
        <Field id={`${ids}-variable`} label="Environment variable" {...problem('variable')} hint="Read from the orchestrator's environment each time the credential is used.">
          {(control) => (
            <input
              {...control}
              className="input mono"
              data-testid="credential-variable"
              placeholder="ANTHROPIC_API_KEY"
              autoComplete="off"
              spellCheck={false}
              value={fields.variable}
              onChange={(e) => change({ variable: e.target.value })}
            />
          )}
        </Field>
      ) : null}
      {fields.sourceType === 'command' ? (
        <Field
          id={`${ids}-command`}
          label="Command"
          {...problem('command')}
          hint="Run with /bin/sh -c when the credential is used; its trimmed output is the value (reused for a minute)."
        >
          {(control) => (
            <input
              {...control}
              className="input mono"
              data-testid="credential-command"
              placeholder="op read op://Private/Anthropic/credential"
              autoComplete="off"
              spellCheck={false}
              value={fields.command}
              onChange={(e) => change({ command: e.target.value })}
            />
          )}
        </Field>
      ) : null}

      <div className="form-actions">
        <p
          className={`field-status credential-form-status save-${status.kind}`}
          data-testid="credential-form-status"
          role={status.kind === 'error' ? 'alert' : 'status'}
        >
          {status.kind === 'saving' ? 'Saving…' : null}
          {status.kind === 'saved' ? `Saved ${status.name}.` : null}
          {status.kind === 'error' ? status.message : null}
        </p>
        <button type="button" className="button" data-testid="credential-cancel" disabled={status.kind === 'saving'} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" data-testid="credential-save" disabled={status.kind === 'saving'}>
          {status.kind === 'saving' ? 'Saving…' : replacing ? 'Replace' : 'Save'}
        </button>
      </div>
    </form>
  );
}
