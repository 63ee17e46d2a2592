// Group commit for the boot path. Every script request writes (sighting, discovery, session); committing each one
// separately makes the commit — and the WAL checkpoints it triggers — the largest cost of a boot storm. Requests
// that arrive in the same turn of the event loop instead run one after another in a single transaction right
// after that turn (setImmediate), and each caller gets its answer once the commit is done: nothing is answered
// that is not on disk. Each unit of work runs in its own savepoint, so one that throws rolls back alone.

interface Pending<T> { work: () => T; resolve: (value: T) => void; reject: (err: unknown) => void }

export class WriteBatcher {
  #queue: Pending<any>[] = [];
  #scheduled = false;

  /** `transaction` runs a function in a transaction, or in a savepoint when one is already open (better-sqlite3). */
  constructor(private readonly transaction: <T>(fn: () => T) => T) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      this.transaction(() => {
        for (const p of batch) {
          try { outcomes.push({ ok: true, value: this.transaction(p.work) }); } catch (err) { outcomes.push({ ok: false, err }); }
        }
      });
    } catch (err) {
      for (const p of batch) p.reject(err); // the commit itself failed: nobody's work is stored
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value); else p.reject(o.err);
    });
  }
}
