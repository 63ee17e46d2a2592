// The boot timeline: each boot session with the requests it produced (script, kernel, initrd, extra document,
// TFTP, S3) and any error, newest first — the answer to "why didn't this machine boot?".
import { formatTime } from '../lib/format';
import { buildTimeline, describeDetail } from '../lib/timeline';
import type { BootEvent, BootSession } from '../lib/types';

const EVENT_LABELS: Record<string, string> = {
  discovered: 'discovered', script: 'iPXE script', kernel: 'kernel', initrd: 'initrd', artifact: 'artifact',
  'extra-args': 'extra document', tftp: 'TFTP', s3: 'S3', error: 'error',
};

function EventList({ events }: { events: BootEvent[] }) {
  if (events.length === 0) return <p class="muted small">No requests yet in this session.</p>;
  return (
    <ol class="events">
      {events.map((e) => (
        <li key={e.id} class={`event type-${e.type}`} data-event-type={e.type}>
          <time dateTime={e.at}>{formatTime(e.at)}</time>
          <span class={`badge ev-${e.type}`}>{EVENT_LABELS[e.type] ?? e.type}</span>
          <span class="detail">{describeDetail(e.detail)}{e.ip ? <span class="muted"> from {e.ip}</span> : null}</span>
        </li>
      ))}
    </ol>
  );
}

export function Timeline({ sessions, events }: { sessions: BootSession[]; events: BootEvent[] }) {
  const { groups, loose } = buildTimeline(sessions, events);
  return (
    <section class="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Boot timeline</h2>
      {groups.length === 0 && loose.length === 0 && <p class="muted">This machine has not booted yet.</p>}
      <ol class="sessions">
        {groups.map(({ session, events: evs }) => {
          const failed = evs.some((e) => e.type === 'error');
          return (
            <li key={session.id} class={`session${failed ? ' failed' : ''}`} data-session={session.id}>
              <h3>
                Boot at <time dateTime={session.createdAt}>{formatTime(session.createdAt)}</time>
                {session.clientIp && <span class="muted"> from {session.clientIp}</span>}
                {' '}<span class={`badge ${failed ? 'ev-error' : session.endedAt ? 'ended' : 'active'}`}>
                  {failed ? 'error' : session.endedAt ? 'ended' : 'current'}
                </span>
              </h3>
              <p class="muted small">extra document read {session.extraArgsReads}×</p>
              <details>
                <summary>Kernel command line</summary>
                <pre class="code wrap">{session.kernelCmdline}</pre>
              </details>
              <EventList events={evs} />
            </li>
          );
        })}
      </ol>
      {loose.length > 0 && (
        <>
          <h3>Outside any boot session</h3>
          <EventList events={loose} />
        </>
      )}
    </section>
  );
}
