// Boot sessions: one per rendered per-machine script. A machine's new session ends its previous one, which kills
// the old extra-document token and (through the S3 gateway's lookup) the old S3 credentials.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
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

const at = sql.placeholder;

export class SessionStore {
  // Statements on the boot path (script, document, timeline linking) are prepared once: see MachineStore.
  readonly #endOpen;
  readonly #insert;
  readonly #byId;
  readonly #latestByIp;
  readonly #outcome;

  constructor(private readonly db: Db) {
    // SET placeholders must be wrapped in sql`` (no column mapping: the time goes in as ms).
    this.#endOpen = db.update(bootSessions).set({ endedAt: sql`${at('nowMs')}` })
      .where(and(eq(bootSessions.mac, at('mac')), isNull(bootSessions.endedAt))).prepare();
    this.#insert = db.insert(bootSessions).values({
      id: at('id'), mac: at('mac'), profile: at('profile'), createdAt: at('now'), clientIp: at('clientIp'),
      kernelCmdline: at('kernelCmdline'), extraArgs: at('extraArgs'), tokenHash: at('tokenHash'), expiresAt: at('expiresAt'),
      reads: 0, maxReads: at('maxReads'), bindIp: at('bindIp'), outcome: 'script',
    }).prepare();
    this.#byId = db.select().from(bootSessions).where(eq(bootSessions.id, at('id'))).prepare();
    this.#latestByIp = db.select().from(bootSessions).where(eq(bootSessions.clientIp, at('ip')))
      .orderBy(desc(bootSessions.createdAt)).limit(1).prepare();
    this.#outcome = db.update(bootSessions).set({ outcome: sql`${at('outcome')}` }).where(eq(bootSessions.id, at('id'))).prepare();
  }

  /**
   * Creates the session with a caller-chosen id (the id is baked into the rendered document's S3 access key) and
   * ends the machine's open ones, in one transaction. Its outcome starts at `script`: it exists because one was served.
   */
  create(id: string, s: NewSession, now = new Date()): void {
    this.db.transaction(() => {
      this.#endOpen.run({ mac: s.mac, nowMs: now.getTime() });
      this.#insert.run({ ...s, id, now });
    });
  }

  get(id: string): BootSession | null {
    return this.#byId.get({ id }) ?? null;
  }

  listForMachine(mac: string, limit = 50): BootSession[] {
    return this.db.select().from(bootSessions).where(eq(bootSessions.mac, mac))
      .orderBy(desc(bootSessions.createdAt)).limit(limit).all();
  }

  /** The latest session started from this IP: links TFTP and S3 traffic to a machine. */
  latestByIp(ip: string): BootSession | null {
    return this.#latestByIp.get({ ip }) ?? null;
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
    this.#outcome.run({ id, outcome });
  }
}
