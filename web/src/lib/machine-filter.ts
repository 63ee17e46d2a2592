// Pure: the machines table's search and state filter.
import type { Machine, MachineState } from './types.ts';

export function filterMachines(list: Machine[], query: string, state: MachineState | ''): Machine[] {
  const q = query.trim().toLowerCase();
  return list.filter((m) =>
    (!state || m.state === state) &&
    (!q || [m.name, m.mac, m.profile, m.lastSeenIp].some((v) => v?.toLowerCase().includes(q))));
}
