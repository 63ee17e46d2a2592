// API tokens: only a SHA-256 of each token is stored. Tokens carry 256 random bits, so a fast hash is enough
// (no dictionary to resist), and looking a token up by its hash keeps the comparison free of timing leaks.
import { createHash, randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens } from '../db/schema.ts';

export type Role = 'admin' | 'viewer';
export interface TokenInfo { id: number; name: string; role: Role; createdAt: Date; lastUsedAt: Date | null }

const TOKEN_PREFIX = 'b2cn_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export class TokenStore {
  constructor(private readonly db: Db) {}

  /** Returns the token itself: the only time it exists outside the caller's hands. Null when the name is taken. */
  create(name: string, role: Role, now = new Date()): { token: string; info: TokenInfo } | null {
    const token = generateToken();
    const row = this.db.insert(apiTokens).values({ name, role, tokenHash: hashToken(token), createdAt: now })
      .onConflictDoNothing().returning().get();
    if (!row) return null;
    return { token, info: { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, lastUsedAt: null } };
  }

  verify(token: string, now = new Date()): TokenInfo | null {
    const row = this.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token))).get();
    if (!row) return null;
    // Coarse last-used stamp: one write per token per minute, not one per request.
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
    }
    return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
  }

  list(): TokenInfo[] {
    return this.db.select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
      .from(apiTokens).orderBy(asc(apiTokens.name)).all();
  }

  count(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(apiTokens).get()?.n ?? 0;
  }

  delete(name: string): boolean {
    return this.db.delete(apiTokens).where(eq(apiTokens.name, name)).run().changes > 0;
  }
}
