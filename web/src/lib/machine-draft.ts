// Pure: the machine overrides editor's draft ↔ the PUT /machines/:mac body.
import { cleanB2c } from './profile-draft';
import type { B2cOptions, Machine, MachineState } from './types';

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
 * Every override is sent, emptied ones included ("" / {} / null), because PUT keeps fields it is not given:
 * leaving a cleared field out would silently keep the old override.
 */
export function toMachineBody(d: MachineDraft) {
  return {
    name: d.name.trim(),
    profile: d.profile || null,
    state: d.state,
    kernelArgs: d.kernelArgs.trim(),
    b2c: cleanB2c(d.b2c) ?? {},
    variables: Object.fromEntries(Object.entries(d.variables ?? {}).filter(([k]) => k.trim())),
  };
}
