// Pure: the profile editor's draft ↔ the API's profile body. The form keeps every control's raw value; what is
// sent drops blanks so optional fields stay absent instead of arriving as "" (which the server would validate).
import type { B2cOptions, ProfileSpec, VolumeSpec } from './types.ts';

export function emptyProfile(): ProfileSpec {
  return { name: '', kernel: '', initramfs: '', arch: 'x86_64', containers: [''], b2cDialect: 'run' };
}

function trimmed(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function nonEmptyList(list: string[] | undefined): string[] | undefined {
  const out = (list ?? []).map((s) => s.trim()).filter(Boolean);
  return out.length ? out : undefined;
}

export function cleanB2c(b: B2cOptions | undefined): B2cOptions | undefined {
  if (!b) return undefined;
  const out: B2cOptions = {};
  for (const key of ['ntpPeer', 'cacheDevice', 'swap', 'hostname', 'insmods'] as const) {
    const v = trimmed(b[key]);
    if (v !== undefined) out[key] = v;
  }
  const iface = nonEmptyList(b.iface);
  if (iface) out.iface = iface;
  const filesystem = nonEmptyList(b.filesystem);
  if (filesystem) out.filesystem = filesystem;
  if (b.poweroffDelay !== undefined && Number.isFinite(b.poweroffDelay)) out.poweroffDelay = b.poweroffDelay;
  const extra = Object.entries(b.extra ?? {}).filter(([k]) => k.trim());
  if (extra.length) out.extra = Object.fromEntries(extra.map(([k, v]) => [k.trim(), v]));
  return Object.keys(out).length ? out : undefined;
}

function cleanVolume(v: VolumeSpec): VolumeSpec {
  const out: VolumeSpec = { name: v.name.trim() };
  if (v.pullOn?.length) out.pullOn = v.pullOn;
  if (v.pushOn?.length) out.pushOn = v.pushOn;
  for (const flag of ['overwrite', 'remove', 'preserve'] as const) if (v[flag]) out[flag] = true;
  const exclude = nonEmptyList(v.exclude);
  if (exclude) out.exclude = exclude;
  if (v.expiration) out.expiration = v.expiration;
  return out;
}

/**
 * The body to send. Stages keep their position even when blank (so `containers[2]` in an error still points
 * at the third row the user sees); only fully blank trailing rows are dropped.
 */
export function toProfileBody(d: ProfileSpec): ProfileSpec {
  const out: ProfileSpec = {
    name: d.name.trim(),
    kernel: d.kernel.trim(),
    initramfs: d.initramfs.trim(),
    containers: dropTrailingBlanks(d.containers),
  };
  const description = trimmed(d.description);
  if (description) out.description = description;
  if (d.arch) out.arch = d.arch;
  const post = dropTrailingBlanks(d.postContainers ?? []);
  if (post.length) out.postContainers = post;
  const services = dropTrailingBlanks(d.services ?? []);
  if (services.length) out.services = services;
  if (d.pipefail) out.pipefail = true;
  if (d.volumes?.length) out.volumes = d.volumes.map(cleanVolume);
  const b2c = cleanB2c(d.b2c);
  if (b2c) out.b2c = b2c;
  const kernelArgs = trimmed(d.kernelArgs);
  if (kernelArgs) out.kernelArgs = kernelArgs;
  if (d.b2cDialect) out.b2cDialect = d.b2cDialect;
  return out;
}

function dropTrailingBlanks(list: string[]): string[] {
  const out = [...list];
  while (out.length && !out[out.length - 1]!.trim()) out.pop();
  return out;
}

/** Moves item `i` by `delta` places (pure; out-of-range moves return the list unchanged). */
export function move<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

/** Strips server-owned timestamps from a fetched profile so it can be edited and sent back. */
export function toDraft(p: ProfileSpec & { createdAt?: string; updatedAt?: string }): ProfileSpec {
  const { createdAt: _c, updatedAt: _u, ...spec } = p;
  return { ...spec, containers: spec.containers.length ? spec.containers : [''] };
}
