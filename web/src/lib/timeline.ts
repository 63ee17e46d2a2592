// Pure: groups a machine's events under its boot sessions (both newest first) for the timeline.
import type { BootEvent, BootSession } from './types.ts';

export interface TimelineGroup { session: BootSession; events: BootEvent[] }

export function buildTimeline(sessions: BootSession[], events: BootEvent[]): { groups: TimelineGroup[]; loose: BootEvent[] } {
  const bySession = new Map<string, BootEvent[]>(sessions.map((s) => [s.id, []]));
  const loose: BootEvent[] = [];
  for (const e of events) {
    const bucket = e.sessionId ? bySession.get(e.sessionId) : undefined;
    (bucket ?? loose).push(e);
  }
  const byTimeDesc = (a: BootEvent, b: BootEvent) => b.at.localeCompare(a.at);
  return {
    groups: sessions.map((session) => ({ session, events: bySession.get(session.id)!.sort(byTimeDesc) })),
    loose: loose.sort(byTimeDesc),
  };
}

/** One line for an event's free-form detail: strings as-is, objects as `key=value` pairs. */
export function describeDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}
