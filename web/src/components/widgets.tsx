// Small presentational pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { MachineState } from '../lib/types';

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'warning' | 'info' | 'ok'; children: ComponentChildren }) {
  return <div class={`alert ${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>{children}</div>;
}

export function Loading({ what }: { what: string }) {
  return <p class="muted" role="status" aria-live="polite">Loading {what}…</p>;
}

export function StateBadge({ state }: { state: MachineState }) {
  return <span class={`badge state-${state}`}>{state}</span>;
}

export function Code({ label, text, wrap }: { label: string; text: string; wrap?: boolean }) {
  return <pre class={wrap ? 'code wrap' : 'code'} aria-label={label} tabIndex={0}>{text}</pre>;
}

/** A progress bar that is also read out (the native <progress> has an accessible name and value). */
export function UploadProgress({ label, loaded, total }: { label: string; loaded: number; total: number }) {
  const pct = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
  return (
    <div class="progress">
      <progress max={100} value={pct} aria-label={label} />
      <span class="progress-text" aria-live="polite">{pct} %</span>
    </div>
  );
}

/** Kernel line size against the architecture's limit; iPXE truncates silently past it, so say so loudly. */
export function ByteCounter({ bytes, limit }: { bytes: number; limit: number }) {
  const over = bytes > limit;
  const near = !over && bytes > limit * 0.9;
  return (
    <p class={`byte-counter${over ? ' over' : near ? ' near' : ''}`} aria-live="polite" data-testid="byte-counter">
      <meter min={0} max={limit} low={limit * 0.75} high={limit * 0.9} optimum={0} value={Math.min(bytes, limit)}
        aria-label="Kernel command line size" />
      <span><strong>{bytes}</strong> / {limit} bytes{over ? ' — over the limit, the server will refuse it' : ''}</span>
    </p>
  );
}

/**
 * A destructive action behind a modal confirmation (<dialog> traps focus and closes on Escape natively).
 * `onConfirm` may throw; its message is shown in the dialog and the dialog stays open.
 */
export function ConfirmButton({ label, title, question, confirmLabel, onConfirm, class: cls }: {
  label: ComponentChildren;
  title: string;
  question: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  class?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      ref.current?.close();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={cls ?? 'danger'} aria-label={title} onClick={() => { setError(undefined); ref.current?.showModal(); }}>
        {label}
      </button>
      <dialog ref={ref} aria-label={title}>
        <h2>{title}</h2>
        <p>{question}</p>
        {error && <Alert>{error}</Alert>}
        <div class="actions">
          <button type="button" onClick={() => ref.current?.close()}>Cancel</button>
          <button type="button" class="danger" disabled={busy} onClick={confirm}>{confirmLabel}</button>
        </div>
      </dialog>
    </>
  );
}
