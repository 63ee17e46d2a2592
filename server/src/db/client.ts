// Opens the SQLite database with the settings a long-running server needs and applies the committed migrations.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface OpenedDb {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/** `file` may be ':memory:' (tests). */
export function openDb(file: string): OpenedDb {
  const sqlite = new Database(file);
  // WAL: boot storms read while the API writes; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Checkpoint every ~40 MB of WAL instead of 4 MB: each checkpoint fsyncs, and during a boot storm frequent ones
  // cost a fifth of the server's CPU. The WAL is truncated back to 64 MB at most afterwards.
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('journal_size_limit = 67108864');
  // A CLI command (token create, migrate) may run beside the server: wait instead of failing with SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, close: () => sqlite.close() };
}

export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}
