// The profile's volumes: name and sync policy (b2c.volume, DESIGN §4). Each volume mirrors the machine's own
// prefix on the S3 gateway; the policy decides when b2c pulls and pushes it.
import type { FieldError } from '../lib/field-errors';
import { errorAt } from '../lib/field-errors';
import type { VolumeSpec } from '../lib/types';
import { Field } from './field';

type Condition = NonNullable<VolumeSpec['pullOn']>[number];
const CONDITIONS: Condition[] = ['pipeline_start', 'container_start', 'container_end', 'pipeline_end', 'changes'];

interface Props {
  volumes: VolumeSpec[];
  onChange: (v: VolumeSpec[]) => void;
  error: FieldError | null;
  readOnly: boolean;
}

function ConditionSet({ path, legend, value, onChange, error, readOnly }: {
  path: string; legend: string; value: Condition[] | undefined; onChange: (v: Condition[]) => void;
  error?: string; readOnly: boolean;
}) {
  const set = new Set(value ?? []);
  return (
    <fieldset class="conditions">
      <legend>{legend}</legend>
      {CONDITIONS.map((c) => (
        <label key={c} class="check">
          <input type="checkbox" checked={set.has(c)} disabled={readOnly}
            onChange={(e) => onChange(CONDITIONS.filter((x) => (x === c ? e.currentTarget.checked : set.has(x))))} />
          {c}
        </label>
      ))}
      {error && <p class="field-error" data-field-error={path}>{error}</p>}
    </fieldset>
  );
}

export function VolumeList({ volumes, onChange, error, readOnly }: Props) {
  const update = (i: number, patch: Partial<VolumeSpec>) => onChange(volumes.map((v, k) => (k === i ? { ...v, ...patch } : v)));
  return (
    <fieldset class="volumes">
      <legend>Volumes</legend>
      {volumes.length === 0 && <p class="muted">No volumes: nothing persists between boots.</p>}
      {volumes.map((v, i) => {
        const p = `volumes[${i}]`;
        return (
          <div class="volume" key={i} role="group" aria-label={`Volume ${i + 1}`}>
            <div class="grid">
              <Field path={`${p}.name`} label={`Volume ${i + 1} name`} error={errorAt(error, `${p}.name`)}
                control={(c) => <input {...c} value={v.name} readOnly={readOnly} spellcheck={false}
                  onInput={(e) => update(i, { name: e.currentTarget.value })} />} />
              <Field path={`${p}.exclude`} label="Exclude (globs, comma-separated)" error={errorAt(error, `${p}.exclude`)}
                control={(c) => <input {...c} value={(v.exclude ?? []).join(',')} readOnly={readOnly} spellcheck={false}
                  onInput={(e) => update(i, { exclude: e.currentTarget.value ? e.currentTarget.value.split(',') : undefined })} />} />
              <Field path={`${p}.expiration`} label="Expiration" error={errorAt(error, `${p}.expiration`)}
                control={(c) => (
                  <select {...c} value={v.expiration ?? ''} disabled={readOnly}
                    onChange={(e) => update(i, { expiration: (e.currentTarget.value || undefined) as VolumeSpec['expiration'] })}>
                    <option value="">(default)</option>
                    <option value="never">never</option>
                    <option value="pipeline_end">pipeline_end</option>
                  </select>
                )} />
            </div>
            <div class="grid">
              <ConditionSet path={`${p}.pullOn`} legend="Pull on" value={v.pullOn} readOnly={readOnly}
                error={errorAt(error, `${p}.pullOn`)} onChange={(pullOn) => update(i, { pullOn })} />
              <ConditionSet path={`${p}.pushOn`} legend="Push on" value={v.pushOn} readOnly={readOnly}
                error={errorAt(error, `${p}.pushOn`)} onChange={(pushOn) => update(i, { pushOn })} />
              <fieldset class="conditions">
                <legend>Flags</legend>
                {(['overwrite', 'remove', 'preserve'] as const).map((flag) => (
                  <label key={flag} class="check">
                    <input type="checkbox" checked={!!v[flag]} disabled={readOnly}
                      onChange={(e) => update(i, { [flag]: e.currentTarget.checked || undefined })} />
                    {flag}
                  </label>
                ))}
              </fieldset>
            </div>
            {!readOnly && (
              <button type="button" class="danger" onClick={() => onChange(volumes.filter((_, k) => k !== i))}>
                Remove volume {v.name || i + 1}
              </button>
            )}
          </div>
        );
      })}
      {!readOnly && (
        <button type="button" onClick={() => onChange([...volumes, { name: '', pullOn: ['pipeline_start'], pushOn: ['pipeline_end'] }])}>
          Add volume
        </button>
      )}
    </fieldset>
  );
}
