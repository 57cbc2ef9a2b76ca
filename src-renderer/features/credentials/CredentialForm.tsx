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

/** A field's problem under it, linked to the input by id. */
function Problem({ id, field, problems }: { id: string; field: CredentialField; problems: CredentialProblems }) {
  const message = problems[field];
  if (!message) return null;
  return (
    <p className="field-error" id={id} data-testid={`credential-problem-${field}`}>
      {message}
    </p>
  );
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
  const invalid = (field: CredentialField) => (problems[field] ? true : undefined);
  const describedBy = (field: CredentialField) => (problems[field] ? `${ids}-${field}-problem` : undefined);

  return (
    <form className="credential-form" data-testid="credential-form" noValidate onSubmit={(e) => void submit(e)}>
      <h3>{initial ? `Replace ${initial.name}` : 'Add or replace a credential'}</h3>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            id={`${ids}-name`}
            ref={nameInput}
            className="input mono"
            data-testid="credential-name"
            placeholder="anthropic"
            autoComplete="off"
            spellCheck={false}
            value={fields.name}
            aria-invalid={invalid('name')}
            aria-describedby={describedBy('name')}
            onChange={(e) => change({ name: e.target.value })}
          />
          <Problem id={`${ids}-name-problem`} field="name" problems={problems} />
          {replacing && !problems.name ? (
            <p className="field-hint" data-testid="credential-replacing">
              A credential named {name} is stored: saving replaces it.
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-kind`}>Kind</label>
          <select
            id={`${ids}-kind`}
            className="input"
            data-testid="credential-kind"
            value={fields.kind}
            aria-invalid={invalid('kind')}
            onChange={(e) => change({ kind: e.target.value as CredentialKind })}
          >
            {KIND_OPTIONS.map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
          <Problem id={`${ids}-kind-problem`} field="kind" problems={problems} />
        </div>
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
        <div className="field">
          <label htmlFor={`${ids}-value`}>Value</label>
          <input
            id={`${ids}-value`}
            ref={valueInput}
            type="password"
            className="input mono"
            data-testid="credential-value"
            autoComplete="new-password"
            spellCheck={false}
            placeholder={replacing ? 'type the new value' : 'paste the key or token'}
            aria-invalid={invalid('value')}
            aria-describedby={describedBy('value')}
            onInput={() => recheck(fields)}
          />
          <Problem id={`${ids}-value-problem`} field="value" problems={problems} />
          <p className="field-hint">Write-only: stored encrypted; from then on only its last four characters are ever shown.</p>
        </div>
      ) : null}
      {fields.sourceType === 'env' ? (
        <div className="field">
          <label htmlFor={`${ids}-variable`}>Environment variable</label>
          <input
            id={`${ids}-variable`}
            className="input mono"
            data-testid="credential-variable"
            placeholder="ANTHROPIC_API_KEY"
            autoComplete="off"
            spellCheck={false}
            value={fields.variable}
            aria-invalid={invalid('variable')}
            aria-describedby={describedBy('variable')}
            onChange={(e) => change({ variable: e.target.value })}
          />
          <Problem id={`${ids}-variable-problem`} field="variable" problems={problems} />
          <p className="field-hint">Read from the orchestrator&apos;s environment each time the credential is used.</p>
        </div>
      ) : null}
      {fields.sourceType === 'command' ? (
        <div className="field">
          <label htmlFor={`${ids}-command`}>Command</label>
          <input
            id={`${ids}-command`}
            className="input mono"
            data-testid="credential-command"
            placeholder="op read op://Private/Anthropic/credential"
            autoComplete="off"
            spellCheck={false}
            value={fields.command}
            aria-invalid={invalid('command')}
            aria-describedby={describedBy('command')}
            onChange={(e) => change({ command: e.target.value })}
          />
          <Problem id={`${ids}-command-problem`} field="command" problems={problems} />
          <p className="field-hint">Run with /bin/sh -c when the credential is used; its trimmed output is the value (reused for a minute).</p>
        </div>
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
