// One observability seam: every service publishes what happened here; the timeline writer (store) and the
// Prometheus exporter (metrics.ts) subscribe. Publishers never know who listens.
import { EventEmitter } from 'node:events';

/** Kinds of things that happen during a boot. Stable: stored in the events table and shown in the UI. */
export type NetbootEventType =
  | 'discovered'      // an unknown MAC asked for a script
  | 'script'          // a per-machine iPXE script was rendered (new boot session)
  | 'kernel'          // kernel artifact fetched (HTTP)
  | 'initrd'          // initramfs artifact fetched (HTTP)
  | 'artifact'        // any other artifact fetched (HTTP)
  | 'extra-args'      // b2c fetched its extra document
  | 'tftp'            // a TFTP transfer finished (ok or not)
  | 's3'              // a summary of gateway traffic (pulls/pushes/bytes/denials)
  | 'error';          // a boot step failed (denied document, missing artifact, ...)

export interface NetbootEvent {
  type: NetbootEventType;
  /** Normalised MAC when known; when null the timeline writer tries to link by `ip` to the latest session. */
  mac?: string | null;
  sessionId?: string | null;
  ip?: string | null;
  /** Free-form, JSON-serialisable, never secret. */
  detail?: Record<string, unknown>;
  at?: Date;
}

export type EventListener = (event: NetbootEvent) => void;

export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Subscribers are few and fixed (timeline, metrics, tests); no leak warning noise.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: NetbootEvent): void {
    const stamped = event.at ? event : { ...event, at: new Date() };
    this.#emitter.emit('event', stamped);
  }

  /** Returns the unsubscribe function. A throwing listener must not break the publisher. */
  subscribe(listener: EventListener): () => void {
    const safe: EventListener = (e) => {
      try { listener(e); } catch { /* a broken subscriber never breaks a boot */ }
    };
    this.#emitter.on('event', safe);
    return () => this.#emitter.off('event', safe);
  }
}
