// Builds the gateway's principal lookup from the core's boot sessions: the access key names the session, the
// secret is derived from the master key (nothing secret is stored), and the session's state decides validity.
import { deriveSecretKey, macHex, sessionIdFromAccessKey } from '../domain/credentials.ts';
import type { PrincipalDirectory } from './principal.ts';

export interface SessionRecord {
  id: string;
  mac: string;
  clientIp: string | null;
  createdAt: Date;
  endedAt: Date | null;
}

export interface PrincipalLookupDeps {
  getSession(id: string): SessionRecord | null;
  masterKey: Buffer;
  /** A boot session's credentials stop working this long after the session was created. */
  sessionTtlMs: number;
  /** Only accept requests from the IP that started the boot session. */
  bindToClientIp: boolean;
  now?: () => number;
}

export function createPrincipalLookup(deps: PrincipalLookupDeps): PrincipalDirectory {
  const now = deps.now ?? Date.now;
  return {
    async lookup(accessKey) {
      const sessionId = sessionIdFromAccessKey(accessKey);
      const session = sessionId === null ? null : deps.getSession(sessionId);
      if (!session) return { status: 'unknown' };
      if (session.endedAt !== null) return { status: 'ended', sessionId: session.id, mac: session.mac };
      if (now() > session.createdAt.getTime() + deps.sessionTtlMs) return { status: 'expired', sessionId: session.id, mac: session.mac };
      return {
        status: 'active',
        principal: {
          accessKey,
          secretKey: deriveSecretKey(deps.masterKey, accessKey),
          sessionId: session.id,
          mac: session.mac,
          macHex: macHex(session.mac),
          clientIp: deps.bindToClientIp ? session.clientIp : null,
        },
      };
    },
  };
}
