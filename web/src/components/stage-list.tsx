// An ordered, reorderable list of pipeline stages. Reordering is by buttons (and Alt+↑/↓ in a row), never by
// drag alone, so it works from the keyboard; focus follows the moved row.
import type { FieldError } from '../lib/field-errors';
import { errorAt, fieldId } from '../lib/field-errors';
import { move } from '../lib/profile-draft';

interface Props {
  path: string;          // JSON path of the list in the profile, e.g. "containers"
  legend: string;
  itemLabel: string;     // "Stage", "Post-container", "Service"
  items: string[];
  onChange: (items: string[]) => void;
  error: FieldError | null;
  readOnly: boolean;
  placeholder?: string;
}

export function StageList({ path, legend, itemLabel, items, onChange, error, readOnly, placeholder }: Props) {
  const focusLater = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());
  const reorder = (i: number, delta: number, focusId: (j: number) => string) => {
    const j = i + delta;
    if (j < 0 || j >= items.length) return;
    onChange(move(items, i, delta));
    focusLater(focusId(j));
  };
  const setItem = (i: number, value: string) => onChange(items.map((v, k) => (k === i ? value : v)));
  const listError = errorAt(error, path) !== undefined && !/\[\d+\]/.test(error!.field.slice(path.length))
    ? error!.message : undefined;

  return (
    <fieldset class="stage-list">
      <legend>{legend}</legend>
      {listError && <p class="field-error" data-field-error={path}>{listError}</p>}
      <ol>
        {items.map((item, i) => {
          const itemPath = `${path}[${i}]`;
          const id = fieldId(itemPath);
          const err = errorAt(error, itemPath);
          const name = `${itemLabel} ${i + 1}`;
          return (
            <li key={i} class={err ? 'has-error' : undefined}>
              <label for={id} class="stage-label">{name}</label>
              <div class="stage-row">
                <input id={id} type="text" value={item} readOnly={readOnly} placeholder={placeholder} spellcheck={false}
                  aria-invalid={!!err} aria-describedby={err ? `${id}-error` : undefined}
                  onInput={(e) => setItem(i, e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (readOnly || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
                    e.preventDefault();
                    reorder(i, e.key === 'ArrowUp' ? -1 : 1, (j) => fieldId(`${path}[${j}]`));
                  }} />
                {!readOnly && (
                  <span class="stage-buttons">
                    <button type="button" class="icon" aria-label={`Move ${name} up`} title="Move up (Alt+↑)" id={`${id}-up`}
                      disabled={i === 0} onClick={() => reorder(i, -1, (j) => j === 0 ? `${fieldId(`${path}[${j}]`)}-down` : `${fieldId(`${path}[${j}]`)}-up`)}>↑</button>
                    <button type="button" class="icon" aria-label={`Move ${name} down`} title="Move down (Alt+↓)" id={`${id}-down`}
                      disabled={i === items.length - 1}
                      onClick={() => reorder(i, 1, (j) => j === items.length - 1 ? `${fieldId(`${path}[${j}]`)}-up` : `${fieldId(`${path}[${j}]`)}-down`)}>↓</button>
                    <button type="button" class="icon danger" aria-label={`Remove ${name}`} title="Remove"
                      onClick={() => onChange(items.filter((_, k) => k !== i))}>✕</button>
                  </span>
                )}
              </div>
              {err && <p class="field-error" id={`${id}-error`} data-field-error={itemPath}>{err}</p>}
            </li>
          );
        })}
      </ol>
      {items.length === 0 && <p class="muted">None.</p>}
      {!readOnly && (
        <button type="button" onClick={() => { onChange([...items, '']); focusLater(fieldId(`${path}[${items.length}]`)); }}>
          Add {itemLabel.toLowerCase()}
        </button>
      )}
    </fieldset>
  );
}
