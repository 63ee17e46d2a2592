// Gateway traffic summarised per boot session into `s3` events (pulls, pushes, bytes, denials) rather than
// one event per request: `mcli mirror --watch` can make thousands of requests and the timeline is for humans.
import type { EventBus } from '../events.ts';

export interface TrafficSubject {
  /** Normalised MAC when the access key names a known session; null for unknown keys. */
  mac: string | null;
  sessionId: string | null;
  ip: string | null;
}

export interface TrafficDelta {
  pulls?: number;
  pushes?: number;
  bytesIn?: number;
  bytesOut?: number;
  denials?: number;
}

interface Totals { pulls: number; pushes: number; bytesIn: number; bytesOut: number; denials: number }

/** One summary per session at most this often: frequent enough to follow a boot, rare enough to stay readable. */
export const DEFAULT_TRAFFIC_FLUSH_MS = 10_000;

export class TrafficRecorder {
  readonly #pending = new Map<string, { subject: TrafficSubject; totals: Totals }>();
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly events: EventBus, flushMs = DEFAULT_TRAFFIC_FLUSH_MS) {
    this.#timer = setInterval(() => this.flush(), flushMs);
    this.#timer.unref();
  }

  record(subject: TrafficSubject, delta: TrafficDelta): void {
    const id = `${subject.sessionId ?? ''}|${subject.ip ?? ''}`;
    let entry = this.#pending.get(id);
    if (!entry) {
      entry = { subject, totals: { pulls: 0, pushes: 0, bytesIn: 0, bytesOut: 0, denials: 0 } };
      this.#pending.set(id, entry);
    }
    for (const k of Object.keys(entry.totals) as Array<keyof Totals>) entry.totals[k] += delta[k] ?? 0;
  }

  flush(): void {
    for (const { subject, totals } of this.#pending.values()) {
      this.events.publish({ type: 's3', mac: subject.mac, sessionId: subject.sessionId, ip: subject.ip, detail: { ...totals } });
    }
    this.#pending.clear();
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}
