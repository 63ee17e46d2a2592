// Shapes of the admin REST API (/api/v1, DESIGN §8). The spec types are the server's own domain types, imported
// type-only so the UI and the server cannot drift apart; the rest are the API's read models.
import type { Arch, B2cOptions, MachineSpec, MachineState, ProfileSpec, VolumeSpec } from '../../../server/src/domain/types.ts';

export type { Arch, B2cOptions, MachineSpec, MachineState, ProfileSpec, VolumeSpec };

export type Role = 'admin' | 'viewer';
export interface WhoAmI { name: string; role: Role }

export interface Info {
  version: string;
  publicUrl: string;
  features: { tftp: boolean; s3: boolean };
  kernelCmdlineLimits: Record<Arch, number>;
}

export type ArtifactKind = 'kernel' | 'initramfs' | 'ipxe' | 'other';
export interface Artifact {
  name: string;
  kind: ArtifactKind;
  arch: Arch | null;
  size: number;
  sha256: string;
  createdAt: string;
  usedBy: string[];
}

export interface Profile extends ProfileSpec { createdAt?: string; updatedAt?: string }

export interface Machine {
  mac: string;
  name: string | null;
  state: MachineState;
  profile: string | null;
  kernelArgs: string | null;
  b2c: B2cOptions | null;
  variables: Record<string, string> | null;
  lastSeenAt: string | null;
  lastSeenIp: string | null;
  arch: string | null;
  platform: string | null;
  lastBoot: { sessionId: string; at: string; outcome: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Preview {
  script: string;
  kernelCmdline: string;
  kernelCmdlineBytes: number;
  kernelCmdlineLimit: number;
  extraArgs: string;
}

export interface BootSession {
  id: string;
  createdAt: string;
  clientIp: string | null;
  kernelCmdline: string;
  endedAt: string | null;
  extraArgsReads: number;
}

export type EventType =
  | 'discovered' | 'script' | 'kernel' | 'initrd' | 'artifact' | 'extra-args' | 'tftp' | 's3' | 'error';
export interface BootEvent {
  id: number | string;
  at: string;
  type: EventType;
  sessionId: string | null;
  ip: string | null;
  detail: unknown;
}

export interface VolumeSummary { name: string; objects: number; bytes: number; lastPush: string | null }
