/**
 * A select of known values: the control of a `Field` (it takes the Field's control props), with its
 * options from a list, and the chosen value handed back typed.
 */
import type { ReactNode } from 'react';
import type { FieldControlProps } from './Field.js';

/** One choice. */
export interface SelectOption<V extends string> {
  value: V;
  label: ReactNode;
  disabled?: boolean;
  title?: string;
}

interface SelectProps<V extends string> {
  control: FieldControlProps;
  testId: string;
  value: V;
  options: readonly SelectOption<V>[];
  onChange(value: V): void;
  disabled?: boolean;
}

/** `values` as options labelled by themselves (or by `label`). */
export function optionsOf<V extends string>(values: readonly V[], label: (value: V) => ReactNode = (v) => v): SelectOption<V>[] {
  return values.map((value) => ({ value, label: label(value) }));
}

/** A `<select>` of `options` with the Field's id and accessible state; `onChange` gets the chosen value. */
export function Select<V extends string>({ control, testId, value, options, onChange, disabled }: SelectProps<V>) {
  return (
    <select {...control} className="input" data-testid={testId} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as V)}>
      {options.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled} title={o.title}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
