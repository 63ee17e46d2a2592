// Editor for a string map (machine variables, extra b2c options) as rows of key/value inputs.
import { fieldId } from '../lib/field-errors';

interface Props {
  path: string;
  legend: string;
  keyLabel: string;
  value: Record<string, string> | undefined;
  onChange: (v: Record<string, string> | undefined) => void;
  readOnly: boolean;
  error?: string;
}

export function KeyValueEditor({ path, legend, keyLabel, value, onChange, readOnly, error }: Props) {
  const rows = Object.entries(value ?? {});
  const set = (next: [string, string][]) => onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <fieldset class="kv">
      <legend>{legend}</legend>
      {error && <p class="field-error" data-field-error={path}>{error}</p>}
      {rows.length === 0 && <p class="muted">None.</p>}
      {rows.map(([k, v], i) => (
        <div class="kv-row" key={i}>
          <input aria-label={`${keyLabel} ${i + 1} name`} id={fieldId(`${path}-key-${i}`)} value={k} readOnly={readOnly}
            onInput={(e) => set(rows.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))} />
          <span aria-hidden="true">=</span>
          <input aria-label={`${keyLabel} ${i + 1} value`} id={fieldId(`${path}.${k}`)} value={v} readOnly={readOnly}
            onInput={(e) => set(rows.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))} />
          {!readOnly && (
            <button type="button" class="icon danger" aria-label={`Remove ${keyLabel} ${k || i + 1}`}
              onClick={() => set(rows.filter((_, j) => j !== i))}>✕</button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" onClick={() => {
          // A fresh, unique placeholder key: a map cannot hold two empty keys.
          let n = rows.length + 1;
          while (value && `name${n}` in value) n++;
          set([...rows, [`name${n}`, '']]);
        }}>Add {keyLabel}</button>
      )}
    </fieldset>
  );
}
