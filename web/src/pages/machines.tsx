// Machines: the discovered inbox (assign a profile in one click) and the searchable table of all machines.
import { useState } from 'preact/hooks';
import { Alert, ConfirmButton, Loading, StateBadge } from '../components/widgets';
import { formatAge, formatTime } from '../lib/format';
import { useAsync, usePolling } from '../lib/hooks';
import { filterMachines } from '../lib/machine-filter';
import { href } from '../lib/router';
import type { Machine, MachineState, Profile } from '../lib/types';
import { useSession } from '../session';

/** New machines appear in the inbox without a manual reload; 10 s is quick next to a PXE boot. */
const REFRESH_MS = 10_000;

export function MachinesPage() {
  const { api } = useSession();
  const machines = useAsync(() => api.machines(), []);
  const profiles = useAsync(() => api.profiles(), []);
  const [actionError, setActionError] = useState<string>();
  usePolling(machines.reload, REFRESH_MS);

  /** Runs a write, then reloads; failures are shown above the table. */
  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try { await fn(); } catch (err) { setActionError((err as Error).message); } finally { machines.reload(); }
  };

  const all = machines.data ?? [];
  const discovered = all.filter((m) => m.state === 'discovered');
  return (
    <>
      <h1 tabIndex={-1}>Machines</h1>
      {machines.error && <Alert>{machines.error.message}</Alert>}
      {actionError && <Alert>{actionError}</Alert>}
      <Inbox machines={discovered} profiles={profiles.data ?? []} act={act} />
      {machines.loading && !machines.data ? <Loading what="machines" /> : <MachineTable machines={all} act={act} reload={machines.reload} />}
    </>
  );
}

function Inbox({ machines, profiles, act }: { machines: Machine[]; profiles: Profile[]; act: (fn: () => Promise<unknown>) => Promise<void> }) {
  const { api, canWrite } = useSession();
  const [choice, setChoice] = useState<Record<string, string>>({});
  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Discovered <span class="count">{machines.length}</span></h2>
      {machines.length === 0 ? (
        <p class="muted">No new machines. A machine shows up here the first time it requests <code>/ipxe</code>; it keeps
          retrying until it gets a profile.</p>
      ) : (
        <ul class="cards">
          {machines.map((m) => {
            const selected = choice[m.mac] ?? profiles[0]?.name ?? '';
            const selectId = `assign-${m.mac.replace(/:/g, '')}`;
            return (
              <li key={m.mac} class="card" data-mac={m.mac}>
                <div>
                  <a href={href('machines', m.mac)} class="mono">{m.mac}</a>
                  <p class="muted small">
                    seen {formatAge(m.lastSeenAt)}{m.lastSeenIp ? ` from ${m.lastSeenIp}` : ''}
                    {m.arch ? ` · ${m.arch}` : ''}{m.platform ? `/${m.platform}` : ''}
                  </p>
                </div>
                {canWrite && (
                  profiles.length === 0 ? <p class="small">Create a <a href={href('profiles', 'new')}>profile</a> to assign.</p> : (
                    <form class="assign" onSubmit={(e) => {
                      e.preventDefault();
                      void act(() => api.putMachine(m.mac, { profile: selected, state: 'ready' }));
                    }}>
                      <label for={selectId} class="visually-hidden">Profile for {m.mac}</label>
                      <select id={selectId} value={selected} onChange={(e) => setChoice({ ...choice, [m.mac]: e.currentTarget.value })}>
                        {profiles.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
                      </select>
                      <button type="submit" class="primary" aria-label={`Assign ${selected} to ${m.mac}`}>Assign</button>
                    </form>
                  )
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function MachineTable({ machines, act, reload }: {
  machines: Machine[];
  act: (fn: () => Promise<unknown>) => Promise<void>;
  reload: () => void;
}) {
  const { api, canWrite } = useSession();
  const [query, setQuery] = useState('');
  const [state, setState] = useState<MachineState | ''>('');
  const shown = filterMachines(machines, query, state);
  return (
    <section aria-labelledby="all-title">
      <h2 id="all-title">All machines</h2>
      <div class="toolbar" role="search">
        <label for="machine-search" class="visually-hidden">Search machines</label>
        <input id="machine-search" type="search" placeholder="Search name, MAC, profile, IP" value={query}
          onInput={(e) => setQuery(e.currentTarget.value)} />
        <label for="state-filter" class="visually-hidden">Filter by state</label>
        <select id="state-filter" value={state} onChange={(e) => setState(e.currentTarget.value as MachineState | '')}>
          <option value="">All states</option>
          <option value="discovered">Discovered</option>
          <option value="ready">Ready</option>
          <option value="disabled">Disabled</option>
        </select>
        <span class="muted small" aria-live="polite">{shown.length} of {machines.length}</span>
      </div>
      <div class="table-wrap">
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Name</th><th scope="col">MAC</th><th scope="col">State</th><th scope="col">Profile</th>
              <th scope="col">Last seen</th><th scope="col">Last boot</th>
              {canWrite && <th scope="col"><span class="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={m.mac}>
                <td data-label="Name"><a href={href('machines', m.mac)}>{m.name || <span class="muted">(unnamed)</span>}</a></td>
                <td data-label="MAC" class="mono">{m.mac}</td>
                <td data-label="State"><StateBadge state={m.state} /></td>
                <td data-label="Profile">{m.profile ? <a href={href('profiles', m.profile)}>{m.profile}</a> : <span class="muted">—</span>}</td>
                <td data-label="Last seen" title={formatTime(m.lastSeenAt)}>{formatAge(m.lastSeenAt)}{m.lastSeenIp ? <span class="muted small"> {m.lastSeenIp}</span> : null}</td>
                <td data-label="Last boot">{m.lastBoot ? <span title={formatTime(m.lastBoot.at)}>{m.lastBoot.outcome ?? 'started'} · {formatAge(m.lastBoot.at)}</span> : <span class="muted">never</span>}</td>
                {canWrite && (
                  <td class="actions">
                    {m.state === 'disabled' ? (
                      <button type="button" aria-label={`Enable ${m.name || m.mac}`}
                        onClick={() => act(() => api.putMachine(m.mac, { state: m.profile ? 'ready' : 'discovered' }))}>Enable</button>
                    ) : (
                      <button type="button" aria-label={`Disable ${m.name || m.mac}`}
                        onClick={() => act(() => api.putMachine(m.mac, { state: 'disabled' }))}>Disable</button>
                    )}
                    <ConfirmButton label="Delete" title={`Delete ${m.name || m.mac}`} confirmLabel="Delete machine"
                      question={<>Forget <strong>{m.mac}</strong> and its boot history? If it boots again it will reappear as discovered.</>}
                      onConfirm={async () => { await api.deleteMachine(m.mac); reload(); }} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p class="muted">No machine matches.</p>}
      </div>
    </section>
  );
}
