// The repositories, built once over one database handle and passed to every edge.
import type { Db } from '../db/client.ts';
import { ArtifactStore } from './artifacts.ts';
import { EventStore } from './events.ts';
import { MachineStore } from './machines.ts';
import { ProfileStore } from './profiles.ts';
import { SessionStore } from './sessions.ts';
import { TokenStore } from './tokens.ts';
import { WriteBatcher } from './write-batcher.ts';

export interface Stores {
  artifacts: ArtifactStore;
  profiles: ProfileStore;
  machines: MachineStore;
  sessions: SessionStore;
  events: EventStore;
  tokens: TokenStore;
  /** Runs `fn` in one SQLite transaction (nested calls become savepoints); rolls back if it throws. */
  transaction<T>(fn: () => T): T;
  /** Group commit for the hot boot path: see write-batcher.ts. */
  batch: WriteBatcher;
}

export function createStores(db: Db): Stores {
  const transaction = <T>(fn: () => T): T => db.transaction(() => fn());
  return {
    artifacts: new ArtifactStore(db),
    profiles: new ProfileStore(db),
    machines: new MachineStore(db),
    sessions: new SessionStore(db),
    events: new EventStore(db),
    tokens: new TokenStore(db),
    transaction,
    batch: new WriteBatcher(transaction),
  };
}
