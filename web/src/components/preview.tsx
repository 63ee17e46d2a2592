// The boot preview: what the next boot would get (iPXE script, kernel line with its byte count, the extra
// document with secrets redacted by the server), re-requested while the user edits.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import type { FieldError } from '../lib/field-errors';
import { useDebounced, useLatest } from '../lib/hooks';
import type { Preview } from '../lib/types';
import { Alert, ByteCounter, Code } from './widgets';

/** Debounce before asking the server again: fast enough to feel live, slow enough not to send every keystroke. */
const PREVIEW_DEBOUNCE_MS = 300;

export interface LivePreview {
  preview: Preview | undefined;
  error: ApiError | undefined;
  pending: boolean;
}

/**
 * Fetches a preview for `input` once it stops changing. `input` is compared by its JSON so a re-render with an
 * equal draft does not refetch; only the newest answer is kept.
 */
export function useLivePreview<T>(input: T | undefined, fetch: (input: T) => Promise<Preview>): LivePreview {
  const key = input === undefined ? undefined : JSON.stringify(input);
  const settled = useDebounced(key, PREVIEW_DEBOUNCE_MS);
  const fetchRef = useLatest(fetch);
  const [state, setState] = useState<LivePreview>({ preview: undefined, error: undefined, pending: true });
  useEffect(() => {
    if (settled === undefined) return;
    let current = true;
    setState((s) => ({ ...s, pending: true }));
    fetchRef.current(JSON.parse(settled) as T).then(
      (preview) => current && setState({ preview, error: undefined, pending: false }),
      (err: unknown) => current && setState((s) => ({
        preview: s.preview,
        error: err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)),
        pending: false,
      })),
    );
    return () => { current = false; };
  }, [settled]);
  if (key === undefined) return { preview: undefined, error: undefined, pending: false };
  return { ...state, pending: state.pending || key !== settled };
}

/** The preview's validation failure as a form field error (400 with a field), for inline display. */
export function previewFieldError(p: LivePreview): FieldError | null {
  return p.error && p.error.status === 400 && p.error.field ? { field: p.error.field, message: p.error.message } : null;
}

export function PreviewPanel({ live, title = 'Boot preview', empty }: { live: LivePreview; title?: string; empty?: string }) {
  const { preview, error, pending } = live;
  return (
    <section class="preview" aria-labelledby="preview-title" aria-busy={pending}>
      <h2 id="preview-title">{title} {pending && <span class="muted small">updating…</span>}</h2>
      {error && (
        <Alert kind="warning">
          Preview unavailable: {error.message}{error.field ? ` (${error.field})` : ''}
        </Alert>
      )}
      {!preview && !error && !pending && empty && <p class="muted">{empty}</p>}
      {preview && (
        <div class={error ? 'stale' : undefined} data-testid="preview">
          <h3>Kernel command line</h3>
          <ByteCounter bytes={preview.kernelCmdlineBytes} limit={preview.kernelCmdlineLimit} />
          <Code label="Kernel command line" text={preview.kernelCmdline} wrap />
          <h3>iPXE script</h3>
          <Code label="iPXE script" text={preview.script} />
          <h3>Extra document <span class="muted small">(b2c.extra_args_url, secrets redacted)</span></h3>
          <Code label="Extra document" text={preview.extraArgs} />
        </div>
      )}
    </section>
  );
}
