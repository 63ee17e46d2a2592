import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { bootSessions, machines } from '../db/schema.ts';
import type { B2cOptions, MachineState } from '../domain/types.ts';

export interface Machine {
  mac: string;
  name: string | null;
  profile: string | null;
  state: MachineState;
  kernelArgs: string | null;
  b2c: B2cOptions | null;
  variables: Record<string, string> | null;
  pxeBootfile: string | null;
  lastSeenAt: Date | null;
  lastSeenIp: string | null;
  arch: string | null;
  platform: string | null;
  uuid: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LastBoot { sessionId: string; at: Date; outcome: string | null }
export type MachineWithLastBoot = Machine & { lastBoot: LastBoot | null };

/** Fields an admin sets; `undefined` leaves a field as it is, `null` clears it. */
export interface MachinePatch {
  name?: string | null;
  profile?: string | null;
  state?: MachineState;
  kernelArgs?: string | null;
  b2c?: B2cOptions | null;
  variables?: Record<string, string> | null;
  pxeBootfile?: string | null;
}

/** What iPXE told us about itself when it asked for a script. */
export interface Sighting { ip: string | null; arch?: string | null; platform?: string | null; uuid?: string | null }

const at = sql.placeholder;

export class MachineStore {
  // The boot path runs these on every request: prepared once (drizzle builds and SQLite parses SQL per call
  // otherwise, ~6× slower — the difference between 400 and 2,500 scripts a second).
  readonly #byMac;
  readonly #sighting;

  constructor(private readonly db: Db) {
    this.#byMac = db.select().from(machines).where(eq(machines.mac, at('mac'))).prepare();
    this.#sighting = db.update(machines).set({
      // In SET clauses drizzle takes placeholders only inside sql``, which skips column mapping: times go in as ms.
      lastSeenAt: sql`${at('nowMs')}`, lastSeenIp: sql`${at('ip')}`,
      arch: sql`coalesce(${at('arch')}, ${machines.arch})`,
      platform: sql`coalesce(${at('platform')}, ${machines.platform})`,
      uuid: sql`coalesce(${at('uuid')}, ${machines.uuid})`,
    }).where(eq(machines.mac, at('mac'))).prepare();
  }

  list(state?: MachineState): MachineWithLastBoot[] {
    const rows = this.db.select().from(machines)
      .where(state ? eq(machines.state, state) : undefined).orderBy(asc(machines.mac)).all();
    // One query for every machine's latest session (listing 10,000 machines must not be 10,000 queries).
    const latest = this.db.all<{ mac: string; id: string; created_at: number; outcome: string | null }>(sql`
      SELECT s.mac, s.id, s.created_at, s.outcome FROM boot_sessions s
      JOIN (SELECT mac, MAX(created_at) AS m FROM boot_sessions GROUP BY mac) l ON l.mac = s.mac AND l.m = s.created_at`);
    const byMac = new Map(latest.map((r) => [r.mac, { sessionId: r.id, at: new Date(r.created_at), outcome: r.outcome }]));
    return rows.map((m) => ({ ...m, lastBoot: byMac.get(m.mac) ?? null }));
  }

  get(mac: string): Machine | null {
    return this.#byMac.get({ mac }) ?? null;
  }

  getWithLastBoot(mac: string): MachineWithLastBoot | null {
    const m = this.get(mac);
    if (!m) return null;
    const s = this.db.select({ id: bootSessions.id, createdAt: bootSessions.createdAt, outcome: bootSessions.outcome })
      .from(bootSessions).where(eq(bootSessions.mac, mac)).orderBy(sql`${bootSessions.createdAt} DESC`).limit(1).get();
    return { ...m, lastBoot: s ? { sessionId: s.id, at: s.createdAt, outcome: s.outcome } : null };
  }

  /** Create or update; returns the record and whether it was created. */
  upsert(mac: string, patch: MachinePatch, now = new Date()): { machine: Machine; created: boolean } {
    return this.db.transaction((tx) => {
      const existing = tx.select().from(machines).where(eq(machines.mac, mac)).get();
      if (existing) {
        const machine = tx.update(machines).set({ ...patch, updatedAt: now }).where(eq(machines.mac, mac)).returning().get()!;
        return { machine, created: false };
      }
      const machine = tx.insert(machines).values({
        mac, name: null, profile: null, kernelArgs: null, b2c: null, variables: null, pxeBootfile: null,
        ...patch,
        // Registering a MAC with a profile makes it bootable; without one it waits like a discovered machine.
        state: patch.state ?? (patch.profile ? 'ready' : 'discovered'),
        createdAt: now, updatedAt: now,
      }).returning().get();
      return { machine, created: true };
    });
  }

  /** An unknown MAC asked for a script: remember it as discovered. Returns the machine and whether it is new. */
  discover(mac: string, seen: Sighting, now = new Date()): { machine: Machine; created: boolean } {
    const inserted = this.db.insert(machines).values({
      mac, state: 'discovered', createdAt: now, updatedAt: now,
      lastSeenAt: now, lastSeenIp: seen.ip, arch: seen.arch ?? null, platform: seen.platform ?? null, uuid: seen.uuid ?? null,
    }).onConflictDoNothing().returning().get();
    if (inserted) return { machine: inserted, created: true };
    this.recordSighting(mac, seen, now);
    return { machine: this.get(mac)!, created: false };
  }

  /** Known values overwrite, missing ones keep what an earlier boot reported. */
  recordSighting(mac: string, seen: Sighting, now = new Date()): void {
    this.#sighting.run({ mac, nowMs: now.getTime(), ip: seen.ip, arch: seen.arch || null, platform: seen.platform || null, uuid: seen.uuid || null });
  }

  delete(mac: string): boolean {
    return this.db.delete(machines).where(eq(machines.mac, mac)).run().changes > 0;
  }
}
