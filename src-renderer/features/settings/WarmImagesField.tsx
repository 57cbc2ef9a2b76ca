/**
 * Editable list of images to keep warm: chips with a remove button, and an input to add one.
 */
import { useState, type KeyboardEvent } from 'react';
import { DockerSettings, ImageRef } from '../../../src-shared/docker.js';
import { Field } from '../../components/Field.js';

interface WarmImagesFieldProps {
  value: readonly string[];
  onChange(images: string[]): void;
}

export function WarmImagesField({ value, onChange }: WarmImagesFieldProps) {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const add = () => {
    const image = draft.trim();
    if (!image) return;
    const parsed = ImageRef.safeParse(image);
    if (!parsed.success) return setProblem(`use ${parsed.error.issues[0]?.message ?? 'a valid image reference'}`);
    if (value.includes(image)) return setProblem(`${image} is already in the list`);
    if (!DockerSettings.shape.warmImages.safeParse([...value, image]).success) return setProblem('that is as many images as can be kept warm');
    onChange([...value, image]);
    setDraft('');
    setProblem(null);
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  };

  return (
    <Field id="settings-docker-warm-image-input" label="Images to keep warm" error={problem} testId="settings-docker-warm-images">
      {(control) => (
        <>
          {value.length > 0 ? (
            <ul className="chip-list" data-testid="warm-image-list">
              {value.map((image) => (
                <li key={image} className="chip static mono" data-testid="warm-image">
                  {image}
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove ${image}`}
                    data-testid="warm-image-remove"
                    onClick={() => onChange(value.filter((i) => i !== image))}
                  >
                    ✕
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="field-row">
            <input
              {...control}
              className="input mono"
              data-testid="warm-image-input"
              value={draft}
              placeholder="e.g. node:22 (pulled at start-up)"
              spellCheck={false}
              onChange={(e) => {
                setDraft(e.target.value);
                setProblem(null);
              }}
              onKeyDown={onKey}
            />
            <button type="button" className="button" data-testid="warm-image-add" disabled={!draft.trim()} onClick={add}>
              Add
            </button>
          </div>
        </>
      )}
    </Field>
  );
}
