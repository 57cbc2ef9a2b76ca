/**
 * One checkbox per persistent package cache (npm, pip, cargo, …).
 */
import { CacheType } from '../../../src-shared/docker.js';

interface CacheCheckboxesProps {
  /** Prefix of each checkbox's id and test id (`<prefix>-npm`). */
  idPrefix: string;
  selected: readonly CacheType[];
  onChange(selected: CacheType[]): void;
}

export function CacheCheckboxes({ idPrefix, selected, onChange }: CacheCheckboxesProps) {
  const toggle = (type: CacheType, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(type);
    else next.delete(type);
    // Keep the contract's order so payloads are stable.
    onChange(CacheType.options.filter((t) => next.has(t)));
  };
  return (
    <div className="checkbox-row" role="group" data-testid={idPrefix}>
      {CacheType.options.map((type) => (
        <label key={type} className="checkbox" htmlFor={`${idPrefix}-${type}`}>
          <input
            id={`${idPrefix}-${type}`}
            type="checkbox"
            data-testid={`${idPrefix}-${type}`}
            checked={selected.includes(type)}
            onChange={(e) => toggle(type, e.target.checked)}
          />
          {type}
        </label>
      ))}
    </div>
  );
}
