// AWS Signature Version 4 for S3, as pure functions named after the steps of the spec:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (header),
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (presigned),
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (aws-chunked chunk and trailer signatures).
// No I/O here: the gateway parses the request, looks the secret up, and calls these.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { S3ErrorCode } from './s3-errors.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** AWS caps presigned URLs at 7 days. */
export const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 3600;

export type Fail = { ok: false; code: S3ErrorCode; message: string };
const fail = (code: S3ErrorCode, message: string): Fail => ({ ok: false, code, message });

export interface CredentialScope {
  accessKey: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

/** What the request claims; the signature is checked later against the secret of `scope.accessKey`. */
export interface SignedRequestClaim {
  kind: 'header' | 'presigned';
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date (or X-Amz-Date): YYYYMMDD'T'HHMMSS'Z' */
  amzDate: string;
  /** Presigned only: X-Amz-Expires in seconds. */
  expiresS?: number;
}

/** Headers as lower-case name → every value received (Node's `headersDistinct`). */
export type HeaderMap = Record<string, string[] | undefined>;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Constant-time comparison of two hex signatures (length leaks nothing: every valid one has 64 chars). */
export function signaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** S3's URI-encode: everything but the RFC 3986 unreserved set, slashes kept when `keepSlash`. */
export function uriEncode(value: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Canonical URI of a decoded S3 path (S3 encodes once, never normalises `.` segments). */
export function canonicalUri(decodedPath: string): string {
  return uriEncode(decodedPath || '/', true);
}

/** Sorted `k=v&…` of decoded query pairs, each side URI-encoded. */
export function canonicalQueryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value\n` per signed header: values trimmed, inner runs of spaces collapsed, repeats joined by `,`. */
export function canonicalHeaders(headers: HeaderMap, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => `${name}:${(headers[name] ?? []).map((v) => v.trim().replace(/ +/g, ' ')).join(',')}\n`)
    .join('');
}

export interface CanonicalRequestInput {
  method: string;
  decodedPath: string;
  query: ReadonlyArray<readonly [string, string]>;
  headers: HeaderMap;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(r: CanonicalRequestInput): string {
  return [
    r.method,
    canonicalUri(r.decodedPath),
    canonicalQueryString(r.query),
    canonicalHeaders(r.headers, r.signedHeaders),
    r.signedHeaders.join(';'),
    r.payloadHash,
  ].join('\n');
}

export function scopeString(s: CredentialScope): string {
  return `${s.date}/${s.region}/${s.service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: CredentialScope, canonical: string): string {
  return [ALGORITHM, amzDate, scopeString(scope), sha256Hex(canonical)].join('\n');
}

export function signingKey(secretKey: string, scope: CredentialScope): Buffer {
  const kDate = hmac('AWS4' + secretKey, scope.date);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  return hmac(kService, 'aws4_request');
}

export function signature(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign).digest('hex');
}

/** String to sign of one aws-chunked chunk: chained to the previous signature (the seed is the request's). */
export function chunkStringToSign(amzDate: string, scope: CredentialScope, previousSignature: string, chunkSha256Hex: string): string {
  return ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scopeString(scope), previousSignature, EMPTY_SHA256, chunkSha256Hex].join('\n');
}

/** String to sign of the trailer: `canonicalTrailer` is `name:value\n` for each trailing header, signature excluded. */
export function trailerStringToSign(amzDate: string, scope: CredentialScope, previousSignature: string, canonicalTrailer: string): string {
  return ['AWS4-HMAC-SHA256-TRAILER', amzDate, scopeString(scope), previousSignature, sha256Hex(canonicalTrailer)].join('\n');
}

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds since the epoch of an ISO 8601 basic date, or null when malformed. */
export function parseAmzDate(value: string): number | null {
  const m = AMZ_DATE_RE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  // Reject rollovers such as month 13 or second 61 that Date.UTC silently normalises.
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCSeconds() === s ? t : null;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseCredential(value: string): CredentialScope | null {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) return null;
  const [accessKey, date, region, service] = parts;
  return /^\d{8}$/.test(date) ? { accessKey, date, region, service } : null;
}

const SIGNED_HEADERS_RE = /^[a-z0-9-]+(;[a-z0-9-]+)*$/;
const SIGNATURE_RE = /^[0-9a-f]{64}$/;

/**
 * `Authorization: AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;…, Signature=…`
 * plus the x-amz-date header it relies on.
 */
export function parseAuthorizationHeader(value: string, amzDate: string | undefined): { ok: true; claim: SignedRequestClaim } | Fail {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) return fail('AuthorizationHeaderMalformed', `Unsupported authorization type ${algorithm.slice(0, 32)}; use AWS Signature Version 4`);
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const scope = parseCredential(fields.get('Credential') ?? '');
  const signed = fields.get('SignedHeaders') ?? '';
  const sig = fields.get('Signature') ?? '';
  if (!scope || !SIGNED_HEADERS_RE.test(signed) || !SIGNATURE_RE.test(sig)) {
    return fail('AuthorizationHeaderMalformed', 'The authorization header is malformed');
  }
  if (amzDate === undefined || parseAmzDate(amzDate) === null) return fail('AccessDenied', 'AWS authentication requires a valid x-amz-date header');
  return { ok: true, claim: { kind: 'header', scope, signedHeaders: signed.split(';'), signature: sig, amzDate } };
}

/** The X-Amz-* query parameters of a presigned URL. `query` holds decoded pairs. */
export function parsePresignedQuery(query: ReadonlyArray<readonly [string, string]>): { ok: true; claim: SignedRequestClaim } | Fail {
  const get = (name: string): string | undefined => {
    const hits = query.filter(([k]) => k === name);
    return hits.length === 1 ? hits[0][1] : undefined;
  };
  const bad = (message: string) => fail('AuthorizationQueryParametersError', message);
  if (get('X-Amz-Algorithm') !== ALGORITHM) return bad('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const scope = parseCredential(get('X-Amz-Credential') ?? '');
  if (!scope) return bad('Error parsing the X-Amz-Credential parameter');
  const amzDate = get('X-Amz-Date') ?? '';
  if (parseAmzDate(amzDate) === null) return bad('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  const expires = get('X-Amz-Expires') ?? '';
  // Digits only: rejects "-1", "1e9", " 60", "0x10" that Number() would accept.
  if (!/^\d{1,7}$/.test(expires)) return bad('X-Amz-Expires should be a number');
  const expiresS = Number(expires);
  if (expiresS < 1) return bad('X-Amz-Expires must be non-negative');
  if (expiresS > MAX_PRESIGNED_EXPIRES_S) return bad('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  const signed = get('X-Amz-SignedHeaders') ?? '';
  if (!SIGNED_HEADERS_RE.test(signed)) return bad('X-Amz-SignedHeaders is malformed');
  const sig = get('X-Amz-Signature') ?? '';
  if (!SIGNATURE_RE.test(sig)) return bad('X-Amz-Signature is malformed');
  return { ok: true, claim: { kind: 'presigned', scope, signedHeaders: signed.split(';'), signature: sig, amzDate, expiresS } };
}

export interface ScopeExpectations {
  region: string;
  nowMs: number;
  clockSkewMs: number;
}

/** Scope and time rules that need no secret: region/service/date, clock skew, presigned expiry. */
export function checkScopeAndTime(claim: SignedRequestClaim, exp: ScopeExpectations): { ok: true } | Fail {
  const { scope } = claim;
  if (scope.service !== 's3') return fail('AuthorizationHeaderMalformed', `The service '${scope.service.slice(0, 32)}' is incorrect; expecting 's3'`);
  if (scope.region !== exp.region) {
    return fail('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${scope.region.slice(0, 32)}' is wrong; expecting '${exp.region}'`);
  }
  if (claim.amzDate.slice(0, 8) !== scope.date) return fail('SignatureDoesNotMatch', 'The credential date does not match x-amz-date');
  const signedAt = parseAmzDate(claim.amzDate)!;
  if (claim.kind === 'presigned') {
    if (signedAt - exp.nowMs > exp.clockSkewMs) return fail('AccessDenied', 'Request is not valid yet');
    if (exp.nowMs > signedAt + claim.expiresS! * 1000) return fail('AccessDenied', 'Request has expired');
  } else if (Math.abs(exp.nowMs - signedAt) > exp.clockSkewMs) {
    return fail('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }
  if (!claim.signedHeaders.includes('host')) return fail('AccessDenied', 'The host header must be signed');
  return { ok: true };
}

/** The query a presigned request signed: every pair but X-Amz-Signature. */
export function presignedCanonicalQuery(query: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  return query.filter(([k]) => k !== 'X-Amz-Signature');
}

/** Recompute the request signature from the secret and compare in constant time. */
export function verifyRequestSignature(
  claim: SignedRequestClaim,
  secretKey: string,
  request: Omit<CanonicalRequestInput, 'signedHeaders'>,
): { ok: true; signingKey: Buffer } | Fail {
  const key = signingKey(secretKey, claim.scope);
  const query = claim.kind === 'presigned' ? presignedCanonicalQuery(request.query) : request.query;
  const canonical = canonicalRequest({ ...request, query, signedHeaders: claim.signedHeaders });
  const expected = signature(key, stringToSign(claim.amzDate, claim.scope, canonical));
  if (!signaturesEqual(expected, claim.signature)) {
    return fail('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return { ok: true, signingKey: key };
}

/** Sign an outgoing request (the gateway re-signs towards the backend): returns the Authorization header value. */
export function authorizationHeader(
  accessKey: string,
  secretKey: string,
  region: string,
  amzDate: string,
  request: CanonicalRequestInput,
): string {
  const scope: CredentialScope = { accessKey, date: amzDate.slice(0, 8), region, service: 's3' };
  const sig = signature(signingKey(secretKey, scope), stringToSign(amzDate, scope, canonicalRequest(request)));
  return `${ALGORITHM} Credential=${accessKey}/${scopeString(scope)}, SignedHeaders=${request.signedHeaders.join(';')}, Signature=${sig}`;
}
