// Save-time validation (DESIGN §5: refuse with a 400 naming the field, never fail at boot). Both checks run the
// real builder, so the rules live in one place (cmdline.ts, volumes.ts, b2c-values.ts) and a saved profile or
// machine is one that renders.
import { checkText, Refused } from './b2c-values.ts';
import { buildB2cBoot, type BootMachine, type S3Access } from './cmdline.ts';
import { isIpxeSafeToken } from './ipxe.ts';
import { normalizeMac } from './mac.ts';
import { placeholderVariables } from './placeholders.ts';
import type { FieldError, ProfileSpec } from './types.ts';

/**
 * A machine as long as it gets, for checks that can't know the machine yet: a 63-character name (one DNS
 * label, what a name used as `b2c.hostname` can be) and an extra-args URL with a long host and token.
 * Variables are unknown, so each referenced one counts as one character; validateMachineForProfile does the
 * exact check for each machine, and the boot itself checks again.
 */
const WORST_CASE_NAME = 'x'.repeat(63);
const WORST_CASE_EXTRA_ARGS_URL = `http://${'x'.repeat(40)}.example:65535/b2c/${'x'.repeat(64)}`;
const EXAMPLE_MAC = 'ff:ff:ff:ff:ff:ff';

/** S3 access of the same shape as the gateway's, so volume specs are built and checked in full. */
const EXAMPLE_S3: S3Access = {
  alias: 'netboot',
  url: 'http://s3.example:9000',
  accessKey: 'NB000000000000000000',
  secretKey: '0'.repeat(40),
  bucket: 'netboot',
  prefix: 'machines/ffffffffffff',
};

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The first problem of a profile on its own, or null when it renders for a worst-case machine. */
export function validateProfile(p: ProfileSpec): FieldError | null {
  for (const key of ['kernel', 'initramfs'] as const) {
    const problem = imageRefProblem(p[key]);
    if (problem !== null) return { field: key, message: problem };
  }
  const variables = Object.fromEntries(profileStrings(p).flatMap(placeholderVariables).map((name) => [name, 'x']));
  const r = buildB2cBoot({
    profile: p,
    machine: { mac: EXAMPLE_MAC, name: WORST_CASE_NAME, variables },
    extraArgsUrl: WORST_CASE_EXTRA_ARGS_URL,
    s3: EXAMPLE_S3,
  });
  return r.ok ? null : r.error;
}

/**
 * The first problem of this machine booting this profile (its overrides and variables filled in, the real
 * kernel line length), or null. Fields are paths in the machine (`kernelArgs`, `b2c.swap`, `variables.SITE`),
 * or `profile.…` when the profile's own value is what breaks once this machine's values are filled in.
 */
export function validateMachineForProfile(p: ProfileSpec, m: BootMachine, extraArgsUrlExample: string): FieldError | null {
  const mac = normalizeMac(m.mac);
  if (mac === null) return { field: 'mac', message: `"${m.mac}" is not a MAC address` };
  for (const [name, value] of Object.entries(m.variables ?? {})) {
    if (!VARIABLE_NAME.test(name)) return { field: `variables.${name}`, message: 'variable names are letters, digits and "_", not starting with a digit' };
    const problem = textProblem(value, `variables.${name}`);
    if (problem !== null) return problem;
  }
  const r = buildB2cBoot({ profile: p, machine: { ...m, mac }, extraArgsUrl: extraArgsUrlExample, s3: EXAMPLE_S3 });
  if (r.ok) return null;
  const { field, message } = r.error;
  return { field: field.startsWith('machine.') ? field.slice('machine.'.length) : `profile.${field}`, message };
}

/** `kernel`/`initramfs`: an artifact name or an absolute http(s) URL, either one iPXE passes through unchanged. */
function imageRefProblem(ref: unknown): string | null {
  if (typeof ref !== 'string' || ref === '') return 'must name an artifact or be an http(s) URL';
  if (ref.includes('://') && !/^https?:\/\/[^/]/i.test(ref)) return 'only http:// and https:// URLs can be booted';
  if (!isIpxeSafeToken(ref) || ref.includes('"') || ref.includes('\\')) {
    return 'must be printable ASCII without spaces, quotes, backslashes or "${"';
  }
  return null;
}

function textProblem(value: string, field: string): FieldError | null {
  try {
    checkText(value, field);
    return null;
  } catch (err) {
    if (err instanceof Refused) return err.fieldError;
    throw err;
  }
}

/** Every profile string that may hold placeholders. */
function profileStrings(p: ProfileSpec): string[] {
  const b = p.b2c ?? {};
  return [
    ...(p.containers ?? []), ...(p.postContainers ?? []), ...(p.services ?? []), p.kernelArgs ?? '',
    b.ntpPeer, b.cacheDevice, b.swap, b.hostname, b.insmods, ...(b.iface ?? []), ...(b.filesystem ?? []),
    ...Object.values(b.extra ?? {}),
  ].filter((s): s is string => typeof s === 'string');
}
