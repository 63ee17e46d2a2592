// One machine: details, the overrides editor with its live boot preview, and the boot timeline.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { B2cOptionsEditor } from '../components/b2c-options';
import { ErrorSummary, Field } from '../components/field';
import { KeyValueEditor } from '../components/key-value';
import { PreviewPanel, previewFieldError, useLivePreview } from '../components/preview';
import { Timeline } from '../components/timeline';
import { Alert, ConfirmButton, Loading, StateBadge } from '../components/widgets';
import { ApiError } from '../lib/api';
import { errorAt, type FieldError } from '../lib/field-errors';
import { formatTime } from '../lib/format';
import { useAsync, usePolling } from '../lib/hooks';
import { type MachineDraft, toMachineBody, toMachineDraft, toOverrides } from '../lib/machine-draft';
import { toProfileBody } from '../lib/profile-draft';
import { href, navigate } from '../lib/router';
import type { Machine, MachineState, Profile } from '../lib/types';
import { useSession } from '../session';

/** The timeline follows a boot in progress (script → kernel → initrd → extra document → S3) on its own. */
const TIMELINE_REFRESH_MS = 5_000;

export function MachinePage({ mac }: { mac: string }) {
  const { api } = useSession();
  const machine = useAsync(() => api.machine(mac), [mac]);
  const profiles = useAsync(() => api.profiles(), []);
  const timeline = useAsync(() => Promise.all([api.sessions(mac), api.events(mac)]), [mac]);
  usePolling(timeline.reload, TIMELINE_REFRESH_MS);

  if (machine.error) {
    return <><h1 tabIndex={-1}>{mac}</h1><Alert>{machine.error.message}</Alert><p><a href={href('machines')}>Back to machines</a></p></>;
  }
  if (!machine.data) return <><h1 tabIndex={-1}>{mac}</h1><Loading what="machine" /></>;
  return (
    <MachineView machine={machine.data} profiles={profiles.data ?? []}
      onSaved={() => { machine.reload(); timeline.reload(); }}
      timeline={timeline.data ? <Timeline sessions={timeline.data[0]} events={timeline.data[1]} />
        : timeline.error ? <Alert>{timeline.error.message}</Alert> : <Loading what="boot timeline" />}
      refreshTimeline={timeline.reload} />
  );
}

function MachineView({ machine: m, profiles, onSaved, timeline, refreshTimeline }: {
  machine: Machine;
  profiles: Profile[];
  onSaved: () => void;
  timeline: ComponentChildren;
  refreshTimeline: () => void;
}) {
  const { api, canWrite, info } = useSession();
  const [draft, setDraft] = useState<MachineDraft>(() => toMachineDraft(m));
  const [saveError, setSaveError] = useState<FieldError & { summary: string } | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(toMachineDraft(m)), [m.updatedAt]);

  const profile = profiles.find((p) => p.name === draft.profile);
  const body = toMachineBody(draft);
  const live = useLivePreview(profile ? { profile: toProfileBody(profile), machine: { mac: m.mac, ...toOverrides(draft) } } : undefined,
    (input) => api.preview(input.profile, input.machine));
  const previewError = previewFieldError(live);
  // Preview errors arrive as `machine.b2c.hostname`; the form's paths are relative to the machine.
  const fieldError: FieldError | null = saveError ?? (previewError && previewError.field.startsWith('machine.')
    ? { field: previewError.field.slice('machine.'.length), message: previewError.message } : null);
  const set = (patch: Partial<MachineDraft>) => { setSaved(false); setDraft({ ...draft, ...patch }); };

  const save = async (e: Event) => {
    e.preventDefault();
    setSaveError(null);
    try {
      await api.putMachine(m.mac, body);
      setSaved(true);
      onSaved();
    } catch (err) {
      const a = err as ApiError;
      setSaveError({ field: a.field ?? '', message: a.message, summary: a.message });
    }
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>{m.name || m.mac} <StateBadge state={m.state} /></h1>
        <div class="actions">
          {info.features.s3 && <a class="button" href={href('machines', m.mac, 'volumes')}>Volumes</a>}
          <button type="button" onClick={refreshTimeline}>Refresh timeline</button>
          {canWrite && (
            <ConfirmButton label="Delete" title={`Delete ${m.name || m.mac}`} confirmLabel="Delete machine"
              question={<>Forget <strong>{m.mac}</strong> and its boot history?</>}
              onConfirm={async () => { await api.deleteMachine(m.mac); navigate(href('machines')); }} />
          )}
        </div>
      </div>
      <dl class="details">
        <dt>MAC</dt><dd class="mono">{m.mac}</dd>
        <dt>Profile</dt><dd>{m.profile ? <a href={href('profiles', m.profile)}>{m.profile}</a> : '—'}</dd>
        <dt>Last seen</dt><dd>{formatTime(m.lastSeenAt)}{m.lastSeenIp ? ` from ${m.lastSeenIp}` : ''}</dd>
        <dt>Firmware</dt><dd>{[m.arch, m.platform].filter(Boolean).join(' / ') || '—'}</dd>
        <dt>Last boot</dt><dd>{m.lastBoot ? `${formatTime(m.lastBoot.at)} · ${m.lastBoot.outcome ?? 'started'}` : 'never'}</dd>
        <dt>Created</dt><dd>{formatTime(m.createdAt)}</dd>
      </dl>
      {timeline}

      <div class="split">
        <form class="editor" onSubmit={save} aria-labelledby="overrides-title">
          <h2 id="overrides-title">Settings and overrides</h2>
          {saveError && <ErrorSummary field={saveError.field || undefined} message={saveError.summary} />}
          {saved && <Alert kind="ok">Saved.</Alert>}
          <fieldset disabled={!canWrite} class="plain">
            <div class="grid">
              <Field path="name" label="Name" error={errorAt(fieldError, 'name')}
                control={(p) => <input {...p} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />} />
              <Field path="profile" label="Profile" error={errorAt(fieldError, 'profile')}
                control={(p) => (
                  <select {...p} value={draft.profile} onChange={(e) => set({ profile: e.currentTarget.value })}>
                    <option value="">(none)</option>
                    {profiles.map((pr) => <option key={pr.name} value={pr.name}>{pr.name}</option>)}
                  </select>
                )} />
              <Field path="state" label="State" error={errorAt(fieldError, 'state')}
                control={(p) => (
                  <select {...p} value={draft.state} onChange={(e) => set({ state: e.currentTarget.value as MachineState })}>
                    <option value="discovered">discovered</option>
                    <option value="ready">ready</option>
                    <option value="disabled">disabled</option>
                  </select>
                )} />
            </div>
            <Field path="kernelArgs" label="Extra kernel arguments" error={errorAt(fieldError, 'kernelArgs')}
              hint="Appended to the profile's kernel line for this machine only."
              control={(p) => <input {...p} class="mono" value={draft.kernelArgs} spellcheck={false}
                onInput={(e) => set({ kernelArgs: e.currentTarget.value })} />} />
            <B2cOptionsEditor legend="b2c overrides" value={draft.b2c} error={fieldError} readOnly={!canWrite}
              onChange={(b2c) => set({ b2c })} />
            <KeyValueEditor path="variables" legend="Variables ({{var.NAME}} in the profile)" keyLabel="variable"
              value={draft.variables} readOnly={!canWrite} error={errorAt(fieldError, 'variables')}
              onChange={(variables) => set({ variables })} />
          </fieldset>
          {canWrite && <div class="actions"><button type="submit" class="primary">Save machine</button></div>}
        </form>
        <PreviewPanel live={live} title="Next boot preview" empty="Pick a profile to see what this machine would boot." />
      </div>
    </>
  );
}
