// Pure: the machine overrides editor's draft ↔ the PUT /machines/:mac body.
import { cleanB2c } from './profile-draft.ts';
import type { B2cOptions, Machine, MachineState } from './types.ts';

export interface MachineDraft {
  name: string;
  profile: string;          // '' = none
  state: MachineState;
  kernelArgs: string;
  b2c: B2cOptions | undefined;
  variables: Record<string, string> | undefined;
}

export function toMachineDraft(m: Machine): MachineDraft {
  return {
    name: m.name ?? '',
    profile: m.profile ?? '',
    state: m.state,
    kernelArgs: m.kernelArgs ?? '',
    b2c: m.b2c ?? undefined,
    variables: m.variables ?? undefined,
  };
}

/**
 * Every override is sent, cleared ones as null, because PUT keeps the fields it is not given: leaving a cleared
 * field out would silently keep the old override.
 */
export function toMachineBody(d: MachineDraft) {
  return { profile: d.profile || null, state: d.state, ...toOverrides(d) };
}

/** The overrides alone: what POST /preview accepts as its `machine` (profile and state are not part of a render). */
export function toOverrides(d: MachineDraft) {
  const variables = Object.entries(d.variables ?? {}).filter(([k]) => k.trim());
  return {
    name: d.name.trim() || null,
    kernelArgs: d.kernelArgs.trim() || null,
    b2c: cleanB2c(d.b2c) ?? null,
    variables: variables.length ? Object.fromEntries(variables) : null,
  };
}
