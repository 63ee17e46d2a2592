// Turns (profile, machine, where we are reachable) into what a machine is served: the iPXE script, the kernel
// line and the extra document. The real boot and the admin preview both go through here, so the preview shows
// exactly what the next boot gets (with the secret redacted).
import { accessKeyForSession, macHex } from '../domain/credentials.ts';
import { bootImageName, buildB2cBoot, redactExtraArgs, type B2cBoot, type BootMachine, type S3Access } from '../domain/cmdline.ts';
import { renderBootScript } from '../domain/ipxe.ts';
import type { ProfileSpec, Result } from '../domain/types.ts';
import type { Machine } from '../store/machines.ts';

/**
 * The S3 secret is never stored: the extra document is rendered with this slot in its place and the slot is
 * filled from the master key each time the document is served. Characters b2c's minio field rules accept.
 */
export const SECRET_SLOT = 'NETBOOT-S3-SECRET-SLOT';

/** Extra-document tokens are 32 random bytes in base64url: 43 characters on the kernel line. */
export const DOCUMENT_TOKEN_BYTES = 32;
export const DOCUMENT_TOKEN_LENGTH = 43;

/** A stand-in token of the real length, so previews and save-time checks count the same bytes as a boot. */
export const PLACEHOLDER_TOKEN = 'PREVIEW-TOKEN'.padEnd(DOCUMENT_TOKEN_LENGTH, '-');

export interface BootEndpoints {
  /** Base URL machines use for HTTP (no trailing slash). */
  publicUrl: string;
  /** S3 gateway as machines reach it, or null when the gateway is off. */
  s3: { url: string; bucket: string } | null;
}

export interface BootPlan {
  script: string;
  boot: B2cBoot;
}

const ABSOLUTE_URL = /^https?:\/\//;

export function artifactUrl(publicUrl: string, nameOrUrl: string): string {
  return ABSOLUTE_URL.test(nameOrUrl) ? nameOrUrl : `${publicUrl}/artifacts/${encodeURIComponent(nameOrUrl)}`;
}

export function toBootMachine(m: Pick<Machine, 'mac' | 'name' | 'kernelArgs' | 'b2c' | 'variables'>): BootMachine {
  return {
    mac: m.mac,
    name: m.name,
    ...(m.kernelArgs ? { kernelArgs: m.kernelArgs } : {}),
    ...(m.b2c ? { b2c: m.b2c } : {}),
    ...(m.variables ? { variables: m.variables } : {}),
  };
}

export function planBoot(
  profile: ProfileSpec,
  machine: BootMachine,
  at: BootEndpoints,
  session: { id: string; token: string },
): Result<{ plan: BootPlan }> {
  const hasVolumes = (profile.volumes?.length ?? 0) > 0;
  const s3: S3Access | null = hasVolumes && at.s3
    ? { alias: 'netboot', url: at.s3.url, accessKey: accessKeyForSession(session.id), secretKey: SECRET_SLOT, bucket: at.s3.bucket, prefix: `machines/${macHex(machine.mac)}` }
    : null;
  const built = buildB2cBoot({ profile, machine, extraArgsUrl: `${at.publicUrl}/b2c/${session.token}`, s3 });
  if (!built.ok) return built;
  const script = renderBootScript({
    kernelUrl: artifactUrl(at.publicUrl, profile.kernel),
    initrdUrl: artifactUrl(at.publicUrl, profile.initramfs),
    initrdName: bootImageName(profile.initramfs), // the name the byte count assumed
    kernelCmdline: built.boot.kernelCmdline,
  });
  return { ok: true, plan: { script, boot: built.boot } };
}

/** What an admin sees: the same plan with a placeholder session and every secret redacted. */
export function previewBoot(profile: ProfileSpec, machine: BootMachine, at: BootEndpoints): Result<{ plan: BootPlan }> {
  const planned = planBoot(profile, machine, at, { id: '000000000000000000', token: PLACEHOLDER_TOKEN });
  if (!planned.ok) return planned;
  const { boot, script } = planned.plan;
  return { ok: true, plan: { script, boot: { ...boot, extraArgs: redactExtraArgs(boot.extraArgs) } } };
}

/** Fills the secret slot of a stored document just before it is served. */
export function fillSecret(extraArgs: string, secret: string): string {
  return extraArgs.split(SECRET_SLOT).join(secret);
}
