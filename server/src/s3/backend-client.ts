// Streaming requests to the S3 backend, signed with the backend's own credentials. Bodies are sent as
// UNSIGNED-PAYLOAD so nothing has to be read twice or held in memory: the gateway has already verified what the
// client signed. (The `minio` package buffers single-part uploads whole, so uploads do not go through it.)
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { UNSIGNED_PAYLOAD, authorizationHeader, canonicalQueryString, canonicalUri, formatAmzDate } from '../domain/sigv4.ts';

export interface BackendConfig {
  /** e.g. http://minio:9000 (path-style addressing, no path prefix). */
  endPoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

export interface BackendRequest {
  method: string;
  /** Object key in the configured bucket, or null for the bucket itself. */
  key: string | null;
  query?: ReadonlyArray<readonly [string, string]>;
  /** Extra headers to forward (already filtered); content-length belongs here when there is a body. */
  headers?: Record<string, string>;
  /** Defaults to UNSIGNED-PAYLOAD. */
  payloadHash?: string;
}

export interface BackendClient {
  readonly config: BackendConfig;
  request(r: BackendRequest): http.ClientRequest;
  close(): void;
}

/** Sockets kept open towards the backend; 64 covers rclone's default 4 transfers × 4 multipart threads many times over. */
const MAX_BACKEND_SOCKETS = 64;

export function createBackendClient(config: BackendConfig, now: () => number = Date.now): BackendClient {
  const url = new URL(config.endPoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`S3 backend URL must be http(s): ${config.endPoint}`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`S3 backend URL must not have a path: ${config.endPoint}`);
  const transport = url.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: MAX_BACKEND_SOCKETS });
  const host = url.host;

  return {
    config,
    request(r) {
      const decodedPath = `/${config.bucket}${r.key === null ? '' : '/' + r.key}`;
      const query = r.query ?? [];
      const amzDate = formatAmzDate(now());
      const payloadHash = r.payloadHash ?? UNSIGNED_PAYLOAD;
      const headers: Record<string, string> = { ...r.headers, host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
      const signedHeaders = ['host', 'x-amz-content-sha256', 'x-amz-date'];
      headers.authorization = authorizationHeader(config.accessKey, config.secretKey, config.region, amzDate, {
        method: r.method, decodedPath, query, payloadHash, signedHeaders,
        headers: Object.fromEntries(signedHeaders.map((h) => [h, [headers[h]]])),
      });
      const qs = canonicalQueryString(query);
      return transport.request({
        protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, agent,
        method: r.method, path: canonicalUri(decodedPath) + (qs ? `?${qs}` : ''), headers,
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Hop-by-hop headers never forwarded in either direction (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** The backend's response headers a client may see. */
export function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}
