// Subscribes to the event bus and writes each event into its machine's timeline. Events that only know an IP
// (TFTP before iPXE says its MAC, S3 traffic) are linked to the machine whose latest boot session came from it.
import type { Logger } from 'pino';
import type { EventBus, NetbootEvent } from './events.ts';
import type { Stores } from './store/index.ts';

/** How far a boot got, in order; a session's outcome only moves forward (or to an error). */
const PROGRESS = ['script', 'kernel', 'initrd', 'extra-args'] as const;

/**
 * Events are written in batches: everything published during one turn of the event loop goes to SQLite in one
 * transaction right after it (setImmediate), so a boot storm costs one commit per turn, not one per event, and
 * an admin reading the timeline a moment later sees it complete. The returned function flushes and unsubscribes.
 */
export function startTimelineWriter(bus: EventBus, stores: Stores, logger: Logger): () => void {
  let queue: NetbootEvent[] = [];
  let scheduled: NodeJS.Immediate | null = null;

  const flush = () => {
    scheduled = null;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      stores.transaction(() => { for (const e of batch) record(stores, e); });
    } catch (err) {
      logger.error({ err, events: batch.length }, 'could not record events');
    }
  };

  const unsubscribe = bus.subscribe((e: NetbootEvent) => {
    queue.push(e);
    scheduled ??= setImmediate(flush);
  });
  return () => {
    unsubscribe();
    if (scheduled) clearImmediate(scheduled);
    flush();
  };
}

function record(stores: Stores, e: NetbootEvent): void {
  let mac = e.mac ?? null;
  let sessionId = e.sessionId ?? null;
  if (!mac && e.ip) {
    const s = stores.sessions.latestByIp(e.ip);
    if (s) { mac = s.mac; sessionId ??= s.id; }
  }
  stores.events.append({ mac, sessionId, type: e.type, ip: e.ip ?? null, at: e.at ?? new Date(), detail: e.detail ?? null });
  if (sessionId) advanceOutcome(stores, sessionId, e);
}

function advanceOutcome(stores: Stores, sessionId: string, e: NetbootEvent): void {
  const current = stores.sessions.get(sessionId)?.outcome ?? null;
  const currentStep = PROGRESS.indexOf(current as (typeof PROGRESS)[number]);
  if (e.type === 'error') {
    // Once b2c has its document the boot is b2c's; a late refusal (a re-read past the limit) stays in the
    // timeline without turning a good boot into a failed one.
    if (currentStep < PROGRESS.indexOf('extra-args')) stores.sessions.setOutcome(sessionId, `error: ${String(e.detail?.reason ?? 'unknown')}`);
    return;
  }
  const step = PROGRESS.indexOf(e.type as (typeof PROGRESS)[number]);
  if (step >= 0 && (current?.startsWith('error') || step > currentStep)) stores.sessions.setOutcome(sessionId, e.type);
}
