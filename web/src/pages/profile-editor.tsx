// The profile editor: general settings, the ordered pipeline, volumes and b2c options, with the server's
// field errors shown beside each control and a live preview (kernel line byte count against the arch limit).
import { useState } from 'preact/hooks';
import { B2cOptionsEditor } from '../components/b2c-options';
import { ErrorSummary, Field } from '../components/field';
import { PreviewPanel, previewFieldError, useLivePreview } from '../components/preview';
import { StageList } from '../components/stage-list';
import { VolumeList } from '../components/volume-list';
import { Alert, ConfirmButton, Loading } from '../components/widgets';
import type { ApiError } from '../lib/api';
import { errorAt, type FieldError, withinPrefix } from '../lib/field-errors';
import { useAsync } from '../lib/hooks';
import { emptyProfile, toDraft, toProfileBody } from '../lib/profile-draft';
import { href, navigate } from '../lib/router';
import type { Arch, Artifact, ProfileSpec } from '../lib/types';
import { useSession } from '../session';

export function ProfileEditorPage({ name }: { name: string | null }) {
  const { api } = useSession();
  const profile = useAsync(() => (name ? api.profile(name) : Promise.resolve(null)), [name]);
  const artifacts = useAsync(() => api.artifacts(), []);
  const title = name ?? 'New profile';
  if (profile.error) return <><h1 tabIndex={-1}>{title}</h1><Alert>{profile.error.message}</Alert></>;
  if (profile.loading && profile.data === undefined) return <><h1 tabIndex={-1}>{title}</h1><Loading what="profile" /></>;
  return <ProfileForm initial={profile.data ? toDraft(profile.data) : emptyProfile()} existing={name} artifacts={artifacts.data ?? []} />;
}

function ProfileForm({ initial, existing, artifacts }: { initial: ProfileSpec; existing: string | null; artifacts: Artifact[] }) {
  const { api, canWrite, info } = useSession();
  const [draft, setDraft] = useState(initial);
  const [saveError, setSaveError] = useState<(FieldError & { summary: string }) | null>(null);
  const [saved, setSaved] = useState(false);
  const body = toProfileBody(draft);
  // The preview does not need a name; sending an unfinished one would only report the name as invalid. Without a
  // kernel and an initramfs there is nothing to render yet.
  const previewable = body.kernel && body.initramfs;
  const live = useLivePreview(previewable ? { ...body, name: body.name || undefined } : undefined, (p) => api.preview(p));
  const previewError = previewFieldError(live);
  // The preview wraps the profile (`profile.containers[1]`); the save error does not. Show whichever is current.
  // Live errors wait for the first edit, so a blank new form does not open covered in red.
  const [touched, setTouched] = useState(false);
  const fieldError = saveError ?? (touched ? withinPrefix(previewError, 'profile') ?? previewError : null);
  const set = (patch: Partial<ProfileSpec>) => {
    setSaved(false);
    setSaveError(null);
    setTouched(true);
    setDraft({ ...draft, ...patch });
  };
  const readOnly = !canWrite;
  const arch: Arch = draft.arch ?? 'x86_64';

  const save = async (e: Event) => {
    e.preventDefault();
    try {
      if (existing) await api.updateProfile(existing, body);
      else await api.createProfile(body);
      setSaveError(null);
      setSaved(true);
      if (!existing) navigate(href('profiles', body.name));
    } catch (err) {
      const a = err as ApiError;
      setSaveError({ field: a.field ?? '', message: a.message, summary: a.message });
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.editor [aria-invalid="true"]')?.focus());
    }
  };

  const artifactNames = (kind: Artifact['kind']) => artifacts.filter((a) => a.kind === kind && (!a.arch || a.arch === arch));
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>{existing ? `Profile ${existing}` : 'New profile'}</h1>
        {existing && canWrite && (
          <ConfirmButton label="Delete" title={`Delete profile ${existing}`} confirmLabel="Delete profile"
            question={<>Delete <strong>{existing}</strong>? Machines using it stop booting it.</>}
            onConfirm={async () => { await api.deleteProfile(existing); navigate(href('profiles')); }} />
        )}
      </div>
      <div class="split">
        <form class="editor" onSubmit={save} aria-labelledby="profile-form-title" novalidate>
          <h2 id="profile-form-title" class="visually-hidden">Profile settings</h2>
          {saveError && <ErrorSummary field={saveError.field || undefined} message={saveError.summary} />}
          {saved && <Alert kind="ok">Saved.</Alert>}
          <fieldset class="plain" disabled={readOnly}>
            <div class="grid">
              <Field path="name" label="Name" error={errorAt(fieldError, 'name')}
                hint={existing ? 'The name is the profile\'s identity and cannot change.' : 'Letters, digits, dot, dash, underscore.'}
                control={(p) => <input {...p} value={draft.name} readOnly={!!existing} required spellcheck={false}
                  onInput={(e) => set({ name: e.currentTarget.value })} />} />
              <Field path="arch" label="Architecture" error={errorAt(fieldError, 'arch')}
                hint={`Kernel line limit: ${info.kernelCmdlineLimits[arch]} bytes.`}
                control={(p) => (
                  <select {...p} value={arch} onChange={(e) => set({ arch: e.currentTarget.value as Arch })}>
                    <option value="x86_64">x86_64</option><option value="arm64">arm64</option><option value="riscv64">riscv64</option>
                  </select>
                )} />
              <Field path="b2cDialect" label="b2c release" error={errorAt(fieldError, 'b2cDialect')}
                control={(p) => (
                  <select {...p} value={draft.b2cDialect ?? 'run'} onChange={(e) => set({ b2cDialect: e.currentTarget.value as 'run' | 'container' })}>
                    <option value="run">current (b2c.run)</option><option value="container">0.9.x (b2c.container)</option>
                  </select>
                )} />
            </div>
            <Field path="description" label="Description" error={errorAt(fieldError, 'description')}
              control={(p) => <input {...p} value={draft.description ?? ''} onInput={(e) => set({ description: e.currentTarget.value })} />} />
            <div class="grid two">
              <Field path="kernel" label="Kernel" error={errorAt(fieldError, 'kernel')} hint="An artifact name or an http(s) URL."
                control={(p) => <>
                  <input {...p} list="kernel-artifacts" value={draft.kernel} required spellcheck={false}
                    onInput={(e) => set({ kernel: e.currentTarget.value })} />
                  <datalist id="kernel-artifacts">{artifactNames('kernel').map((a) => <option key={a.name} value={a.name} />)}</datalist>
                </>} />
              <Field path="initramfs" label="Initramfs" error={errorAt(fieldError, 'initramfs')} hint="An artifact name or an http(s) URL."
                control={(p) => <>
                  <input {...p} list="initramfs-artifacts" value={draft.initramfs} required spellcheck={false}
                    onInput={(e) => set({ initramfs: e.currentTarget.value })} />
                  <datalist id="initramfs-artifacts">{artifactNames('initramfs').map((a) => <option key={a.name} value={a.name} />)}</datalist>
                </>} />
            </div>
            <Field path="kernelArgs" label="Extra kernel arguments" error={errorAt(fieldError, 'kernelArgs')}
              hint="Appended to the kernel line, e.g. console=ttyS0."
              control={(p) => <input {...p} class="mono" value={draft.kernelArgs ?? ''} spellcheck={false}
                onInput={(e) => set({ kernelArgs: e.currentTarget.value })} />} />
          </fieldset>

          <StageList path="containers" legend="Pipeline stages (run in order)" itemLabel="Stage" items={draft.containers}
            readOnly={readOnly} error={fieldError} placeholder="-v /dev:/dev docker.io/library/alpine:latest uname -a"
            onChange={(containers) => set({ containers })} />
          <label class="check">
            <input type="checkbox" checked={!!draft.pipefail} disabled={readOnly} onChange={(e) => set({ pipefail: e.currentTarget.checked })} />
            Stop at the first failing stage (b2c.pipefail)
          </label>
          <StageList path="postContainers" legend="Post-containers (always run, after the pipeline)" itemLabel="Post-container"
            items={draft.postContainers ?? []} readOnly={readOnly} error={fieldError} onChange={(postContainers) => set({ postContainers })} />
          <StageList path="services" legend="Services (run alongside the pipeline)" itemLabel="Service"
            items={draft.services ?? []} readOnly={readOnly} error={fieldError} onChange={(services) => set({ services })} />
          <VolumeList volumes={draft.volumes ?? []} readOnly={readOnly} error={fieldError} onChange={(volumes) => set({ volumes })} />
          <B2cOptionsEditor value={draft.b2c} readOnly={readOnly} error={fieldError} onChange={(b2c) => set({ b2c })} />
          {canWrite && (
            <div class="actions form-actions">
              <button type="submit" class="primary">{existing ? 'Save profile' : 'Create profile'}</button>
            </div>
          )}
        </form>
        <PreviewPanel live={live} empty="Name a kernel and an initramfs to see what a machine would boot." />
      </div>
    </>
  );
}
