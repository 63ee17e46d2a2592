// Client-supplied TFTP file names (DESIGN §7: every name resolves inside its root or is refused). Pure.

export type TftpNameRefusal = 'empty' | 'too_long' | 'control_char' | 'backslash' | 'absolute' | 'traversal';

export type TftpNameResult = { ok: true; name: string } | { ok: false; refusal: TftpNameRefusal };

/**
 * A request's file name as a relative path inside the TFTP space, or why it is refused. Refused rather than
 * "fixed": `..` segments, absolute names, backslashes (a Windows-style separator some loaders send, which a
 * POSIX path would read as part of a name), NUL and other control characters, and names over `maxLength` bytes.
 * `.` segments and repeated slashes are dropped, so `./a//b` is `a/b`.
 */
export function resolveTftpName(raw: string, maxLength: number): TftpNameResult {
  if (Buffer.byteLength(raw) > maxLength) return { ok: false, refusal: 'too_long' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, refusal: 'control_char' };
  if (raw.includes('\\')) return { ok: false, refusal: 'backslash' };
  if (raw.startsWith('/')) return { ok: false, refusal: 'absolute' };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { ok: false, refusal: 'traversal' };
  if (segments.length === 0) return { ok: false, refusal: 'empty' };
  return { ok: true, name: segments.join('/') };
}
