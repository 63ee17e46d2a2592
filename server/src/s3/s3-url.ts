// Path-style S3 request targets: `/bucket/key?query`. Clients percent-encode differently (some leave `=` or
// `+` raw); they all sign the decoded form re-encoded by AWS rules, so decoding once here is what SigV4 needs.
import { S3Error } from './s3-error.ts';

export interface S3Target {
  /** Decoded path, always starting with `/`. */
  decodedPath: string;
  bucket: string;
  /** null when the path names the bucket (or the service root). */
  key: string | null;
  query: Array<[string, string]>;
}

/** Parameters of a presigned URL: part of the signature, never of the operation. */
export const PRESIGN_PARAMS = new Set([
  'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token',
]);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid percent-encoding in the request URI');
  }
}

export function parseS3Target(rawUrl: string): S3Target {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidArgument', 'The request URI must be a path');
  const decodedPath = decode(rawPath);
  const rest = decodedPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 || slash === rest.length - 1 ? null : rest.slice(slash + 1);
  const query: Array<[string, string]> = [];
  if (q >= 0) {
    for (const part of rawUrl.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      query.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
    }
  }
  return { decodedPath, bucket, key, query };
}
