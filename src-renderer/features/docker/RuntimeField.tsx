/**
 * Container runtime picker: a select of the engine's runtimes, or free text when the engine can't be
 * asked (it is down), so a runtime can still be set ahead of time. The control of a `Field`.
 */
import type { FieldControlProps } from '../../components/Field.js';

interface RuntimeFieldProps {
  /** The id and accessible state from the Field it sits in. */
  control: FieldControlProps;
  testId: string;
  value: string;
  onChange(value: string): void;
  /** The engine's runtimes; null when unknown (engine unreachable or not asked yet). */
  runtimes: readonly string[] | null;
  /** When set, an empty value means "the default" and is offered as the first option with this label. */
  defaultLabel?: string;
}

export function RuntimeField({ control, testId, value, onChange, runtimes, defaultLabel }: RuntimeFieldProps) {
  if (runtimes === null || runtimes.length === 0) {
    return (
      <input
        {...control}
        className="input mono"
        data-testid={testId}
        data-kind="text"
        value={value}
        placeholder={defaultLabel ?? 'runc'}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value.trim())}
      />
    );
  }
  const options = value && !runtimes.includes(value) ? [...runtimes, value] : runtimes;
  return (
    <select {...control} className="input" data-testid={testId} data-kind="select" value={value} onChange={(e) => onChange(e.target.value)}>
      {defaultLabel !== undefined ? <option value="">{defaultLabel}</option> : null}
      {options.map((r) => (
        <option key={r} value={r}>
          {r}
          {runtimes.includes(r) ? '' : ' (not on this engine)'}
        </option>
      ))}
    </select>
  );
}
