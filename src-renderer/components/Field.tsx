/**
 * One form field: its label, the control, the problem with its value and a hint, wired together the
 * same way everywhere (the label names the control; the problem and the hint describe it, and a
 * problem marks it invalid).
 *
 * The control comes from a render function that gets the props to spread on it:
 * `<Field id="x" label="Image" error={problem}>{(control) => <input {...control} className="input" />}</Field>`.
 */
import type { ReactNode } from 'react';

/** What a field's control carries: its id and its accessible state. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  /** Id of the control; the label points at it, and the problem and hint ids derive from it. */
  id: string;
  label: ReactNode;
  /** What is wrong with the value, shown under the control; null or absent when nothing is. */
  error?: string | null;
  errorTestId?: string;
  /** A line that explains the field. */
  hint?: ReactNode;
  hintTestId?: string;
  /** When true the problem takes the hint's place instead of standing above it. */
  errorReplacesHint?: boolean;
  /**
   * A caution about a value that is still valid (it does not mark the control invalid): shown in the
   * hint's place, looking like a problem, and describing the control.
   */
  warning?: ReactNode;
  warningTestId?: string;
  /** More under the hint (a line of advice). */
  footer?: ReactNode;
  /** Extra classes of the field's box. */
  className?: string;
  testId?: string;
  children(control: FieldControlProps): ReactNode;
}

/** A labelled control with its problem, caution and hint, described and marked the same way everywhere. */
export function Field(props: FieldProps) {
  const { id, label, error, errorTestId, hint, hintTestId, errorReplacesHint = false, warning, warningTestId, footer, className, testId, children } = props;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const showError = Boolean(error);
  const shown = (node: ReactNode) => node !== undefined && node !== null && node !== false;
  const showWarning = shown(warning) && !(showError && errorReplacesHint);
  const showHint = shown(hint) && !showWarning && !(showError && errorReplacesHint);
  const describedBy = [showError ? errorId : null, showHint || showWarning ? hintId : null].filter((x) => x !== null).join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'} data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': showError, 'aria-describedby': describedBy || undefined })}
      {showError ? (
        <p className="field-error" id={errorId} data-testid={errorTestId}>
          {error}
        </p>
      ) : null}
      {showWarning ? (
        <p className="field-error" id={hintId} data-testid={warningTestId}>
          {warning}
        </p>
      ) : showHint ? (
        <p className="field-hint" id={hintId} data-testid={hintTestId}>
          {hint}
        </p>
      ) : null}
      {footer}
    </div>
  );
}
