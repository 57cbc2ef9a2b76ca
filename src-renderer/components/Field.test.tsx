import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Field } from './Field.js';

describe('Field', () => {
  afterEach(cleanup);

  it('names the control by its label and describes it by its hint', () => {
    render(
      <Field id="f-image" label="Image" hint="Pulled when missing." hintTestId="f-hint">
        {(control) => <input {...control} />}
      </Field>,
    );
    const input = screen.getByLabelText('Image');
    expect(input.getAttribute('aria-invalid')).toBe('false');
    expect(input.getAttribute('aria-describedby')).toBe('f-image-hint');
    expect(screen.getByTestId('f-hint').textContent).toBe('Pulled when missing.');
  });

  it('marks the control invalid and describes it by the problem, above the hint or in its place', () => {
    const { rerender } = render(
      <Field id="f-port" label="Port" error="must be a number" errorTestId="f-error" hint="Blank: 443.">
        {(control) => <input {...control} />}
      </Field>,
    );
    const input = screen.getByLabelText('Port');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('f-port-error f-port-hint');
    expect(screen.getByTestId('f-error').textContent).toBe('must be a number');
    expect(screen.getByText('Blank: 443.')).not.toBeNull();

    rerender(
      <Field id="f-port" label="Port" error="must be a number" hint="Blank: 443." errorReplacesHint>
        {(control) => <input {...control} />}
      </Field>,
    );
    expect(screen.queryByText('Blank: 443.')).toBeNull();
    expect(screen.getByLabelText('Port').getAttribute('aria-describedby')).toBe('f-port-error');
  });

  it('shows a caution in the hint\'s place and describes the control by it, without marking it invalid', () => {
    render(
      <Field id="f-net" label="Network" hint="contained: only the proxy." warning="Egress not contained." warningTestId="f-warning">
        {(control) => <select {...control} />}
      </Field>,
    );
    const select = screen.getByLabelText('Network');
    expect(select.getAttribute('aria-invalid')).toBe('false');
    expect(select.getAttribute('aria-describedby')).toBe('f-net-hint');
    const warning = screen.getByTestId('f-warning');
    expect([warning.id, warning.className, warning.textContent]).toEqual(['f-net-hint', 'field-error', 'Egress not contained.']);
    expect(screen.queryByText('contained: only the proxy.')).toBeNull();
  });
});
