// Bearer-token auth for the admin API. Reading (GET/HEAD) needs any valid token; every other method needs the
// admin role. One rule by method, so a new route can't forget its permission.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Role, TokenStore } from '../store/tokens.ts';
import { ApiError } from './errors.ts';

export interface Principal { name: string; role: Role }

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function createAuthHook(tokens: TokenStore, configuredAdminToken: string | null) {
  const configuredHash = configuredAdminToken ? sha256(configuredAdminToken) : null;

  const identify = (token: string): Principal | null => {
    if (configuredHash && timingSafeEqual(sha256(token), configuredHash)) return { name: 'config', role: 'admin' };
    const info = tokens.verify(token);
    return info ? { name: info.name, role: info.role } : null;
  };

  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new ApiError('unauthorized', 'missing bearer token (Authorization: Bearer TOKEN)');
    const principal = identify(match[1]!);
    if (!principal) throw new ApiError('unauthorized', 'invalid token');
    // Routes that compute without writing (POST /preview) mark themselves readOnly.
    const reading = request.method === 'GET' || request.method === 'HEAD' || (request.routeOptions.config as { readOnly?: boolean }).readOnly === true;
    if (!reading && principal.role !== 'admin') throw new ApiError('forbidden', `the ${principal.role} role cannot ${request.method}`);
    request.principal = principal;
  };
}
