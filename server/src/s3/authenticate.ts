// Step 1 of every gateway request: who signed it, and is the signature good. Header or presigned SigV4,
// per-boot credentials, clock skew, optional client-IP binding.
import {
  EMPTY_SHA256, type HeaderMap, type SignedRequestClaim, UNSIGNED_PAYLOAD, checkScopeAndTime, parseAuthorizationHeader,
  parsePresignedQuery, verifyRequestSignature,
} from '../domain/sigv4.ts';
import type { PrincipalDirectory, S3Principal } from './principal.ts';
import { S3Error } from './s3-error.ts';
import type { TrafficSubject } from './traffic.ts';

export interface AuthInput {
  method: string;
  decodedPath: string;
  /** Every decoded query pair, presigning parameters included. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: HeaderMap;
  remoteIp: string | null;
}

export interface AuthContext {
  principals: PrincipalDirectory;
  region: string;
  clockSkewMs: number;
  now: () => number;
}

export type AuthResult =
  | { ok: true; principal: S3Principal; claim: SignedRequestClaim; signingKey: Buffer; payloadHash: string }
  /** `subject` attributes the denial to a machine when the key named one of its sessions. */
  | { ok: false; error: S3Error; subject: TrafficSubject };

/** Headers that change what an authorised operation does: a client must sign them or they could be swapped in transit. */
const MUST_SIGN_WHEN_PRESENT = ['x-amz-copy-source', 'x-amz-decoded-content-length', 'x-amz-trailer', 'x-amz-content-sha256'];

const first = (h: HeaderMap, name: string): string | undefined => h[name]?.[0];

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export async function authenticate(input: AuthInput, ctx: AuthContext): Promise<AuthResult> {
  const anonymous: TrafficSubject = { mac: null, sessionId: null, ip: input.remoteIp };
  const deny = (code: S3Error['code'], message: string, subject = anonymous): AuthResult =>
    ({ ok: false, error: new S3Error(code, message), subject });

  const authorization = first(input.headers, 'authorization');
  const presigned = input.query.some(([k]) => k === 'X-Amz-Algorithm' || k === 'X-Amz-Signature');
  if (authorization !== undefined && presigned) return deny('InvalidArgument', 'Only one auth mechanism allowed');
  if (authorization === undefined && !presigned) return deny('AccessDenied', 'Anonymous access is not allowed');
  const parsed = authorization !== undefined
    ? parseAuthorizationHeader(authorization, first(input.headers, 'x-amz-date'))
    : parsePresignedQuery(input.query);
  if (!parsed.ok) return deny(parsed.code, parsed.message);
  const { claim } = parsed;

  const found = await ctx.principals.lookup(claim.scope.accessKey);
  if (found.status === 'unknown') return deny('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (found.status !== 'active') {
    return deny('InvalidAccessKeyId', `The boot session of this access key has ${found.status}.`,
      { mac: found.mac, sessionId: found.sessionId, ip: input.remoteIp });
  }
  const { principal } = found;
  const subject: TrafficSubject = { mac: principal.mac, sessionId: principal.sessionId, ip: input.remoteIp };

  const scope = checkScopeAndTime(claim, { region: ctx.region, nowMs: ctx.now(), clockSkewMs: ctx.clockSkewMs });
  // Presigned requests sign UNSIGNED-PAYLOAD; header requests sign the x-amz-content-sha256 they send. Without
  // that header (curl --aws-sigv4 before 8.x) MinIO takes the empty body's hash, and so do we: the body is then
  // verified against it, so a GET works and an upload must say what it sends.
  const payloadHash = claim.kind === 'presigned' ? UNSIGNED_PAYLOAD : first(input.headers, 'x-amz-content-sha256') ?? EMPTY_SHA256;
  const verified = verifyRequestSignature(claim, principal.secretKey, {
    method: input.method, decodedPath: input.decodedPath, query: input.query, headers: input.headers, payloadHash,
  });
  // The signature is checked before time and scope results are revealed: only the key holder learns those.
  if (!verified.ok) return deny(verified.code, verified.message, subject);
  if (!scope.ok) return deny(scope.code, scope.message, subject);
  const unsigned = MUST_SIGN_WHEN_PRESENT.find((h) => input.headers[h] !== undefined && !claim.signedHeaders.includes(h));
  if (unsigned && !(unsigned === 'x-amz-content-sha256' && claim.kind === 'header')) {
    return deny('AccessDenied', `There were headers present in the request which were not signed: ${unsigned}`, subject);
  }
  if (principal.clientIp !== null && normalizeIp(principal.clientIp) !== normalizeIp(input.remoteIp)) {
    return deny('AccessDenied', 'These credentials are bound to another client address', subject);
  }
  return { ok: true, principal, claim, signingKey: verified.signingKey, payloadHash };
}
