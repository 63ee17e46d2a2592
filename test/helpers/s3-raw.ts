// Hand-built SigV4 requests for the cases no well-behaved client will produce: skewed clocks, foreign scopes,
// tampered chunks, replays. Signing uses the project's SigV4 steps, which the AWS vectors pin down.
import http from 'node:http';
import {
  type CredentialScope, EMPTY_SHA256, authorizationHeader, canonicalQueryString, canonicalUri, chunkStringToSign, formatAmzDate,
  sha256Hex, signature, signingKey, trailerStringToSign,
} from '../../server/src/domain/sigv4.ts';

export interface RawResponse {
  status: number;
  body: string;
  /** The S3 error <Code>, when the body is an error document. */
  code: string | null;
}

export interface RawRequest {
  port: number;
  method: string;
  /** Decoded path, e.g. `/netboot/machines/aabb…/x`. */
  path: string;
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Omit for an anonymous request. */
  creds?: { accessKey: string; secretKey: string };
  region?: string;
  nowMs?: number;
  /** Default: sha256 of the body. */
  payloadHash?: string;
  /** Headers present on the wire but left out of SignedHeaders. */
  unsignedHeaders?: Record<string, string>;
}

export function send(port: number, method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? null });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function signedHeaders(r: RawRequest): { url: string; headers: Record<string, string> } {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const amzDate = formatAmzDate(r.nowMs ?? Date.now());
  const payloadHash = r.payloadHash ?? sha256Hex(body);
  const headers: Record<string, string> = {
    host: `127.0.0.1:${r.port}`, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash, ...r.headers,
  };
  if (r.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  const qs = canonicalQueryString(r.query ?? []);
  const url = canonicalUri(r.path) + (qs ? `?${qs}` : '');
  if (r.creds) {
    const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
    headers.authorization = authorizationHeader(r.creds.accessKey, r.creds.secretKey, r.region ?? 'us-east-1', amzDate, {
      method: r.method, decodedPath: r.path, query: r.query ?? [], payloadHash, signedHeaders: names,
      headers: Object.fromEntries(names.map((n) => [n, [headers[n]]])),
    });
  }
  return { url, headers: { ...headers, ...r.unsignedHeaders } };
}

export function signedRequest(r: RawRequest): Promise<RawResponse> {
  const { url, headers } = signedHeaders(r);
  return send(r.port, r.method, url, headers, r.body);
}

export interface ChunkedUpload {
  /** Headers to send (authorization included). */
  headers: Record<string, string>;
  url: string;
  body: Buffer;
}

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] upload, as minio-go or the AWS SDKs build it. `tamper` edits the
 * framed chunk list before it is serialised (e.g. flip a byte after signing).
 */
export function chunkedUpload(opts: {
  port: number; path: string; creds: { accessKey: string; secretKey: string }; data: Buffer; chunkSize: number;
  trailer?: { name: string; value: string }; nowMs?: number;
  /** Claim (and sign) a different x-amz-decoded-content-length than the data has. */
  decodedLength?: number;
  tamper?: (chunks: Array<{ data: Buffer; sig: string }>) => void;
}): ChunkedUpload {
  const amzDate = formatAmzDate(opts.nowMs ?? Date.now());
  const mode = opts.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const headers: Record<string, string> = {
    host: `127.0.0.1:${opts.port}`, 'x-amz-date': amzDate, 'x-amz-content-sha256': mode, 'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(opts.decodedLength ?? opts.data.length),
  };
  if (opts.trailer) headers['x-amz-trailer'] = opts.trailer.name;
  const names = Object.keys(headers).sort();
  const scope: CredentialScope = { accessKey: opts.creds.accessKey, date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' };
  const auth = authorizationHeader(opts.creds.accessKey, opts.creds.secretKey, 'us-east-1', amzDate, {
    method: 'PUT', decodedPath: opts.path, query: [], payloadHash: mode, signedHeaders: names,
    headers: Object.fromEntries(names.map((n) => [n, [headers[n]]])),
  });
  const seed = auth.slice(auth.lastIndexOf('=') + 1);
  const key = signingKey(opts.creds.secretKey, scope);
  const chunks: Array<{ data: Buffer; sig: string }> = [];
  let prev = seed;
  for (let i = 0; i < opts.data.length; i += opts.chunkSize) {
    const data = opts.data.subarray(i, Math.min(i + opts.chunkSize, opts.data.length));
    prev = signature(key, chunkStringToSign(amzDate, scope, prev, sha256Hex(data)));
    chunks.push({ data, sig: prev });
  }
  prev = signature(key, chunkStringToSign(amzDate, scope, prev, EMPTY_SHA256));
  chunks.push({ data: Buffer.alloc(0), sig: prev });
  opts.tamper?.(chunks);
  const parts: Buffer[] = chunks.map((c) => Buffer.concat([Buffer.from(`${c.data.length.toString(16)};chunk-signature=${c.sig}\r\n`), c.data, Buffer.from('\r\n')]));
  if (opts.trailer) {
    const last = parts.pop()!;
    const trailerLine = `${opts.trailer.name}:${opts.trailer.value}\n`;
    const tsig = signature(key, trailerStringToSign(amzDate, scope, prev, trailerLine));
    parts.push(last.subarray(0, last.length - 2), Buffer.from(`${opts.trailer.name}:${opts.trailer.value}\r\nx-amz-trailer-signature:${tsig}\r\n\r\n`));
  }
  const body = Buffer.concat(parts);
  return { url: canonicalUri(opts.path), headers: { ...headers, authorization: auth, 'content-length': String(body.length) }, body };
}
