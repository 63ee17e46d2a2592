// A labelled form control with its hint and its API error right beside it, wired for screen readers
// (aria-invalid + aria-describedby). The control is rendered by the caller through `control(props)`.
import type { ComponentChildren, JSX } from 'preact';
import { fieldId } from '../lib/field-errors';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

interface FieldProps {
  path: string;
  label: ComponentChildren;
  error?: string;
  hint?: ComponentChildren;
  class?: string;
  control: (props: ControlProps) => JSX.Element;
}

export function Field({ path, label, error, hint, class: cls, control }: FieldProps) {
  const id = fieldId(path);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}${cls ? ' ' + cls : ''}`}>
      <label for={id}>{label}</label>
      {control({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`} data-field-error={path}>{error}</p>}
    </div>
  );
}

/** The top-of-form summary: announces the error and links to the offending control. */
export function ErrorSummary({ field, message }: { field?: string; message: string }) {
  return (
    <div class="alert error" role="alert">
      <strong>Not saved:</strong> {message}
      {field && (
        <>
          {' '}(<a href={`#${fieldId(field)}`} onClick={(e) => {
            e.preventDefault();
            document.getElementById(fieldId(field))?.focus();
          }}>{field}</a>)
        </>
      )}
    </div>
  );
}
