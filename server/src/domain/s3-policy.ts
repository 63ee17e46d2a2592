// What a boot session may do through the gateway: S3 operations on its own machine's prefix
// `machines/<mac-hex>/` of the one configured bucket, nothing else (DESIGN §6). Pure: the gateway passes the
// decoded request, this names the operation or refuses it with the S3 error code clients expect.
import type { S3ErrorCode } from './s3-errors.ts';

export type S3Operation =
  | 'ListObjects' | 'HeadBucket' | 'GetBucketLocation' | 'GetBucketVersioning' | 'GetObjectLockConfiguration'
  | 'ListMultipartUploads' | 'DeleteObjects'
  | 'GetObject' | 'HeadObject' | 'PutObject' | 'CopyObject' | 'DeleteObject'
  | 'CreateMultipartUpload' | 'UploadPart' | 'UploadPartCopy' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListParts'
  | 'GetObjectTagging' | 'PutObjectTagging' | 'DeleteObjectTagging';

/** Operations the gateway answers itself, without the backend (bucket-level facts the client must not change). */
export const LOCAL_OPERATIONS: ReadonlySet<S3Operation> = new Set(['GetBucketLocation', 'GetBucketVersioning', 'GetObjectLockConfiguration']);

export interface PolicyRequest {
  method: string;
  /** Decoded path-style bucket and key; bucket '' is the service root, key null addresses the bucket. */
  bucket: string;
  key: string | null;
  query: ReadonlyArray<readonly [string, string]>;
  /** The raw x-amz-copy-source header, if any. */
  copySource: string | null;
}

export interface PolicyContext {
  bucket: string;
  macHex: string;
}

export type PolicyDecision = { ok: true; operation: S3Operation } | { ok: false; code: S3ErrorCode; message: string };

export function machinePrefix(macHex: string): string {
  return `machines/${macHex}/`;
}

/**
 * Query parameters a client may send. Anything else is refused, so a new S3 sub-resource (acl, policy, …) can
 * never slip through as if it were a plain object operation.
 */
const ALLOWED_QUERY = new Set([
  'list-type', 'prefix', 'delimiter', 'marker', 'max-keys', 'continuation-token', 'start-after', 'encoding-type',
  'fetch-owner', 'metadata', 'location', 'versioning', 'object-lock', 'uploads', 'delete', 'key-marker',
  'upload-id-marker', 'max-uploads', 'uploadId', 'partNumber', 'max-parts', 'part-number-marker', 'versionId',
  'tagging', 'x-id', 'response-content-type', 'response-content-language', 'response-expires',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
]);

const deny = (message: string): PolicyDecision => ({ ok: false, code: 'AccessDenied', message });

/** An object key the machine owns: under its prefix, and with no `.`/`..` segment a file-backed store could resolve. */
export function keyAllowed(key: string, macHex: string): boolean {
  if (!key.startsWith(machinePrefix(macHex)) || key.length > 1024) return false;
  return !key.split('/').some((seg) => seg === '.' || seg === '..');
}

/** A list prefix the machine may use: inside its own prefix (so every listed key is its own). */
function listPrefixAllowed(prefix: string | undefined, macHex: string): boolean {
  return prefix !== undefined && prefix.startsWith(machinePrefix(macHex)) && !prefix.split('/').some((s) => s === '..');
}

/** `x-amz-copy-source: /bucket/key[?versionId=…]`, URL-encoded; null when malformed. */
export function parseCopySource(raw: string): { bucket: string; key: string } | null {
  const noVersion = raw.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(noVersion);
  } catch {
    return null;
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return null;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export function authorize(req: PolicyRequest, ctx: PolicyContext): PolicyDecision {
  const q = new Map(req.query.map(([k, v]) => [k, v]));
  for (const k of q.keys()) if (!ALLOWED_QUERY.has(k)) return deny(`The query parameter '${k.slice(0, 40)}' is not allowed`);
  // `?prefix=mine&prefix=theirs`: we would check one value and the backend might use the other.
  if (q.size !== req.query.length) return deny('A query parameter is repeated');
  if (req.bucket === '') return deny('Listing buckets is not allowed');
  // Another bucket: say it does not exist. This is also what mcli's signature probe of a random bucket must see.
  if (req.bucket !== ctx.bucket) return { ok: false, code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
  return req.key === null ? authorizeBucket(req.method, q, ctx) : authorizeObject(req, req.key, q, ctx);
}

function authorizeBucket(method: string, q: Map<string, string>, ctx: PolicyContext): PolicyDecision {
  const has = (k: string) => q.has(k);
  if (method === 'GET' && has('location')) return { ok: true, operation: 'GetBucketLocation' };
  if (method === 'GET' && has('versioning')) return { ok: true, operation: 'GetBucketVersioning' };
  if (method === 'GET' && has('object-lock')) return { ok: true, operation: 'GetObjectLockConfiguration' };
  if (method === 'POST' && has('delete')) return { ok: true, operation: 'DeleteObjects' };
  if (method === 'HEAD' && q.size === 0) return { ok: true, operation: 'HeadBucket' };
  const subresource = ['uploads', 'delete', 'location', 'versioning', 'object-lock', 'tagging', 'uploadId', 'partNumber']
    .find((k) => has(k));
  if (method === 'GET' && subresource === 'uploads') {
    return listPrefixAllowed(q.get('prefix'), ctx.macHex)
      ? { ok: true, operation: 'ListMultipartUploads' }
      : deny(`Listing uploads requires a prefix under ${machinePrefix(ctx.macHex)}`);
  }
  if (method === 'GET' && subresource === undefined) {
    return listPrefixAllowed(q.get('prefix'), ctx.macHex)
      ? { ok: true, operation: 'ListObjects' }
      : deny(`Listing requires a prefix under ${machinePrefix(ctx.macHex)}`);
  }
  return deny(`${method} on the bucket is not allowed`);
}

function authorizeObject(req: PolicyRequest, key: string, q: Map<string, string>, ctx: PolicyContext): PolicyDecision {
  if (!keyAllowed(key, ctx.macHex)) return deny(`Keys must be under ${machinePrefix(ctx.macHex)}`);
  if (req.copySource !== null) {
    const src = parseCopySource(req.copySource);
    if (!src || src.bucket !== ctx.bucket || !keyAllowed(src.key, ctx.macHex)) {
      return deny(`The copy source must be under ${machinePrefix(ctx.macHex)} in this bucket`);
    }
    if (req.method !== 'PUT') return deny('x-amz-copy-source is only valid on PUT');
  }
  const part = q.has('uploadId') && q.has('partNumber');
  const op = ((): S3Operation | null => {
    switch (req.method) {
      case 'GET':
        if (q.has('tagging')) return 'GetObjectTagging';
        if (q.has('uploadId')) return 'ListParts';
        return q.has('uploads') ? null : 'GetObject';
      case 'HEAD':
        return q.has('uploads') || q.has('tagging') ? null : 'HeadObject';
      case 'PUT':
        if (q.has('tagging')) return 'PutObjectTagging';
        if (part) return req.copySource !== null ? 'UploadPartCopy' : 'UploadPart';
        if (q.has('uploadId') || q.has('uploads')) return null;
        return req.copySource !== null ? 'CopyObject' : 'PutObject';
      case 'POST':
        if (q.has('uploads')) return 'CreateMultipartUpload';
        if (q.has('uploadId')) return 'CompleteMultipartUpload';
        return null;
      case 'DELETE':
        if (q.has('tagging')) return 'DeleteObjectTagging';
        return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
      default:
        return null;
    }
  })();
  return op ? { ok: true, operation: op } : deny(`${req.method} with these parameters is not allowed`);
}

/** Every key of a `POST ?delete` batch must be the machine's own. */
export function authorizeDeleteKeys(keys: readonly string[], macHex: string): PolicyDecision {
  const bad = keys.find((k) => !keyAllowed(k, macHex));
  return bad === undefined ? { ok: true, operation: 'DeleteObjects' } : deny(`Keys must be under ${machinePrefix(macHex)}`);
}

/** Operations that read or write object data: what the traffic summary counts as pulls and pushes. */
export function trafficKind(op: S3Operation): 'pull' | 'push' | null {
  if (op === 'GetObject') return 'pull';
  if (op === 'PutObject' || op === 'CopyObject' || op === 'CompleteMultipartUpload') return 'push';
  return null;
}
