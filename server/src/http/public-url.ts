// Where machines reach us. Configured URLs win; otherwise the Host header of the request being answered (the
// address the machine itself used, e.g. 10.0.2.2:PORT behind QEMU's user networking).
import type { FastifyRequest } from 'fastify';
import type { BootEndpoints } from '../boot/plan.ts';
import type { AppDeps } from './deps.ts';
import { ApiError } from './errors.ts';

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: all a URL in a script may carry. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/;

export function requestBaseUrl(request: FastifyRequest, configured: string | null): string {
  if (configured) return configured.replace(/\/+$/, '');
  // The Host header goes into generated iPXE scripts and kernel lines: anything else is the client's mistake (400),
  // not a render failure (500).
  if (!HOST_HEADER.test(request.host)) {
    throw new ApiError('bad_request', `the Host header ${JSON.stringify(request.host)} is not a host[:port]; set NETBOOT_PUBLIC_URL`, 'host');
  }
  return `${request.protocol}://${request.host}`;
}

/** The S3 gateway's URL for machines: configured, or the public URL's host with the gateway port. */
export function s3PublicUrl(publicUrl: string, configured: string | null, s3Port: number): string {
  if (configured) return configured.replace(/\/+$/, '');
  const u = new URL(publicUrl);
  return `http://${u.hostname}:${s3Port}`;
}

export function bootEndpointsFor(request: FastifyRequest, deps: Pick<AppDeps, 'config' | 's3'>): BootEndpoints {
  const publicUrl = requestBaseUrl(request, deps.config.publicUrl);
  return {
    publicUrl,
    s3: deps.s3 ? { url: s3PublicUrl(publicUrl, deps.config.s3PublicUrl, deps.s3.port), bucket: deps.s3.bucket } : null,
  };
}
