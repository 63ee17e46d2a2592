// A machine's volumes on the S3 gateway: size, last push, and backup (download tar), restore (upload tar), wipe.
import { useState } from 'preact/hooks';
import { Alert, ConfirmButton, Loading, UploadProgress } from '../components/widgets';
import { formatBytes, formatTime } from '../lib/format';
import { useAsync } from '../lib/hooks';
import { href } from '../lib/router';
import type { VolumeSummary } from '../lib/types';
import { useSession } from '../session';

/** Saves a blob through a temporary object URL (the archive needs the bearer header, so a plain link can't fetch it). */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function VolumesPage({ mac }: { mac: string }) {
  const { api, info, canWrite } = useSession();
  const volumes = useAsync(() => (info.features.s3 ? api.volumes(mac) : Promise.resolve([])), [mac]);
  return (
    <>
      <p class="crumbs"><a href={href('machines', mac)}>← {mac}</a></p>
      <h1 tabIndex={-1}>Volumes of {mac}</h1>
      {info.features.s3 && canWrite && <SeedForm mac={mac} onDone={volumes.reload} />}
      {!info.features.s3 ? <Alert kind="info">The S3 gateway is off on this server, so machines have no volumes.</Alert>
        : volumes.error ? <Alert>{volumes.error.message}</Alert>
        : !volumes.data ? <Loading what="volumes" />
        : volumes.data.length === 0 ? <p class="muted">No volume has been pushed yet.</p>
        : <ul class="cards">{volumes.data.map((v) => <VolumeCard key={v.name} mac={mac} volume={v} onChange={volumes.reload} />)}</ul>}
    </>
  );
}

function VolumeCard({ mac, volume: v, onChange }: { mac: string; volume: VolumeSummary; onChange: () => void }) {
  const { api, canWrite } = useSession();
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = async (fn: () => Promise<void>, done: string) => {
    setMessage(null);
    try { await fn(); setMessage({ kind: 'ok', text: done }); onChange(); } catch (err) { setMessage({ kind: 'error', text: (err as Error).message }); }
  };
  const inputId = `restore-${v.name}`;
  return (
    <li class="card volume-card" data-volume={v.name}>
      <h2>{v.name}</h2>
      <p class="muted small">{v.objects} objects · {formatBytes(v.bytes)} · last push {formatTime(v.lastPush)}</p>
      <div class="actions">
        <button type="button" onClick={() => run(async () => saveBlob(await api.downloadVolume(mac, v.name), `${mac.replace(/:/g, '')}-${v.name}.tar`), 'Archive downloaded.')}>
          Download archive
        </button>
        {canWrite && (
          <>
            <input id={inputId} type="file" accept=".tar,application/x-tar" class="visually-hidden"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void run(() => api.uploadVolume(mac, v.name, f, setProgress), `Restored ${v.name} from ${f.name}.`);
              }} />
            {/* The label is the visible button; the input stays focusable (not display:none) and CSS rings the label. */}
            <label for={inputId} class="button">Restore from archive…</label>
            <ConfirmButton label="Wipe" title={`Wipe volume ${v.name}`} confirmLabel="Wipe volume"
              question={<>Delete every object of <strong>{v.name}</strong> on {mac}? The next boot starts from an empty volume.</>}
              onConfirm={async () => { await api.wipeVolume(mac, v.name); onChange(); }} />
          </>
        )}
      </div>
      {progress && <UploadProgress label={`Restore progress for ${v.name}`} loaded={progress.loaded} total={progress.total} />}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </li>
  );
}

/** Seeds (or replaces) a volume from a tar archive before the machine ever pushed it, e.g. test fixtures. */
function SeedForm({ mac, onDone }: { mac: string; onDone: () => void }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  return (
    <form class="card upload" aria-labelledby="seed-title" onSubmit={async (e) => {
      e.preventDefault();
      if (!file) return;
      setMessage(null);
      try {
        await api.uploadVolume(mac, name.trim(), file, setProgress);
        setMessage({ kind: 'ok', text: `Volume ${name.trim()} now holds the files of ${file.name}.` });
        onDone();
      } catch (err) {
        setMessage({ kind: 'error', text: (err as Error).message });
      }
    }}>
      <h2 id="seed-title">Upload an archive into a volume</h2>
      <div class="grid">
        <div class="field">
          <label for="seed-name">Volume name</label>
          <input id="seed-name" required value={name} spellcheck={false} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="seed-file">Tar archive</label>
          <input id="seed-file" type="file" required accept=".tar,application/x-tar"
            onChange={(e) => { setFile(e.currentTarget.files?.[0] ?? null); setProgress(null); }} />
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={!file || !name.trim()}>Upload archive</button>
        {progress && <UploadProgress label="Archive upload progress" loaded={progress.loaded} total={progress.total} />}
      </div>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </form>
  );
}
