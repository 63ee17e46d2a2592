// The append-only machine timeline: how an admin answers "why didn't this machine boot?".
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { events } from '../db/schema.ts';
import type { NetbootEventType } from '../events.ts';

export interface StoredEvent {
  id: number;
  mac: string | null;
  sessionId: string | null;
  type: string;
  ip: string | null;
  at: Date;
  detail: Record<string, unknown> | null;
}

export interface NewEvent {
  mac: string | null;
  sessionId: string | null;
  type: NetbootEventType;
  ip: string | null;
  at: Date;
  detail: Record<string, unknown> | null;
}

const at = sql.placeholder;

export class EventStore {
  readonly #insert; // once or more per boot step: prepared once

  constructor(private readonly db: Db) {
    this.#insert = db.insert(events).values({
      mac: at('mac'), sessionId: at('sessionId'), type: at('type'), ip: at('ip'), at: at('at'), detail: at('detail'),
    }).prepare();
  }

  append(e: NewEvent): void {
    this.#insert.run({ ...e });
  }


  /** Newest first; `before` pages backwards by id. */
  listForMachine(mac: string, limit = 100, before?: number): StoredEvent[] {
    return this.db.select().from(events)
      .where(before ? and(eq(events.mac, mac), lt(events.id, before)) : eq(events.mac, mac))
      .orderBy(desc(events.id)).limit(limit).all();
  }
}
