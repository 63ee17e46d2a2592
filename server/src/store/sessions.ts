// Boot sessions: one per rendered per-machine script. A machine's new session ends its previous one, which kills
// the old extra-document token and (through the S3 gateway's lookup) the old S3 credentials.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { bootSessions } from '../db/schema.ts';

export type BootSession = typeof bootSessions.$inferSelect;

export interface NewSession {
  mac: string;
  profile: string;
  clientIp: string | null;
  kernelCmdline: string;
  extraArgs: string;
  tokenHash: string;
  expiresAt: Date;
  maxReads: number;
  bindIp: boolean;
}

/** Why the extra document was not handed out; each maps to a distinct HTTP answer and timeline entry. */
export type ExtraArgsRefusal = 'unknown' | 'ended' | 'expired' | 'exhausted' | 'wrong_ip';

/** 72 random bits as 18 hex characters: the shape domain/credentials.ts turns into an access key. */
export function newSessionId(): string {
  return randomBytes(9).toString('hex');
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  /** Creates the session with a caller-chosen id (the id is baked into the rendered document's S3 access key). */
  create(id: string, s: NewSession, now = new Date()): BootSession {
    return this.db.transaction((tx) => {
      tx.update(bootSessions).set({ endedAt: now }).where(and(eq(bootSessions.mac, s.mac), isNull(bootSessions.endedAt))).run();
      return tx.insert(bootSessions).values({ ...s, id, createdAt: now, reads: 0 }).returning().get();
    });
  }

  get(id: string): BootSession | null {
    return this.db.select().from(bootSessions).where(eq(bootSessions.id, id)).get() ?? null;
  }

  listForMachine(mac: string, limit = 50): BootSession[] {
    return this.db.select().from(bootSessions).where(eq(bootSessions.mac, mac))
      .orderBy(desc(bootSessions.createdAt)).limit(limit).all();
  }

  /** The latest session started from this IP: links TFTP and S3 traffic to a machine. */
  latestByIp(ip: string): BootSession | null {
    return this.db.select().from(bootSessions).where(eq(bootSessions.clientIp, ip))
      .orderBy(desc(bootSessions.createdAt)).limit(1).get() ?? null;
  }

  latestForMachine(mac: string): BootSession | null {
    return this.listForMachine(mac, 1)[0] ?? null;
  }

  /** Checks every rule and counts the read in one transaction, so parallel fetches cannot exceed the limit. */
  consumeExtraArgs(tokenHash: string, ip: string | null, now = new Date()):
    { ok: true; session: BootSession } | { ok: false; reason: ExtraArgsRefusal; session: BootSession | null } {
    return this.db.transaction((tx) => {
      const s = tx.select().from(bootSessions).where(eq(bootSessions.tokenHash, tokenHash)).get();
      if (!s) return { ok: false as const, reason: 'unknown' as const, session: null };
      const reason: ExtraArgsRefusal | null =
        s.endedAt ? 'ended'
        : s.expiresAt.getTime() <= now.getTime() ? 'expired'
        : s.reads >= s.maxReads ? 'exhausted'
        : s.bindIp && s.clientIp !== ip ? 'wrong_ip'
        : null;
      if (reason) return { ok: false as const, reason, session: s };
      const session = tx.update(bootSessions).set({ reads: s.reads + 1 }).where(eq(bootSessions.id, s.id)).returning().get()!;
      return { ok: true as const, session };
    });
  }

  setOutcome(id: string, outcome: string): void {
    this.db.update(bootSessions).set({ outcome }).where(eq(bootSessions.id, id)).run();
  }

  end(id: string, now = new Date()): void {
    this.db.update(bootSessions).set({ endedAt: now }).where(and(eq(bootSessions.id, id), isNull(bootSessions.endedAt))).run();
  }
}
