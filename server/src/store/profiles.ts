import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { machines, profiles } from '../db/schema.ts';
import type { ProfileSpec } from '../domain/types.ts';

export interface ProfileRecord extends ProfileSpec {
  createdAt: Date;
  updatedAt: Date;
}

type Row = typeof profiles.$inferSelect;
const toRecord = (r: Row): ProfileRecord => ({ ...r.spec, name: r.name, createdAt: r.createdAt, updatedAt: r.updatedAt });

export class ProfileStore {
  readonly #byName; // on every boot: prepared once

  constructor(private readonly db: Db) {
    this.#byName = db.select().from(profiles).where(eq(profiles.name, sql.placeholder('name'))).prepare();
  }

  list(): ProfileRecord[] {
    return this.db.select().from(profiles).orderBy(asc(profiles.name)).all().map(toRecord);
  }

  get(name: string): ProfileRecord | null {
    const row = this.#byName.get({ name });
    return row ? toRecord(row) : null;
  }

  /** Returns false when the name is taken. */
  create(spec: ProfileSpec, now = new Date()): ProfileRecord | null {
    const row = { name: spec.name, kernel: spec.kernel, initramfs: spec.initramfs, spec, createdAt: now, updatedAt: now };
    const inserted = this.db.insert(profiles).values(row).onConflictDoNothing().returning().get();
    return inserted ? toRecord(inserted) : null;
  }

  /** Replaces the whole document; null when there is no such profile. */
  update(spec: ProfileSpec, now = new Date()): ProfileRecord | null {
    const row = this.db.update(profiles)
      .set({ kernel: spec.kernel, initramfs: spec.initramfs, spec, updatedAt: now })
      .where(eq(profiles.name, spec.name)).returning().get();
    return row ? toRecord(row) : null;
  }

  delete(name: string): boolean {
    return this.db.delete(profiles).where(eq(profiles.name, name)).run().changes > 0;
  }

  machineCount(name: string): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(machines).where(eq(machines.profile, name)).get()?.n ?? 0;
  }
}
