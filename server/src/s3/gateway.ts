// The S3 gateway (DESIGN §6): machines talk S3 to us with per-boot credentials; we authenticate (SigV4),
// authorise (their own prefix only), verify the payload while it streams, and forward with the backend's
// credentials. Bodies stream both ways with backpressure; nothing is held whole except a bounded ?delete list.
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { deleteXml, parseDeleteXml } from '../domain/s3-delete-xml.ts';
import { s3ErrorXml } from '../domain/s3-errors.ts';
import { LOCAL_OPERATIONS, type S3Operation, authorize, authorizeDeleteKeys, parseCopySource, trafficKind } from '../domain/s3-policy.ts';
import { type HeaderMap, sha256Hex, uriEncode } from '../domain/sigv4.ts';
import type { EventBus } from '../events.ts';
import { authenticate, normalizeIp } from './authenticate.ts';
import { type BackendConfig, type BackendClient, createBackendClient, responseHeaders } from './backend-client.ts';
import { DenialLimiter, type DenialLimiterOptions } from './denial-limiter.ts';
import type { PrincipalDirectory, S3Principal } from './principal.ts';
import { type BodyPlan, planBody } from './request-body.ts';
import { S3Error } from './s3-error.ts';
import { PRESIGN_PARAMS, type S3Target, parseS3Target } from './s3-url.ts';
import { TrafficRecorder, type TrafficSubject } from './traffic.ts';

export type { S3Principal, PrincipalLookupResult, PrincipalDirectory } from './principal.ts';

export interface S3GatewayOptions {
  host: string;
  /** 0 = ephemeral. */
  port: number;
  backend: BackendConfig;
  principals: PrincipalDirectory;
  events: EventBus;
  logger: Logger;
  /** AWS allows 15 minutes between the request's x-amz-date and our clock; so do we. */
  clockSkewMs?: number;
  /** How often per-session traffic summaries are published. */
  trafficFlushMs?: number;
  /** Per-IP budget of refused requests before the IP gets SlowDown. */
  denialLimits?: DenialLimiterOptions;
  now?: () => number;
}

export interface S3Gateway {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export const DEFAULT_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** A connection with no traffic for this long is dropped (mcli retries; a stuck peer holds no socket forever). */
const IDLE_SOCKET_TIMEOUT_MS = 120_000;
/** A 1000-key ?delete body with 1 KiB keys stays well under this. */
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;
/** Request headers worth passing to the backend; everything auth- or framing-related is ours to set. */
const FORWARD_HEADERS = new Set([
  'content-type', 'content-md5', 'cache-control', 'content-disposition', 'content-language', 'expires', 'range',
  'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-copy-source-range',
  'x-amz-copy-source-if-match', 'x-amz-copy-source-if-none-match', 'x-amz-copy-source-if-modified-since',
  'x-amz-copy-source-if-unmodified-since', 'x-amz-metadata-directive', 'x-amz-tagging', 'x-amz-tagging-directive',
  'x-amz-storage-class',
]);

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  target: S3Target | null;
  /** Set for requests that sent `Expect: 100-continue`: the go-ahead is given only once the request is authorised. */
  expectsContinue: boolean;
}

export function createS3Gateway(o: S3GatewayOptions): S3Gateway {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`S3 gateway port must be 0..65535, got ${o.port}`);
  const clockSkewMs = o.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (!(clockSkewMs > 0)) throw new Error('S3 gateway clockSkewMs must be positive');
  const now = o.now ?? Date.now;
  const backend = createBackendClient(o.backend, now);
  const traffic = new TrafficRecorder(o.events, o.trafficFlushMs);
  const limiter = new DenialLimiter(o.denialLimits);
  const log = o.logger.child({ service: 's3' });

  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const ctx: RequestContext = { req, res, requestId: randomBytes(8).toString('hex').toUpperCase(), target: null, expectsContinue };
    handle(ctx).catch((err: unknown) => fail(ctx, err));
  };
  const server = http.createServer((req, res) => onRequest(req, res, false));
  server.on('checkContinue', (req, res) => onRequest(req, res, true));
  server.on('clientError', (_err, socket) => socket.destroy());
  // Large uploads may legitimately take longer than Node's 5-minute whole-request limit; a stalled peer is
  // caught by the idle timeout instead.
  server.requestTimeout = 0;
  server.timeout = IDLE_SOCKET_TIMEOUT_MS;

  async function handle(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    const method = req.method ?? 'GET';
    const target = (ctx.target = parseS3Target(req.url ?? '/'));
    const headers = req.headersDistinct as HeaderMap;
    const remoteIp = normalizeIp(req.socket.remoteAddress);
    if (remoteIp && !limiter.allows(remoteIp)) {
      return sendError(ctx, new S3Error('SlowDown', 'Too many refused requests from this address; slow down.'));
    }
    const auth = await authenticate(
      { method, decodedPath: target.decodedPath, query: target.query, headers, remoteIp },
      { principals: o.principals, region: o.backend.region, clockSkewMs, now },
    );
    if (!auth.ok) return deny(ctx, auth.error, auth.subject);
    const subject: TrafficSubject = { mac: auth.principal.mac, sessionId: auth.principal.sessionId, ip: remoteIp };
    const query = target.query.filter(([k]) => !PRESIGN_PARAMS.has(k));
    const decision = authorize(
      { method, bucket: target.bucket, key: target.key, query, copySource: headers['x-amz-copy-source']?.[0] ?? null },
      { bucket: o.backend.bucket, macHex: auth.principal.macHex },
    );
    if (!decision.ok) return deny(ctx, new S3Error(decision.code, decision.message), subject);
    const op = decision.operation;
    try {
      const body = planBody(method, headers, auth.payloadHash, auth.claim, auth.signingKey, op === 'PutObject' || op === 'UploadPart');
      if (LOCAL_OPERATIONS.has(op)) return answerLocally(ctx, op);
      if (op === 'DeleteObjects') return await deleteObjects(ctx, auth.principal, body, subject);
      return await forward(ctx, op, method, target.key, query, headers, body, subject);
    } catch (err) {
      // Refusals past authentication belong to the machine's timeline, not to an anonymous caller.
      if (err instanceof S3Error) return deny(ctx, err, subject);
      throw err;
    }
  }

  function forward(
    ctx: RequestContext, op: S3Operation, method: string, key: string | null, query: Array<[string, string]>,
    headers: HeaderMap, body: BodyPlan, subject: TrafficSubject,
  ): Promise<void> {
    const { req, res } = ctx;
    const upHeaders = forwardedHeaders(headers, o.backend.bucket);
    if (body.contentEncoding) upHeaders['content-encoding'] = body.contentEncoding;
    const hasBody = !(method === 'GET' || method === 'HEAD' || method === 'DELETE') || body.contentLength > 0;
    if (hasBody) upHeaders['content-length'] = String(body.contentLength);
    const upReq = backend.request({ method, key, query, headers: upHeaders });
    let bytesIn = 0;
    let bytesOut = 0;
    let bodyError: Error | null = null;

    return new Promise<void>((resolve) => {
      const finish = (status: number) => {
        const kind = status < 300 ? trafficKind(op) : null;
        traffic.record(subject, { bytesIn, bytesOut, pulls: kind === 'pull' ? 1 : 0, pushes: kind === 'push' ? 1 : 0 });
        log.debug({ requestId: ctx.requestId, op, status, mac: subject.mac, bytesIn, bytesOut }, 's3 request');
        resolve();
      };
      upReq.on('response', (upRes) => {
        if (bodyError) return upRes.destroy();
        res.writeHead(upRes.statusCode ?? 502, responseHeaders(upRes.headers));
        upRes.on('data', (c: Buffer) => { bytesOut += c.length; });
        upRes.pipe(res);
        res.on('close', () => {
          if (!res.writableFinished) upRes.destroy();
          finish(upRes.statusCode ?? 502);
        });
      });
      upReq.on('error', (err) => {
        if (bodyError) return;
        log.warn({ err, requestId: ctx.requestId, op }, 's3 backend request failed');
        req.unpipe(body.verifier);
        sendError(ctx, new S3Error('ServiceUnavailable', 'The storage backend is unavailable'));
        finish(503);
      });
      // A failed verification aborts the upstream request before its last byte: the backend stores nothing.
      body.verifier.on('error', (err) => {
        bodyError = err;
        upReq.destroy(err);
        req.unpipe(body.verifier);
        deny(ctx, err instanceof S3Error ? err : new S3Error('IncompleteBody', 'Invalid request body'), subject);
        resolve();
      });
      body.verifier.on('data', (c: Buffer) => { bytesIn += c.length; });
      // The client went away mid-body: abort upstream too, so the backend keeps nothing.
      req.on('close', () => { if (!req.complete) upReq.destroy(); });
      if (ctx.expectsContinue) res.writeContinue();
      req.pipe(body.verifier).pipe(upReq);
    });
  }

  async function deleteObjects(ctx: RequestContext, principal: S3Principal, body: BodyPlan, subject: TrafficSubject): Promise<void> {
    if (body.contentLength > MAX_DELETE_BODY_BYTES) throw new S3Error('EntityTooLarge', 'The delete request is too large');
    if (ctx.expectsContinue) ctx.res.writeContinue();
    const xml = await readBounded(ctx.req.pipe(body.verifier), MAX_DELETE_BODY_BYTES);
    const parsed = parseDeleteXml(xml.toString('utf8'));
    if (!parsed) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const allowed = authorizeDeleteKeys(parsed.objects.map((x) => x.key), principal.macHex);
    if (!allowed.ok) return deny(ctx, new S3Error(allowed.code, allowed.message), subject);
    const forwarded = Buffer.from(deleteXml(parsed));
    const upReq = backend.request({
      method: 'POST', key: null, query: [['delete', '']], payloadHash: sha256Hex(forwarded),
      headers: {
        'content-type': 'application/xml', 'content-length': String(forwarded.length),
        'content-md5': createHash('md5').update(forwarded).digest('base64'),
      },
    });
    await new Promise<void>((resolve) => {
      upReq.on('response', (upRes) => {
        ctx.res.writeHead(upRes.statusCode ?? 502, responseHeaders(upRes.headers));
        upRes.pipe(ctx.res);
        ctx.res.on('close', () => resolve());
      });
      upReq.on('error', (err) => {
        log.warn({ err, requestId: ctx.requestId }, 's3 backend delete failed');
        sendError(ctx, new S3Error('ServiceUnavailable', 'The storage backend is unavailable'));
        resolve();
      });
      upReq.end(forwarded);
    });
    traffic.record(subject, { bytesIn: forwarded.length });
  }

  function answerLocally(ctx: RequestContext, op: S3Operation): void {
    ctx.req.resume();
    const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    if (op === 'GetObjectLockConfiguration') {
      return sendError(ctx, new S3Error('ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket'));
    }
    const xml = op === 'GetBucketLocation'
      // us-east-1 is spelled as an empty constraint (S3's historical default).
      ? `<LocationConstraint ${ns}>${o.backend.region === 'us-east-1' ? '' : o.backend.region}</LocationConstraint>`
      : `<VersioningConfiguration ${ns}/>`;
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
    ctx.res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': ctx.requestId });
    ctx.res.end(body);
  }

  function deny(ctx: RequestContext, err: S3Error, subject: TrafficSubject): void {
    traffic.record(subject, { denials: 1 });
    if (subject.ip) limiter.recordDenial(subject.ip);
    log.info({ requestId: ctx.requestId, code: err.code, mac: subject.mac, ip: subject.ip, method: ctx.req.method }, `s3 denied: ${err.message}`);
    sendError(ctx, err);
  }

  function fail(ctx: RequestContext, err: unknown): void {
    if (err instanceof S3Error) return deny(ctx, err, { mac: null, sessionId: null, ip: normalizeIp(ctx.req.socket.remoteAddress) });
    log.error({ err, requestId: ctx.requestId }, 's3 request failed');
    sendError(ctx, new S3Error('InternalError', 'We encountered an internal error. Please try again.'));
  }

  function sendError(ctx: RequestContext, err: S3Error): void {
    const { req, res } = ctx;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const resource = ctx.target?.decodedPath ?? '/';
    const xml = s3ErrorXml({ code: err.code, message: err.message, resource, requestId: ctx.requestId });
    const headers: Record<string, string | number> = { 'content-type': 'application/xml', 'x-amz-request-id': ctx.requestId };
    // An unread body (refused before we consumed it) must not be parsed as the next request on this socket.
    if (!req.complete) headers.connection = 'close';
    if (req.method === 'HEAD') {
      res.writeHead(err.status, headers).end();
    } else {
      headers['content-length'] = Buffer.byteLength(xml);
      res.writeHead(err.status, headers).end(xml);
    }
    if (!req.complete) req.resume();
  }

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port, o.host, () => {
          server.off('error', reject);
          const port = (server.address() as AddressInfo).port;
          log.info({ host: o.host, port, backend: o.backend.endPoint, bucket: o.backend.bucket }, 'S3 gateway listening');
          resolve({ port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        traffic.close();
        server.close(() => {
          backend.close();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Client headers the backend should see, with the copy source rewritten to its canonical encoded form. */
function forwardedHeaders(headers: HeaderMap, bucket: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!values) continue;
    if (FORWARD_HEADERS.has(name) || name.startsWith('x-amz-meta-')) out[name] = values.join(',');
  }
  const copy = headers['x-amz-copy-source']?.[0];
  const src = copy === undefined ? null : parseCopySource(copy);
  if (src) out['x-amz-copy-source'] = `/${bucket}/${uriEncode(src.key, true)}`;
  return out;
}

function readBounded(stream: NodeJS.ReadableStream, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) reject(new S3Error('EntityTooLarge', 'The delete request is too large'));
      else parts.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(parts)));
  });
}
