// RFC 9110 §14 byte ranges for artifact downloads. iPXE and UEFI firmware fetch whole files, but curl -C, wget -c
// and HTTP Boot retries resume with Range. One range only: a multi-range request gets the whole file (allowed by
// §14.2, and no boot client sends one).

export type RangeResult =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number } // inclusive end
  | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return { kind: 'full' }; // unknown units or multiple ranges: ignore the header
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || (b !== '' && Number(b) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Strong validator: the content hash, so a name re-pointed to new bytes never matches an old cache. */
export function etagFor(sha256: string): string {
  return `"sha256-${sha256}"`;
}

/** If-None-Match / If-Range comparison (weak comparison for If-None-Match, §13.1.2). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
