/**
 * Container runtime picker: a select of the engine's runtimes, or free text when the engine can't be
 * asked (it is down), so a runtime can still be set ahead of time.
 */
interface RuntimeFieldProps {
  id: string;
  testId: string;
  value: string;
  onChange(value: string): void;
  /** The engine's runtimes; null when unknown (engine unreachable or not asked yet). */
  runtimes: readonly string[] | null;
  /** When set, an empty value means "the default" and is offered as the first option with this label. */
  defaultLabel?: string;
  invalid?: boolean;
}

export function RuntimeField({ id, testId, value, onChange, runtimes, defaultLabel, invalid }: RuntimeFieldProps) {
  if (runtimes === null || runtimes.length === 0) {
    return (
      <input
        id={id}
        className="input mono"
        data-testid={testId}
        data-kind="text"
        value={value}
        placeholder={defaultLabel ?? 'runc'}
        spellCheck={false}
        aria-invalid={invalid}
        onChange={(e) => onChange(e.target.value.trim())}
      />
    );
  }
  const options = value && !runtimes.includes(value) ? [...runtimes, value] : runtimes;
  return (
    <select
      id={id}
      className="input"
      data-testid={testId}
      data-kind="select"
      value={value}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value)}
    >
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
