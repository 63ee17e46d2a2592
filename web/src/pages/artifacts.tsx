// Artifacts: what the server can hand to machines (kernels, initramfs, iPXE binaries), with upload and delete.
import { useState } from 'preact/hooks';
import { Alert, ConfirmButton, Loading, UploadProgress } from '../components/widgets';
import { formatBytes, formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href } from '../lib/router';
import type { Arch, ArtifactKind } from '../lib/types';
import { useSession } from '../session';

export function ArtifactsPage() {
  const { api, canWrite } = useSession();
  const artifacts = useAsync(() => api.artifacts(), []);
  return (
    <>
      <h1 tabIndex={-1}>Artifacts</h1>
      {canWrite && <UploadForm onUploaded={artifacts.reload} />}
      {artifacts.error && <Alert>{artifacts.error.message}</Alert>}
      {!artifacts.data ? <Loading what="artifacts" /> : artifacts.data.length === 0 ? <p class="muted">No artifacts yet.</p> : (
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Arch</th><th scope="col">Size</th>
                <th scope="col">SHA-256</th><th scope="col">Used by</th><th scope="col">Added</th>
                {canWrite && <th scope="col"><span class="visually-hidden">Actions</span></th>}</tr>
            </thead>
            <tbody>
              {artifacts.data.map((a) => (
                <tr key={a.name} data-artifact={a.name}>
                  <td data-label="Name" class="mono">{a.name}</td>
                  <td data-label="Kind">{a.kind}</td>
                  <td data-label="Arch">{a.arch ?? 'any'}</td>
                  <td data-label="Size" title={`${a.size} bytes`}>{formatBytes(a.size)}</td>
                  <td data-label="SHA-256" class="mono hash" title={a.sha256}>{a.sha256}</td>
                  <td data-label="Used by">
                    {a.usedBy.length === 0 ? <span class="muted">unused</span>
                      : a.usedBy.map((p, i) => <span key={p}>{i > 0 && ', '}<a href={href('profiles', p)}>{p}</a></span>)}
                  </td>
                  <td data-label="Added">{formatTime(a.createdAt)}</td>
                  {canWrite && (
                    <td class="actions">
                      <ConfirmButton label="Delete" title={`Delete artifact ${a.name}`} confirmLabel="Delete artifact"
                        question={a.usedBy.length
                          ? <>Profiles {a.usedBy.join(', ')} use <strong>{a.name}</strong>; the server will refuse while they do.</>
                          : <>Delete <strong>{a.name}</strong> ({formatBytes(a.size)})?</>}
                        onConfirm={async () => { await api.deleteArtifact(a.name); artifacts.reload(); }} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Guesses the kind from the file name, so dropping in a b2c release asset needs no extra clicks. */
function guessKind(fileName: string): ArtifactKind {
  if (/initr|cpio|\.img/i.test(fileName)) return 'initramfs';
  if (/\.(k?pxe|efi)$/i.test(fileName)) return 'ipxe';
  if (/vmlinu|bzimage|linux|kernel/i.test(fileName)) return 'kernel';
  return 'other';
}

function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const { api } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ArtifactKind>('kernel');
  const [arch, setArch] = useState<Arch | ''>('');
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <form class="upload card" aria-labelledby="upload-title" onSubmit={async (e) => {
      e.preventDefault();
      if (!file) return;
      setBusy(true);
      setStatus(null);
      setProgress({ loaded: 0, total: file.size });
      try {
        await api.uploadArtifact(name.trim(), kind, arch, file, setProgress);
        setStatus({ kind: 'ok', text: `Uploaded ${name.trim()} (${formatBytes(file.size)}).` });
        onUploaded();
      } catch (err) {
        setStatus({ kind: 'error', text: (err as Error).message });
      } finally {
        setBusy(false);
      }
    }}>
      <h2 id="upload-title">Upload an artifact</h2>
      <div class="grid">
        <div class="field">
          <label for="upload-file">File</label>
          <input id="upload-file" type="file" required onChange={(e) => {
            const f = e.currentTarget.files?.[0] ?? null;
            setFile(f);
            setProgress(null);
            if (f) { setName(f.name); setKind(guessKind(f.name)); }
          }} />
        </div>
        <div class="field">
          <label for="upload-name">Name</label>
          <input id="upload-name" required value={name} spellcheck={false} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="upload-kind">Kind</label>
          <select id="upload-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as ArtifactKind)}>
            <option value="kernel">kernel</option><option value="initramfs">initramfs</option>
            <option value="ipxe">ipxe</option><option value="other">other</option>
          </select>
        </div>
        <div class="field">
          <label for="upload-arch">Architecture</label>
          <select id="upload-arch" value={arch} onChange={(e) => setArch(e.currentTarget.value as Arch | '')}>
            <option value="">any</option><option value="x86_64">x86_64</option><option value="arm64">arm64</option>
            <option value="riscv64">riscv64</option>
          </select>
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !file || !name.trim()}>Upload</button>
        {progress && <UploadProgress label="Upload progress" loaded={progress.loaded} total={progress.total} />}
      </div>
      {status && <Alert kind={status.kind}>{status.text}</Alert>}
    </form>
  );
}
