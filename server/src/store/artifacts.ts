// Artifact metadata. Bytes live in the blob store (artifacts/blob-store.ts), addressed by sha256.
import { asc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { artifacts, profiles } from '../db/schema.ts';

export type ArtifactKind = 'kernel' | 'initramfs' | 'ipxe' | 'other';
export const ARTIFACT_KINDS: readonly ArtifactKind[] = ['kernel', 'initramfs', 'ipxe', 'other'];

export interface Artifact {
  name: string;
  kind: ArtifactKind;
  arch: string | null;
  size: number;
  sha256: string;
  createdAt: Date;
  updatedAt: Date;
}

export class ArtifactStore {
  readonly #byName; // on every artifact download: prepared once

  constructor(private readonly db: Db) {
    this.#byName = db.select().from(artifacts).where(eq(artifacts.name, sql.placeholder('name'))).prepare();
  }

  list(): Artifact[] {
    return this.db.select().from(artifacts).orderBy(asc(artifacts.name)).all();
  }

  get(name: string): Artifact | null {
    return this.#byName.get({ name }) ?? null;
  }

  /** Creates or replaces; returns the previous record so the caller can drop an orphaned blob. */
  put(a: Omit<Artifact, 'createdAt' | 'updatedAt'>, now = new Date()): { artifact: Artifact; previous: Artifact | null } {
    return this.db.transaction((tx) => {
      const previous = tx.select().from(artifacts).where(eq(artifacts.name, a.name)).get() ?? null;
      const row = { ...a, createdAt: previous?.createdAt ?? now, updatedAt: now };
      tx.insert(artifacts).values(row).onConflictDoUpdate({ target: artifacts.name, set: { ...a, updatedAt: now } }).run();
      return { artifact: row, previous };
    });
  }

  delete(name: string): Artifact | null {
    return this.db.delete(artifacts).where(eq(artifacts.name, name)).returning().get() ?? null;
  }

  /** Names of the profiles whose kernel or initramfs is this artifact. */
  usedBy(name: string): string[] {
    return this.db.select({ name: profiles.name }).from(profiles)
      .where(or(eq(profiles.kernel, name), eq(profiles.initramfs, name))).orderBy(asc(profiles.name)).all()
      .map((r) => r.name);
  }

  /** For every artifact at once (the listing), without one query per row. */
  usageMap(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const p of this.db.select({ name: profiles.name, kernel: profiles.kernel, initramfs: profiles.initramfs }).from(profiles).orderBy(asc(profiles.name)).all()) {
      for (const a of new Set([p.kernel, p.initramfs])) map.set(a, [...(map.get(a) ?? []), p.name]);
    }
    return map;
  }

  countBySha(sha256: string): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(artifacts).where(eq(artifacts.sha256, sha256)).get()?.n ?? 0;
  }
}
